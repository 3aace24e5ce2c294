package org.iocp4j.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;

/**
 * The kernel32 calls that hand memory to the kernel for overlapped I/O, declared with {@link Pointer}s.
 *
 * <p>jna-platform's {@code Kernel32} declares them with Java arrays and {@code Structure}s
 * ({@code ReadFile(HANDLE, byte[], int, IntByReference, OVERLAPPED)},
 * {@code ReadDirectoryChangesW(HANDLE, FILE_NOTIFY_INFORMATION, ...)}). For a synchronous call that is
 * fine; for an overlapped one it is memory corruption waiting to happen: JNA copies a {@code byte[]} into
 * temporary native memory and frees it when the call returns, while the kernel writes into it until the
 * packet arrives; a {@code Structure}'s memory is freed by the garbage collector whenever the Java object
 * becomes unreachable. Pass a direct buffer ({@code Native.getDirectBufferPointer}) given to the
 * {@code NativeOverlapped} at allocation, which keeps it reachable, and the overlapped's
 * {@link JnaOverlapped#pointer pointer}. Pass {@code null} for the byte counts: for an overlapped call the
 * count arrives with the packet.
 *
 * <p>Every method sets the thread's last error, which JNA saves right after the call: read it with
 * {@code Native.getLastError()}, never with a second call to {@code GetLastError} (the JVM may have
 * overwritten it by then). {@link JnaOverlapped#start} does that for you.
 */
public interface OverlappedKernel32 extends StdCallLibrary {

    /** kernel32, with jna-platform's Win32 type mapping and the wide-character ({@code W}) functions. */
    OverlappedKernel32 INSTANCE = Native.load("kernel32", OverlappedKernel32.class, W32APIOptions.DEFAULT_OPTIONS);

    /**
     * {@code ReadFile}.
     *
     * @param file       a handle opened with {@code FILE_FLAG_OVERLAPPED}
     * @param buffer     where the bytes go: memory that outlives the operation
     * @param length     bytes to read
     * @param bytesRead  null for an overlapped call
     * @param overlapped the OVERLAPPED: {@link JnaOverlapped#pointer}
     * @return true if it completed at once; false with the last error {@code ERROR_IO_PENDING} (997) if it is
     *         under way, or another code if it failed
     */
    boolean ReadFile(WinNT.HANDLE file, Pointer buffer, int length, Pointer bytesRead, Pointer overlapped);

    /**
     * {@code WriteFile}.
     *
     * @param file         a handle opened with {@code FILE_FLAG_OVERLAPPED}
     * @param buffer       the bytes: memory that outlives the operation
     * @param length       bytes to write
     * @param bytesWritten null for an overlapped call
     * @param overlapped   the OVERLAPPED: {@link JnaOverlapped#pointer}
     * @return as {@link #ReadFile}
     */
    boolean WriteFile(WinNT.HANDLE file, Pointer buffer, int length, Pointer bytesWritten, Pointer overlapped);

    /**
     * {@code ReadDirectoryChangesW}: records of {@code FILE_NOTIFY_INFORMATION} into {@code buffer}.
     *
     * @param directory         a directory opened with {@code FILE_LIST_DIRECTORY},
     *                          {@code FILE_FLAG_BACKUP_SEMANTICS} and {@code FILE_FLAG_OVERLAPPED}
     * @param buffer            DWORD-aligned memory that outlives the operation
     * @param length            its size in bytes
     * @param watchSubtree      whether changes below the directory count too
     * @param notifyFilter      {@code FILE_NOTIFY_CHANGE_*} bits
     * @param bytesReturned     null for an overlapped call
     * @param overlapped        the OVERLAPPED: {@link JnaOverlapped#pointer}
     * @param completionRoutine null: the packet goes to the completion port
     * @return as {@link #ReadFile}
     */
    boolean ReadDirectoryChangesW(WinNT.HANDLE directory, Pointer buffer, int length, boolean watchSubtree,
                                  int notifyFilter, Pointer bytesReturned, Pointer overlapped, Pointer completionRoutine);

    /**
     * {@code DeviceIoControl}.
     *
     * @param device        a handle opened with {@code FILE_FLAG_OVERLAPPED}
     * @param controlCode   the {@code IOCTL_*} or {@code FSCTL_*} code
     * @param in            input memory, or null
     * @param inLength      its size
     * @param out           output memory that outlives the operation, or null
     * @param outLength     its size
     * @param bytesReturned null for an overlapped call
     * @param overlapped    the OVERLAPPED: {@link JnaOverlapped#pointer}
     * @return as {@link #ReadFile}
     */
    boolean DeviceIoControl(WinNT.HANDLE device, int controlCode, Pointer in, int inLength, Pointer out, int outLength,
                            Pointer bytesReturned, Pointer overlapped);

    /**
     * {@code CancelIoEx}: cancels the operation of one OVERLAPPED (or every operation of this process on the
     * handle, with null). The cancelled operation still completes, with {@code ERROR_OPERATION_ABORTED}
     * (995) in its packet: free its OVERLAPPED there, never here.
     *
     * @param handle     the handle
     * @param overlapped the operation's OVERLAPPED, or null for all
     * @return true if a cancellation was requested; false with {@code ERROR_NOT_FOUND} (1168) if nothing
     *         matched
     */
    boolean CancelIoEx(WinNT.HANDLE handle, Pointer overlapped);

    /**
     * {@code GetOverlappedResult}. With a completion port the packet carries the result; this reads it from
     * the OVERLAPPED ({@code Internal}, {@code InternalHigh}) where that is what you need.
     *
     * @param handle     the handle
     * @param overlapped the OVERLAPPED
     * @param bytes      receives the byte count
     * @param wait       whether to wait for completion (never on an I/O thread)
     * @return true if the operation succeeded; false with {@code ERROR_IO_INCOMPLETE} (996) while it is
     *         pending (and {@code wait} is false), or its own error code
     */
    boolean GetOverlappedResult(WinNT.HANDLE handle, Pointer overlapped, IntByReference bytes, boolean wait);
}
