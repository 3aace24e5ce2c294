/**
 * The public API of iocp4j: Windows I/O completion ports for Java. {@link Iocp} says whether
 * the native backend is available and which backend runs; {@link CompletionPort} is the port
 * itself (the kernel's through JNI on Windows, a Java port with the same semantics elsewhere);
 * {@link IoDispatcher} runs I/O threads over a port and hands each completion to the callback
 * of the {@link NativeOverlapped} that started it; the rest are its diagnostics, statistics
 * and errors ({@link IocpException} carries the Win32 code).
 *
 * <p>Rules: everything public here is API; the implementation lives in {@code org.iocp4j.internal} and
 * its sub-packages, and no public or protected signature here names one of their types. The backend is
 * chosen there ({@code Platforms}), not here; the ports fill {@link Completion} and {@link CompletionBatch}
 * through the package-private {@code PortHolders}, which {@link CompletionPort} installs.
 */
package org.iocp4j;
