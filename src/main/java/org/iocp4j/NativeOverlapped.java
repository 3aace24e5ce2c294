package org.iocp4j;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.concurrent.RejectedExecutionException;

import org.iocp4j.internal.Win32Layout;
import org.iocp4j.internal.dispatch.LeakTrace;
import org.iocp4j.internal.dispatch.OverlappedAccess;
import org.iocp4j.internal.dispatch.OverlappedPool;
import org.iocp4j.internal.dispatch.SlotWord;

/**
 * An off-heap {@code OVERLAPPED} owned by an {@link IoDispatcher}, with the callback, the state object
 * and the buffers of the one operation that uses it: .NET's {@code NativeOverlapped*} from
 * {@code AllocateNativeOverlapped}, with a lifetime no caller can break.
 *
 * <p>Its life is a state machine held in one CAS word (see {@link Status}):
 * <pre>
 *   allocate ──► ALLOCATED ──submit()──► SUBMITTED ──packet──► COMPLETED ──free()──► (freed)
 *                   ▲    └──────────────free()──────────────────────────────────────────┘
 *                   └──abortSubmit()── SUBMITTED    (the initiating call failed at once: no packet will come)
 * </pre>
 * Call {@link #submit()} <em>before</em> the Win32 call that starts the operation and pass it the address
 * it returns: the packet may be dequeued, and the callback run, before that call has even returned.
 * {@link #free()} refuses while the kernel may still write the OVERLAPPED ({@link Status#SUBMITTED}):
 * cancel the operation and free it in its callback. A second {@code free()} throws and, when the
 * dispatcher tracks frees, says where the first one happened. The buffers given at allocation stay
 * reachable until the overlapped is freed.
 *
 * <p>A {@link Cleaner} backstop reports an overlapped that became unreachable without being freed
 * (and returns its slot if the kernel cannot be writing it); it never touches a submitted one, which the
 * dispatcher keeps reachable until its packet arrives. The operations of {@code org.iocp4j.io} go without it:
 * each is its overlapped's state, which the dispatcher holds until the free, so they cannot become
 * unreachable unfreed, and the backstop would cost them a lock at each end.
 */
public class NativeOverlapped {

    /** Where an operation stands. */
    public enum Status {
        /** Allocated, not in the kernel's hands: fill it in, submit it, or free it. */
        ALLOCATED,
        /** Submitted: the kernel may write it until its packet arrives. */
        SUBMITTED,
        /** Its packet arrived and its callback ran or is running. */
        COMPLETED,
        /** Freed: its memory belongs to someone else now. */
        FREED
    }

    /** What the dispatcher's engine reads of an overlapped; the one implementation of {@link OverlappedAccess}. */
    static final OverlappedAccess ACCESS = new OverlappedAccess() {
        @Override
        public IoCallback callback(NativeOverlapped overlapped) {
            return overlapped.callback;
        }

        @Override
        public int slot(NativeOverlapped overlapped) {
            return overlapped.slot;
        }

        @Override
        public long generation(NativeOverlapped overlapped) {
            return overlapped.generation;
        }

        @Override
        public boolean reusable(NativeOverlapped overlapped) {
            return overlapped.reusable();
        }

        @Override
        public long handle(NativeOverlapped overlapped) {
            BoundHandle h = overlapped.boundTo;
            return h == null ? 0 : h.handle();
        }

        @Override
        public LeakTrace trace(NativeOverlapped overlapped) {
            return overlapped.trace;
        }
    };

    /** Its dispatcher's OVERLAPPEDs: the only part of the dispatcher an overlapped talks to. */
    final OverlappedPool pool;
    final int slot;
    final long generation;
    final IoCallback callback;
    final ByteBuffer[] pinned;
    final long pinnedBytes;
    /** Where it was allocated and last submitted, when leak detection records it; else null. */
    final LeakTrace trace;
    private final Cleaner.Cleanable backstop;
    private volatile Throwable freedAt;
    /** The handle it was allocated for, if any (set once, right after construction). */
    volatile BoundHandle boundTo;

    NativeOverlapped(OverlappedPool pool, int slot, IoCallback callback, Object state, ByteBuffer[] pinned,
                     long pinnedBytes) {
        this(pool, slot, callback, state, pinned, pinnedBytes, true);
    }

