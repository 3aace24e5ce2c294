package org.iocp4j.io;

import java.io.IOException;

import org.iocp4j.NativeOverlapped;
import org.iocp4j.PreAllocatedOverlapped;

/**
 * The {@link PendingIo} of a reusable operation ({@link SocketOperation}, {@link FileOperation}): one object
 * started again and again on the OVERLAPPED its subclass pre-allocates, handing its handler an {@code int}.
 * A start and a close meet in the state word (one CAS each, no lock on the path of every start), so a close
 * never frees the OVERLAPPED under a start.
 */
abstract class ReusableIo extends PendingIo<Void> {

    /** The public operation, for messages. */
    private final Object owner;
    /** The count the handler gets: set by {@link #succeeded} and its kin before {@link #handOut}. */
    int result;

    ReusableIo(HandleChannel channel, Object owner) {
        super(channel);
        this.owner = owner;
    }

    /**
     * Makes it pending again for its next start: one at a time, never after close.
     *
     * @throws IllegalStateException if it is closed or still pending
     */
    final void begin() {
        if (!rearm()) {
            throw new IllegalStateException(isClosed() ? "a closed " + owner
                    : "a " + owner + " that is still pending: one operation at a time");
        }
    }

    /**
     * Frees the OVERLAPPED once nothing is pending; idempotent.
     *
     * @throws IllegalStateException if an operation is pending
     */
    final void close() {
        if (!closeIfDone()) {
            if (isClosed()) {
                return; // closed before, here or on another thread: that close frees the OVERLAPPED
            }
            throw new IllegalStateException("close of a " + owner + " that is pending: cancel it and wait for"
                    + " its handler first");
        }
        PreAllocatedOverlapped o = (PreAllocatedOverlapped) overlapped;
        if (o.status() != NativeOverlapped.Status.FREED) {
            o.close();
        }
    }

    @Override
    final void doneThenHandOut(Void value, Throwable failure) {
        int bytes = result; // taken before done: a start on another thread may set it again from then on
        markDone();
        handOut(bytes, failure);
    }

    @Override
    final void handOut(Void value, Throwable failure) {
        handOut(result, failure); // a start refused before the call (rejected): no count was made
    }

    private void handOut(int bytes, Throwable failure) {
        if (failure == null) {
            completed(bytes);
        } else {
            failed(failure instanceof IOException ? (IOException) failure : new IOException(failure));
        }
    }

    /** Calls the handler with {@code bytes}. */
    abstract void completed(int bytes);

    /** Calls the handler with the failure. */
    abstract void failed(IOException error);
}
