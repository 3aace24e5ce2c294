package org.iocp4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

import org.iocp4j.internal.OwnedOverlappeds;

/**
 * An overlapped handle bound to an {@link IoDispatcher}: every I/O completion on it arrives at the
 * dispatcher's port and runs the callback of the operation's {@link NativeOverlapped} (.NET's
 * {@code ThreadPoolBoundHandle}). Made by {@link IoDispatcher#bind(long)}.
 *
 * <p>Overlappeds allocated here remember the handle: {@link #free(NativeOverlapped)} refuses one allocated
 * for another handle, the misuse .NET detects without saying which handle was meant.
 */
public final class BoundHandle {

    static {
        OwnedOverlappeds.install((handle, callback, state, buffers) -> {
            NativeOverlapped o = handle.dispatcher.allocateOwned(callback, state, buffers);
            o.boundTo = handle;
            return o;
        });
    }

    private final IoDispatcher dispatcher;
    private final long handle;
    private final long key;

    BoundHandle(IoDispatcher dispatcher, long handle, long key) {
        this.dispatcher = dispatcher;
        this.handle = handle;
        this.key = key;
    }

    /**
     * The bound Win32 {@code HANDLE} or {@code SOCKET}.
     *
     * @return the handle value
     */
    public long handle() {
        return handle;
    }

    /**
     * The completion key its packets carry (chosen by the dispatcher; the top bit is always clear).
     *
     * @return the key
     */
    public long key() {
        return key;
    }

    /**
     * The dispatcher the handle is bound to.
     *
     * @return the dispatcher
     */
    public IoDispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * Allocates an OVERLAPPED for one operation on this handle; see {@link IoDispatcher#allocate}.
     *
     * @param callback what runs when the packet arrives
     * @param state    any object
     * @param buffers  the direct buffers the operation uses
     * @return the overlapped
     */
    public NativeOverlapped allocate(IoCallback callback, Object state, ByteBuffer... buffers) {
        NativeOverlapped o = dispatcher.allocate(callback, state, buffers);
        o.boundTo = this;
        return o;
    }

    /**
     * Allocates a reusable OVERLAPPED for operations on this handle; see {@link IoDispatcher#preAllocate}.
     *
     * @param callback what runs when each packet arrives
     * @param state    any object
     * @param buffers  the direct buffers its operations use
     * @return the overlapped
     */
    public PreAllocatedOverlapped preAllocate(IoCallback callback, Object state, ByteBuffer... buffers) {
        PreAllocatedOverlapped o = dispatcher.preAllocate(callback, state, buffers);
        o.boundTo = this;
        return o;
    }

    /**
     * Frees an overlapped allocated for this handle.
     *
     * @param overlapped the overlapped
     * @throws IllegalArgumentException if it was allocated for another handle (or none)
     * @throws IllegalStateException    as {@link NativeOverlapped#free()}
     */
    public void free(NativeOverlapped overlapped) {
        Objects.requireNonNull(overlapped, "overlapped");
        if (overlapped.boundTo != this) {
            throw new IllegalArgumentException("the overlapped was allocated for "
                    + (overlapped.boundTo == null ? "no handle" : "handle 0x" + Long.toHexString(overlapped.boundTo.handle))
                    + ", not for handle 0x" + Long.toHexString(handle));
        }
        overlapped.free();
    }

    static BoundHandle bind(IoDispatcher dispatcher, CompletionPort port, long handle, long key) throws IOException {
        port.associate(handle, key);
        return new BoundHandle(dispatcher, handle, key);
    }
}
