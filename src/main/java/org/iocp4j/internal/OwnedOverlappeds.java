package org.iocp4j.internal;

import java.nio.ByteBuffer;
import java.util.Objects;

import org.iocp4j.BoundHandle;
import org.iocp4j.IoCallback;
import org.iocp4j.NativeOverlapped;

/**
 * How {@code org.iocp4j.io} allocates the OVERLAPPED of each of its operations without the leak backstop that
 * guards a user's (a {@code Cleaner} registered per allocation and cleaned per free: a lock each way and a
 * JNI call in {@code Reference.clear}, a third of an at-once file read's cost). The backstop can never act on
 * these: the operation is the overlapped's state, the slot holds its state strongly until the free, and the
 * operation holds its overlapped, so the overlapped cannot become unreachable unfreed.
 *
 * <p>The way in is {@link PortSupport}'s: {@code org.iocp4j.BoundHandle} installs the one allocator when it
 * initialises, which is before any bound handle exists, so no public method of the API offers it.
 */
public final class OwnedOverlappeds {

    private static volatile Allocator allocator;

    private OwnedOverlappeds() {
    }

    /** Allocates an overlapped whose state holds it until it is freed; implemented once, in {@code org.iocp4j}. */
    public interface Allocator {

        /**
         * As {@code BoundHandle.allocate}, without the leak backstop and without copying {@code buffers}.
         *
         * @param handle   the handle of the operation
         * @param callback what runs when its packet arrives
         * @param state    its state: must hold the returned overlapped until it is freed
         * @param buffers  the direct buffers it uses, an array nobody changes while it is allocated
         * @return the overlapped
         */
        NativeOverlapped allocate(BoundHandle handle, IoCallback callback, Object state, ByteBuffer[] buffers);
    }

    /**
     * Installs the allocator; {@code org.iocp4j.BoundHandle} does, once.
     *
     * @throws IllegalStateException if already installed
     */
    public static synchronized void install(Allocator a) {
        if (allocator != null) {
            throw new IllegalStateException("the owned overlappeds' allocator is installed already");
        }
        allocator = Objects.requireNonNull(a, "allocator");
    }

    /** The allocator: installed by the time any {@code BoundHandle} exists. */
    public static Allocator allocator() {
        Allocator a = allocator;
        if (a == null) {
            throw new IllegalStateException("org.iocp4j.BoundHandle has not installed the allocator");
        }
        return a;
    }
}