    /**
     * @param watched whether the leak backstop watches it: not for {@code org.iocp4j.io}'s own operations, whose
     *                state holds them until they are freed (see {@code internal.OwnedOverlappeds})
     */
    NativeOverlapped(OverlappedPool pool, int slot, IoCallback callback, Object state, ByteBuffer[] pinned,
                     long pinnedBytes, boolean watched) {
        this.pool = pool;
        this.slot = slot;
        this.generation = SlotWord.generation(pool.word(slot));
        this.callback = callback;
        this.pinned = pinned;
        this.pinnedBytes = pinnedBytes;
        // org.iocp4j.io's own operations cannot leak (see the constructor's comment): a sampled stack trace
        // would only cost them (a tenth of a 64-connection echo's CPU); PARANOID still records every one.
        boolean record = watched ? pool.leakDetection().recordsAllocation()
                : pool.leakDetection() == LeakDetection.PARANOID;
        this.trace = record ? LeakTrace.here(getClass().getSimpleName()) : null;
        pool.setUserState(slot, state);
        this.backstop = watched ? pool.registerBackstop(this, slot, generation, pinnedBytes, trace) : null;
    }

    /**
     * The address of the {@code OVERLAPPED}, for Win32 calls made by hand (through JNA, say). Prefer the
     * value {@link #submit()} returns, which also marks the operation as started. Where iocp4j's DLL is not
     * loaded (the portable backend, off Windows) the value is an identity with no memory behind it, unique
     * while the overlapped lives: packets name it, but no native code may dereference it.
     *
     * @return the address
     * @throws IllegalStateException if the overlapped was freed
     */
    public final long address() {
        status("address");
        return pool.address(slot);
    }

    /**
     * The state object given at allocation.
     *
     * @return the state, possibly null
     * @throws IllegalStateException if the overlapped was freed
     */
    public final Object state() {
        status("state");
        return pool.userState(slot);
    }

    /**
     * The buffers given at allocation: kept reachable until the overlapped is freed.
     *
     * @return the buffers (the array is the one held, not a copy)
     */
    public final ByteBuffer[] buffers() {
        return pinned;
    }

    /**
     * Where this operation stands.
     *
     * @return the status; {@link Status#FREED} once freed
     */
    public final Status status() {
        long word = pool.word(slot);
        if (SlotWord.generation(word) != generation) {
            return Status.FREED;
        }
        switch (SlotWord.state(word)) {
            case SlotWord.ALLOCATED: return Status.ALLOCATED;
            case SlotWord.SUBMITTED: return Status.SUBMITTED;
            case SlotWord.COMPLETED: return Status.COMPLETED;
            default: return Status.FREED;
        }
    }

    /**
     * The file position of the operation: {@code Offset | (long) OffsetHigh << 32}.
     *
     * @return the offset
     * @throws IllegalStateException if the overlapped was freed
     */
    public final long offset() {
        status("offset");
        return Integer.toUnsignedLong(pool.overlappedInt(slot, Win32Layout.OVERLAPPED_OFFSET))
                | (long) pool.overlappedInt(slot, Win32Layout.OVERLAPPED_OFFSET_HIGH) << 32;
    }

