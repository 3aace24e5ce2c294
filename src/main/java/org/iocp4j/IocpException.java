package org.iocp4j;

import java.io.IOException;

import org.iocp4j.internal.Win32Errors;

/**
 * A Win32 call behind iocp4j failed. The exception keeps the Win32 error code, and its message carries
 * both the call that failed and the system's own text for the code.
 *
 * <p>On the portable backend the same codes are used for the same conditions (for example
 * {@code ERROR_INVALID_HANDLE}, 6, for a port that is already closed), so code that inspects
 * {@link #errorCode()} behaves alike on every platform.
 */
public class IocpException extends IOException implements Win32Error {

    private static final long serialVersionUID = 1L;

    /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */

    private final int errorCode;

    /**
     * Creates an exception for a failed call.
     *
     * @param operation what failed, for example {@code "PostQueuedCompletionStatus"}
     * @param errorCode the Win32 error code ({@code GetLastError()} or its portable equivalent)
     */
    public IocpException(String operation, int errorCode) {
        super(Win32Errors.failure(operation, errorCode));
        this.errorCode = errorCode;
    }

    /**
     * The Win32 error code, as {@code GetLastError()} returned it (for example 6,
     * {@code ERROR_INVALID_HANDLE}, or 735, {@code ERROR_ABANDONED_WAIT_0}).
     *
     * @return the error code, never 0
     */
    @Override
    public int errorCode() {
        return errorCode;
    }
}
