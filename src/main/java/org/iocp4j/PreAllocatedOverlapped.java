package org.iocp4j;

import java.nio.ByteBuffer;

import org.iocp4j.internal.dispatch.OverlappedPool;

/**
 * A {@link NativeOverlapped} for hot paths: allocated once, submitted again after each completion, so an
 * operation allocates nothing (.NET's {@code PreAllocatedOverlapped}). {@link #close()} gives its slot
 * back; like {@link #free()} it refuses while an operation is submitted.
 *
 * <p><b>Submitting again.</b> Once its packet has been dequeued ({@link Status#COMPLETED}, set just before
 * the callback runs) it may be submitted again, from its own callback (the hot path: read, handle, read
 * again) or from any other thread; while {@link Status#SUBMITTED} a {@link #submit()} is refused with
 * {@code IllegalStateException}. This is allowed rather than held back until the callback returns: the
 * re-submit from inside the callback is the pattern the class exists for, and telling it apart from a
 * re-submit on another thread would cost every completion a write before and after its callback. What
 * the rule means: {@link #submit()} hands the {@code OVERLAPPED}, its state and its buffers to the kernel
 * and to the <em>next</em> callback, which may start on another I/O thread before the submitting code has
 * even returned. So whoever submits (the running callback included) must be done with the buffers first:
 * read the result, then submit, then touch nothing of the overlapped's. Two callbacks of one overlapped can
 * therefore run at once (the tail of one and the start of the next); they never share an operation.
 */
public final class PreAllocatedOverlapped extends NativeOverlapped implements AutoCloseable {

    PreAllocatedOverlapped(OverlappedPool pool, int slot, IoCallback callback, Object state, ByteBuffer[] pinned,
                           long pinnedBytes) {
        super(pool, slot, callback, state, pinned, pinnedBytes);
    }

    @Override
    boolean reusable() {
        return true;
    }

    /**
     * Frees the overlapped; the same as {@link #free()}.
     *
     * @throws IllegalStateException if an operation is submitted, or it was already closed
     */
    @Override
    public void close() {
        free();
    }
}
