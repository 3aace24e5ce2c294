package org.iocp4j.internal.dispatch;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

import org.iocp4j.IoCallback;
import org.iocp4j.LeakDetection;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.OverloadPolicy;

/**
 * A dispatcher's OVERLAPPEDs as its operations see them: the slab, allocation within the bounds (slots
 * and pinned bytes, with the overload policy at each), the steps of an operation's life (submit, abort,
 * inline completion, free) and the leak backstop. The one partner of {@link NativeOverlapped}: it calls
 * nothing else of the dispatcher's.
 *
 * <p>Allocation and free cost a CAS or two on the slab's free lists, the pinned-bytes word when buffers are
 * given, and one {@link Cleaner} registration; submit costs one CAS and one volatile read.
 */
public final class OverlappedPool {

    private final String name;
    private final OverlappedSlab slab;
    private final Backpressure backpressure;
    private final Lifecycle lifecycle;
    private final CoarseClock clock;
    private final CallbackRunner runner;
    private final IoThreadPool threads;
    private final LeakBackstop backstop;
    private final LeakDetection leakDetection;
    /** Whether submits record their time (for {@code outstandingOlderThan}) and posts are marked. */
    private final boolean counting;
    private final boolean trackFrees;

    /**
     * @param config       the dispatcher's settings
     * @param slab         the OVERLAPPEDs
     * @param backpressure the bounds and the overload policy
     * @param lifecycle    whether allocations and submits are still accepted
     * @param clock        what a submit records as its time
     * @param runner       where an inline completion's callback runs
     * @param threads      started by the first submit
     * @param counters     where leaks are counted
     */
    public OverlappedPool(DispatcherConfig config, OverlappedSlab slab, Backpressure backpressure, Lifecycle lifecycle,
                          CoarseClock clock, CallbackRunner runner, IoThreadPool threads, DispatcherCounters counters) {
        this.name = config.name();
        this.slab = slab;
        this.backpressure = backpressure;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.runner = runner;
        this.threads = threads;
        this.leakDetection = LeakDetection.level();
        this.backstop = new LeakBackstop(name, slab, backpressure, counters, leakDetection);
        this.counting = config.counters();
        this.trackFrees = config.trackFrees();
    }

    /** @return the dispatcher's name, for messages */
    public String name() {
        return name;
    }

    /** @return the leak detection level in force when the dispatcher opened */
    public LeakDetection leakDetection() {
        return leakDetection;
    }

    /** @return whether a free records where it happened, for the message of a second one */
    public boolean trackingFrees() {
        return trackFrees;
    }

    /**
     * The bytes {@code buffers} pin; refuses heap buffers, which the GC may move under the kernel.
     *
     * @param buffers an operation's buffers
     * @return their capacities' sum
     * @throws IllegalArgumentException if a buffer is a heap buffer
     */
    public static long pinnedBy(ByteBuffer[] buffers) {
        long bytes = 0;
        for (int i = 0; i < buffers.length; i++) {
            if (!Objects.requireNonNull(buffers[i], "buffer").isDirect()) {
                throw new IllegalArgumentException("buffer " + i + " is a heap buffer: the kernel writes I/O"
                        + " buffers long after the call returns, and the GC may move a heap array; use"
                        + " ByteBuffer.allocateDirect");
            }
            bytes += buffers[i].capacity();
        }
        return bytes;
    }

    /**
     * Takes a slot for an operation pinning {@code bytes}, running the overload policy at a bound.
     *
     * @param callback the operation's callback (checked for null)
     * @param bytes    what its buffers pin
     * @return the slot, {@link SlotWord#ALLOCATED}
     * @throws IllegalStateException if a bound holds after the policy ran
     * @throws RejectedExecutionException if the dispatcher is shut down
     */
    public int acquire(IoCallback callback, long bytes) {
        Objects.requireNonNull(callback, "callback");
        lifecycle.requireRunning();
        if (!backpressure.tryPin(bytes)
                && backpressure.overloaded(OverloadPolicy.Bound.PINNED_BYTES, () -> backpressure.tryPin(bytes) ? 0 : -1) < 0) {
            lifecycle.requireRunning();
            throw new IllegalStateException("dispatcher " + name + ": the operation's buffers (" + bytes + " bytes)"
                    + " would pin more than " + backpressure.maxPinnedBytes() + " bytes with those of the "
                    + backpressure.pinnedBytes() + " outstanding (DispatcherBuilder.maxPinnedBytes)");
        }
        int slot = slab.acquire();
        if (slot < 0) {
            slot = backpressure.overloaded(OverloadPolicy.Bound.OPERATIONS, slab::acquire);
        }
        if (slot < 0) {
            backpressure.unpin(bytes);
            lifecycle.requireRunning();
            throw new IllegalStateException("all " + slab.capacity() + " OVERLAPPEDs of dispatcher " + name
                    + " are in use (DispatcherBuilder.capacity raises the limit)");
        }
        return slot;
    }

    /**
     * Watches a new overlapped: if it becomes unreachable unfreed, its slot and pinned bytes come back and
     * the leak is reported. The action captures nothing that reaches the overlapped.
     */
    public Cleaner.Cleanable registerBackstop(NativeOverlapped overlapped, int slot, long generation, long pinnedBytes,
                                              LeakTrace trace) {
        return backstop.register(overlapped, slot, generation, pinnedBytes, trace);
    }

