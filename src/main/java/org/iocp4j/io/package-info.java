/**
 * Overlapped files, sockets and named pipes bound to an {@link org.iocp4j.IoDispatcher}: each operation
 * starts with a Win32 call (or its portable twin) and completes through the dispatcher's port, to a
 * {@link java.nio.channels.CompletionHandler} or an {@link org.iocp4j.io.IoFuture}.
 *
 * <p>Rules: this package is API; it reaches the platform only through the backend classes (the
 * {@code FileBackend} and {@code SocketBackend} SPIs of {@code org.iocp4j.internal} and their two
 * implementations, {@code NativePipes} for pipes, which only Windows has), never through the JNI natives;
 * Win32 error codes become exceptions in {@link org.iocp4j.io.Win32Exceptions}.
 */
package org.iocp4j.io;
