/**
 * Overlapped files, sockets and named pipes bound to an {@link org.iocp4j.IoDispatcher}: each operation
 * starts with a Win32 call (or its portable twin) and completes through the dispatcher's port, to a
 * {@link java.nio.channels.CompletionHandler} or an {@link org.iocp4j.io.IoFuture}.
 *
 * <p>Rules: this package is API; it reaches the platform only through the SPIs of
 * {@code org.iocp4j.internal} ({@code FileBackend}, {@code SocketBackend}) and the backends that
 * implement them, never through the JNI natives; Win32 error codes become exceptions in
 * {@link org.iocp4j.io.Win32Exceptions}.
 */
package org.iocp4j.io;