    /** @return the slot's state word ({@link SlotWord}) */
    public long word(int slot) {
        return slab.word(slot);
    }

    /** @return the address of the slot's OVERLAPPED */
    public long address(int slot) {
        return slab.address(slot);
    }

    /** @return the 32-bit field at {@code field} of the slot's OVERLAPPED ({@code Win32Layout}'s offsets) */
    public int overlappedInt(int slot, int field) {
        return slab.overlappedInt(slot, field);
    }

    /** Writes the 32-bit field at {@code field} of the slot's OVERLAPPED. */
    public void setOverlappedInt(int slot, int field, int value) {
        slab.setOverlappedInt(slot, field, value);
    }

    /** @return the 64-bit field at {@code field} of the slot's OVERLAPPED */
    public long overlappedLong(int slot, int field) {
        return slab.overlappedLong(slot, field);
    }

    /** Writes the 64-bit field at {@code field} of the slot's OVERLAPPED. */
    public void setOverlappedLong(int slot, int field, long value) {
        slab.setOverlappedLong(slot, field, value);
    }

    /** @return the user's state object of the slot's current use */
    public Object userState(int slot) {
        return slab.userState(slot);
    }

    /** Sets the user's state object of a slot just allocated. */
    public void setUserState(int slot, Object state) {
        slab.setUserState(slot, state);
    }

    /**
     * Submits the operation at {@code generation} of {@code slot}: from {@link SlotWord#ALLOCATED}, or from
     * {@link SlotWord#COMPLETED} when it is reusable. Records the time (and, under paranoid leak detection,
     * the caller) before the CAS publishes the submit, and makes sure a thread will take its packet.
     *
     * @return true if submitted; false if the slot was in another state (the owner stays set)
     * @throws RejectedExecutionException if the port has closed
     */
    public boolean submit(NativeOverlapped overlapped, int slot, long generation, boolean reusable, LeakTrace trace) {
        lifecycle.requirePortOpen();
        if (counting) {
            slab.setSubmittedAt(slot, clock.nanos());
        }
        if (trace != null && leakDetection == LeakDetection.PARANOID) {
            trace.touched();
        }
        // Only the caller holds this generation, so once it matches no one else can free the slot under
        // it: setting the owner cannot clobber another operation's.
        slab.setOwner(slot, overlapped);
        // One CAS from the state the word holds, not a CAS from ALLOCATED that fails for every re-submit
        // of a reusable one before the CAS from COMPLETED (a failed CAS still takes the line exclusively).
        if (slab.submit(slot, generation, reusable)) {
            threads.ensureStarted();
            return true;
        }
        return false;
    }

    /** Marks a submitted slot's packet as one the dispatcher posts, when counting (see {@link OverlappedSlab#markPosted}). */
    public void markPosted(int slot) {
        if (counting) {
            slab.markPosted(slot);
        }
    }

    /** Forgets the slot's owner if it is still {@code overlapped}. */
    public void clearOwner(int slot, NativeOverlapped overlapped) {
        slab.clearOwner(slot, overlapped);
    }

    /**
     * Takes a submit back (its Win32 call failed at once): the slot is allocated again.
     *
     * @return false if it was not submitted at {@code generation}
     */
    public boolean abortSubmit(NativeOverlapped overlapped, int slot, long generation, boolean reusable) {
        if (!slab.transition(slot, generation, SlotWord.SUBMITTED, SlotWord.ALLOCATED)) {
            return false;
        }
        if (!reusable) {
            slab.clearOwner(slot, overlapped);
        }
        return true;
    }

    /**
     * The packet-less completion of {@code completedSynchronously}: the same transition and callback as a
     * dequeued packet, on the calling thread.
     *
     * @return false if it was not submitted at {@code generation} (nothing ran)
     */
    public boolean completeInline(NativeOverlapped overlapped, int slot, long generation, boolean reusable,
                                  int errorCode, int bytes) {
        if (!slab.transition(slot, generation, SlotWord.SUBMITTED, SlotWord.COMPLETED)) {
            return false;
        }
        if (!reusable) {
            slab.clearOwner(slot, overlapped);
        }
        runner.run(overlapped, errorCode, bytes);
        return true;
    }

    /**
     * Frees the slot if it is allocated or completed at {@code generation}.
     *
     * @return -1 when freed, else the state that refused it ({@link SlotWord#SUBMITTED}, or
     *         {@link SlotWord#FREE} for a slot already freed)
     */
    public int release(int slot, long generation) {
        return slab.release(slot, generation);
    }

    /** An overlapped was freed by its owner: its pinned bytes and its slot are room for the next post. */
    public void freed(long pinnedBytes) {
        backpressure.unpin(pinnedBytes);
    }

    /**
     * @param address an OVERLAPPED address
     * @return the state object of the operation there, or null if the address is not an allocated slot
     */
    public Object stateOf(long address) {
        int slot = slab.slotOf(address);
        if (slot < 0) {
            return null;
        }
        return SlotWord.state(slab.word(slot)) == SlotWord.FREE ? null : slab.userState(slot);
    }

    /** The wait behind {@link OverloadPolicy.Overload#awaitRoom}. */
    public boolean awaitRoom(long nanos) throws InterruptedException {
        return backpressure.awaitRoom(nanos);
    }
}
