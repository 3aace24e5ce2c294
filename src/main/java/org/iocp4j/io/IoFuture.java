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
     * Cancels the future and asks the kernel to cancel the operation ({@code CancelIoEx}), as NIO.2's
     * {@code Future.cancel}: if the future was not done, it is cancelled now and this returns true; the
     * operation's own completion, which still comes (with 995, or with data the kernel had already moved),
     * then changes nothing and its result is dropped, so {@link #get()} throws
     * {@link java.util.concurrent.CancellationException}. The operation's buffers stay in the kernel's hands
     * until that packet arrives ({@link IoOperation#isDone()}), and data it had already moved is not undone.
     * If the operation completed first, this returns false and the future keeps its result.
     *
     * @param mayInterruptIfRunning ignored: the kernel is cancelled either way
     * @return true if this call cancelled the future
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // The future settles first: the kernel's cancel makes the packet come (995) at once, on another
        // thread, and an operation that completed the future before this thread did would make the cancel
        // fail with an AsynchronousCloseException it caused itself.
        if (!super.cancel(mayInterruptIfRunning)) {
            return false;
        }
        IoOperation op = operation;
        if (op != null) {
            op.cancel();
        }
        return true;
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
