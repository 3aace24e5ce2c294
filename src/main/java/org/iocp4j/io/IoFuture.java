package org.iocp4j.io;

import java.util.concurrent.CompletableFuture;

/**
 * The future form of an overlapped operation: completes with the operation's result, or exceptionally
 * with the mapped exception ({@link Win32Exceptions}). {@link #cancel(boolean)} also cancels the I/O in the
 * kernel.
 *
 * @param <V> the result type
 */
public final class IoFuture<V> extends CompletableFuture<V> {

    private volatile IoOperation operation;

    IoFuture() {
    }

    void started(IoOperation op) {
        this.operation = op;
    }

    /**
     * Cancels the future and asks the kernel to cancel the operation ({@code CancelIoEx}). The future is
     * cancelled at once; the operation's buffers stay in the kernel's hands until its packet arrives, and
     * data it had already moved is not undone (as with NIO's {@code Future.cancel}).
     *
     * @param mayInterruptIfRunning ignored: the kernel is cancelled either way
     * @return true if this call cancelled the future
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        IoOperation op = operation;
        if (op != null && !isDone()) {
            op.cancel();
        }
        return super.cancel(mayInterruptIfRunning);
    }

    /**
     * The operation behind the future, or null before it was started.
     *
     * @return the operation
     */
    public IoOperation operation() {
        return operation;
    }
}
