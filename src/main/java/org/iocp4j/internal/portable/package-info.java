/**
 * The portable platform ({@code PortablePlatform}): a completion port in Java with Windows' semantics (FIFO
 * packets, LIFO waiters, the concurrency limit), and files and sockets over NIO channels that report Win32
 * error codes and complete through it, so the library and its tests run where there is no Windows. Not API
 * (public only for {@code org.iocp4j} and its other internal packages).
 *
 * <p>Rules: no JNI here and nothing that needs the DLL; from {@code internal.windows} this package uses
 * only the Win32 constants of the natives classes (access modes, socket options), which compile to
 * literals. A Java exception becomes a Win32 code through {@code Errors.codeOf}, the code Windows gives for
 * the same condition. Every overlapped call returns pending ({@code -997}) and delivers exactly one packet
 * through the port, so callers meet the path they meet on Windows without skip-on-success. There are no
 * named pipes: asking for them throws {@link java.lang.UnsupportedOperationException}.
 */
package org.iocp4j.internal.portable;
