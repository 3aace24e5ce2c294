/**
 * Overlapped files, sockets and named pipes bound to an {@link org.iocp4j.IoDispatcher}: each operation
 * starts with a Win32 call (or its portable twin) and completes through the dispatcher's port, to a
 * {@link java.nio.channels.CompletionHandler} or an {@link org.iocp4j.io.IoFuture}.
 *
 * <p>Rules: this package is API; it reaches the platform only through the platform of the dispatcher's port
 * ({@code org.iocp4j.internal.Platform.of(dispatcher.port())}: its files, sockets and pipes), never through
 * the JNI natives, and never asks which backend runs. A failed call's Win32 code becomes an exception in
 * {@code org.iocp4j.internal.Errors}, as one of the types of {@link org.iocp4j.io.Win32Exceptions} or an
 * {@link org.iocp4j.IocpException}.
 */
package org.iocp4j.io;
