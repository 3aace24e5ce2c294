package org.iocp4j;

/**
 * The completion port was closed: before the call ({@link #errorCode()} is 6,
 * {@code ERROR_INVALID_HANDLE}), or while the calling thread waited in it ({@link #errorCode()} is 735,
 * {@code ERROR_ABANDONED_WAIT_0}, what Windows itself returns to a thread waiting in a port that is
 * closed).
 *
 * <p>Every method of a closed {@link CompletionPort} except {@link CompletionPort#close()} and
 * {@link CompletionPort#isOpen()} throws it.
 */
public final class PortClosedException extends IocpException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param operation what was attempted
     * @param errorCode 6 if the port was closed before the call, 735 if it closed under the waiting thread
     */
    public PortClosedException(String operation, int errorCode) {
        super(operation, errorCode);
    }
}