    /**
     * Sets {@code Offset} and {@code OffsetHigh}: the file position a read or write starts at.
     *
     * @param position the 64-bit position, at least 0
     * @throws IllegalArgumentException if {@code position} is negative
     * @throws IllegalStateException    unless the overlapped is allocated or completed (not submitted)
     */
    public final void setOffset(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0: " + position);
        }
        requireNotSubmitted("setOffset");
        pool.setOverlappedInt(slot, Win32Layout.OVERLAPPED_OFFSET, (int) position);
        pool.setOverlappedInt(slot, Win32Layout.OVERLAPPED_OFFSET_HIGH, (int) (position >>> 32));
    }

    /**
     * The {@code hEvent} field.
     *
     * @return the event handle, 0 if none
     * @throws IllegalStateException if the overlapped was freed
     */
    public final long eventHandle() {
        status("eventHandle");
        return pool.overlappedLong(slot, Win32Layout.OVERLAPPED_HEVENT);
    }

    /**
     * Sets {@code hEvent}. With its low bit set, Windows signals the event and queues no packet.
     *
     * @param event an event handle, or 0
     * @throws IllegalStateException unless the overlapped is allocated or completed (not submitted)
     */
    public final void setEventHandle(long event) {
        requireNotSubmitted("setEventHandle");
        pool.setOverlappedLong(slot, Win32Layout.OVERLAPPED_HEVENT, event);
    }

    /**
     * Marks the operation as started and returns the address to pass to the Win32 call. From here the
     * kernel may write the OVERLAPPED and the callback may run at any moment, even before the call
     * returns.
     *
     * @return the OVERLAPPED's address
     * @throws IllegalStateException      if it is already submitted, completed (a {@code NativeOverlapped} is
     *                                    for one operation; reuse a {@link PreAllocatedOverlapped}, which may
     *                                    be submitted again once completed, even while its callback still
     *                                    runs: see its class comment) or freed
     * @throws RejectedExecutionException if its dispatcher has shut down and closed its port (the
     *                                    overlapped stays as it was: free it)
     */
    public final long submit() {
        status("submit");
        if (pool.submit(this, slot, generation, reusable(), trace)) {
            return pool.address(slot);
        }
        Status now = status();
        if (now != Status.SUBMITTED && !reusable()) {
            pool.clearOwner(slot, this);
        }
        throw new IllegalStateException("cannot submit an overlapped that is " + now
                + (now == Status.COMPLETED ? " (a NativeOverlapped serves one operation: free it and allocate"
                        + " another, or use a PreAllocatedOverlapped)" : "") + freedWhere());
    }

    /**
     * Takes back a {@link #submit()} whose Win32 call failed at once (any error but
     * {@code ERROR_IO_PENDING}): no packet will come, so the overlapped is allocated again and may be
     * freed or submitted anew. Calling it when a packet <em>will</em> come is a bug: that packet is then
     * dropped as stale.
     *
     * @throws IllegalStateException if the overlapped is not submitted
     */
    public final void abortSubmit() {
        if (!pool.abortSubmit(this, slot, generation, reusable())) {
            throw new IllegalStateException("abortSubmit of an overlapped that is " + status() + freedWhere());
        }
    }

    /**
     * Completes a submitted operation whose Win32 call succeeded at once on a handle that skips the port
     * on success ({@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}): no packet will come, so the callback runs
     * now, on this thread, exactly as a packet would have run it (a throwing callback is logged and
     * counted). Calling it when a packet <em>will</em> come is a bug: that packet is then dropped as stale.
     *
     * @param errorCode        the Win32 error code the callback sees (0 for the usual synchronous success)
     * @param bytesTransferred the byte count the call reported
     * @throws IllegalStateException if the overlapped is not submitted
     */
    public final void completedSynchronously(int errorCode, int bytesTransferred) {
        if (!pool.completeInline(this, slot, generation, reusable(), errorCode, bytesTransferred)) {
            throw new IllegalStateException("completedSynchronously of an overlapped that is " + status());
        }
    }

    /**
     * Frees the overlapped. Exactly once; never while the kernel may write it.
     *
     * @throws IllegalStateException if it is submitted (cancel it and free it in its callback), or
     *                               already freed (with where, when the dispatcher tracks frees)
     */
    public void free() {
        int refused = pool.release(slot, generation);
        if (refused == SlotWord.SUBMITTED) {
            throw new IllegalStateException("cannot free an overlapped the kernel may still write (SUBMITTED):"
                    + " cancel the operation (CancelIoEx) and free it in its callback");
        }
        if (refused == SlotWord.FREE) {
            throw new IllegalStateException("this overlapped was already freed" + freedWhere(), freedAt);
        }
        if (pool.trackingFrees()) {
            freedAt = new Throwable("first freed here, by " + Thread.currentThread().getName());
        }
        if (backstop != null) {
            backstop.clean();
        }
        pool.freed(pinnedBytes);
    }

    /** Whether {@link #submit()} may start another operation after a completion. */
    boolean reusable() {
        return false;
    }

    private Status status(String what) {
        Status s = status();
        if (s == Status.FREED) {
            throw new IllegalStateException(what + " of a freed overlapped" + freedWhere(), freedAt);
        }
        return s;
    }

    private void requireNotSubmitted(String what) {
        if (status(what) == Status.SUBMITTED) {
            throw new IllegalStateException(what + " while the kernel may read the OVERLAPPED (SUBMITTED)");
        }
    }

    private String freedWhere() {
        return freedAt == null ? "" : " (see the cause for where it was first freed)";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[slot " + slot + ", generation " + generation + ", " + status() + "]";
    }
}
