/**
 * iocp4j for jna-platform users: make your own overlapped Win32 calls through JNA with iocp4j's lifetime
 * safety, and a {@link org.iocp4j.jna.DirectoryWatcher} built that way.
 *
 * <ul>
 *   <li>{@link org.iocp4j.jna.JnaOverlapped}: a {@link org.iocp4j.NativeOverlapped} as a JNA {@code Pointer}
 *       and as a read-only {@code WinBase.OVERLAPPED} ({@link org.iocp4j.jna.OverlappedView}), and
 *       {@code start}, the submit / {@code ERROR_IO_PENDING} / {@code abortSubmit} protocol around one
 *       call.</li>
 *   <li>{@link org.iocp4j.jna.JnaHandles}: {@code WinNT.HANDLE}s to and from iocp4j's handles, and binding
 *       a handle you opened through JNA to an {@link org.iocp4j.IoDispatcher}.</li>
 *   <li>{@link org.iocp4j.jna.OverlappedKernel32}: the kernel32 calls that hand memory to the kernel,
 *       declared with pointers (jna-platform's take arrays and structures whose memory JNA or the garbage
 *       collector frees while the kernel may still write it).</li>
 * </ul>
 *
 * <p>Rules that keep memory safe: an OVERLAPPED is iocp4j's (allocated from a dispatcher, freed in its
 * operation's callback or when it was never submitted), never a JNA {@code Structure}'s; buffers are direct
 * and given to the overlapped at allocation, so they stay reachable while the kernel writes them; cancel
 * with {@code CancelIoEx} and free in the cancelled operation's callback.
 */
package org.iocp4j.jna;
