package org.iocp4j.io;

/**
 * One overlapped operation in flight, as returned by the callback forms of the I/O methods.
 */
public interface IoOperation {

    /**
     * Asks the kernel to cancel the operation ({@code CancelIoEx} with its OVERLAPPED). The operation
     * still completes through its handler: failed with {@link Win32Exceptions.AsynchronousClose} (995)
     * if the cancel took, or normally if it had already finished. The OVERLAPPED and buffers stay in
     * the kernel's hands until then.
     *
     * @return true if a cancel was requested; false if the operation had already completed
     */
    boolean cancel();

    /**
     * Whether the operation's result has been handed to its handler (or future).
     *
     * @return true once done
     */
    boolean isDone();
}
