package org.iocp4j;

import java.nio.ByteBuffer;

import org.iocp4j.internal.OverlappedSlab;

/**
 * A {@link NativeOverlapped} for hot paths: allocated once, submitted again after each completion, so an
 * operation allocates nothing (.NET's {@code PreAllocatedOverlapped}). {@link #close()} gives its slot
 * back; like {@link #free()} it refuses while an operation is submitted.
 */
public final class PreAllocatedOverlapped extends NativeOverlapped implements AutoCloseable {

    PreAllocatedOverlapped(IoDispatcher dispatcher, OverlappedSlab slab, int slot, IoCallback callback, Object state,
                           ByteBuffer[] pinned, long pinnedBytes) {
        super(dispatcher, slab, slot, callback, state, pinned, pinnedBytes);
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
