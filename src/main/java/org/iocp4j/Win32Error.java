package org.iocp4j;

/**
 * An exception that keeps the Win32 error code behind it. {@link IocpException} is one; so are the JDK
 * exception types iocp4j's I/O maps well-known codes to (an {@code AsynchronousCloseException} for 995,
 * a {@code ConnectException} for 1225, ...; see {@code org.iocp4j.io.Win32Exceptions}), so a handler can
 * catch the type it knows and still read the code:
 * <pre>{@code
 * catch (ConnectException e) {
 *     int code = e instanceof Win32Error w ? w.errorCode() : 0; // 1225 or 10061
 * }
 * }</pre>
 */
public interface Win32Error {

    /**
     * The Win32 (or Winsock) error code, as {@code GetLastError()}, {@code WSAGetLastError()} or the
     * completion packet gave it; the portable backend uses the same codes for the same conditions.
     *
     * @return the error code, never 0
     */
    int errorCode();
}
