package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.util.concurrent.TimeUnit;

import org.iocp4j.NativeOverlapped;
import org.iocp4j.internal.LogLimiter;
import org.iocp4j.internal.Win32Layout;

/**
 * Where each dequeued packet goes: the one place that tells its kind ({@link PacketKey}, libuv's
 * {@code req-inl.h} style). A token runs the batch entry it stands for, the task wake-up drains the task
 * queue, and an operation's packet runs its callback once its slot proves it current; a packet for an
 * address the slab never handed out, or for an operation that is not the slot's submitted one, is dropped
 * and counted. Per packet: a subtraction, a CAS on the slot's word, no allocation and no lock.
 */
public final class PacketRouter {

    private final String name;
    private final OverlappedSlab slab;
    private final BatchHandOver handOver;
    private final TaskDrain tasks;
    private final CallbackRunner runner;
    private final DispatcherCounters counters;
    private final OverlappedAccess access;
    private final boolean counting;
    /** One WARN per second at most for dropped packets: a flood of them is counted, not logged line by line. */
    private final LogLimiter droppedLog = new LogLimiter(TimeUnit.SECONDS.toNanos(1));

    /**
     * @param config   the dispatcher's settings (its name, whether it counts posted packets)
     * @param slab     maps an address to its operation
     * @param handOver holds the entries tokens stand for
     * @param tasks    drained at a wake-up
     * @param runner   runs the callbacks
     * @param counters where drops are counted
     * @param access   what the router reads of an overlapped
     */
    public PacketRouter(DispatcherConfig config, OverlappedSlab slab, BatchHandOver handOver, TaskDrain tasks,
                        CallbackRunner runner, DispatcherCounters counters, OverlappedAccess access) {
        this.name = config.name();
        this.slab = slab;
        this.handOver = handOver;
        this.tasks = tasks;
        this.runner = runner;
        this.counters = counters;
        this.access = access;
        this.counting = config.counters();
    }

    /** Runs what one dequeued packet stands for, on the calling I/O thread. */
    void route(IoThread self, long key, long address, int errorCode, int bytes) {
        switch (PacketKey.kind(key, address)) {
            case PacketKey.DEFERRED:
                BatchHandOver.Deferred d = handOver.poll();
                if (d != null) {
                    route(self, d.key, d.address, d.errorCode, d.bytes);
                }
                return;
            case PacketKey.TASKS:
                tasks.drain(self, this, bytes);
                return;
            default:
                complete(self, key, address, errorCode, bytes);
        }
    }

    /**
     * Runs the callback of a completion {@code postCompletion} queued in the task drain, as its packet would.
     * The byte count is read after the CAS, which brought the slot's line (the OVERLAPPED's
     * {@code InternalHigh} is on it) into this CPU's cache for writing: one transfer, not a read and then
     * an upgrade.
     */
    void completePosted(IoThread self, NativeOverlapped overlapped) {
        int slot = access.slot(overlapped);
        if (claim(slot, PacketKey.posted(access.generation(overlapped)))) {
            finish(self, slot, true, 0, (int) slab.overlappedLong(slot, Win32Layout.OVERLAPPED_INTERNAL_HIGH));
        }
    }

    private void complete(IoThread self, long key, long address, int errorCode, int bytes) {
        int slot = slab.slotOf(address);
        if (slot < 0) {
            counters.foreignPacket();
            long held = droppedLog.tryAcquire();
            if (held >= 0) {
                LOG.warn("dispatcher {}: dropped a packet for OVERLAPPED 0x{} (key 0x{}), which it never handed out"
                        + " ({} more dropped packets not logged since the last line; foreignPacketsDropped() counts"
                        + " them all)", name, Long.toHexString(address), Long.toHexString(key), held);
            }
            return;
        }
        if (claim(slot, key)) {
            finish(self, slot, PacketKey.isPosted(key), errorCode, bytes);
        }
    }

    /**
     * Moves the slot from SUBMITTED to COMPLETED for the packet with {@code key}; false (counted and
     * logged) if its operation is not the slot's current submitted one. A posted key names its generation,
     * so the CAS goes straight at the word; a kernel completion's generation is the word's own.
     */
    private boolean claim(int slot, long key) {
        long generation = PacketKey.isPosted(key) ? PacketKey.generation(key) : SlotWord.generation(slab.word(slot));
        if (slab.transition(slot, generation, SlotWord.SUBMITTED, SlotWord.COMPLETED)) {
            return true;
        }
        counters.stalePacket();
        long held = droppedLog.tryAcquire();
        if (held >= 0) {
            LOG.warn("dispatcher {}: dropped a stale packet for slot {} (key 0x{}): its operation is not the"
                    + " slot's current submitted one ({} more dropped packets not logged since the last line;"
                    + " stalePacketsDropped() counts them all)", name, slot, Long.toHexString(key), held);
        }
        return false;
    }

    /** Runs the callback of a slot {@link #claim} completed. */
    private void finish(IoThread self, int slot, boolean posted, int errorCode, int bytes) {
        if (posted && counting) {
            self.activity().postedPacket(); // the post's count: a store to this thread's own line
        }
        // Set by submit() before the slot became SUBMITTED, so visible since the CAS above. A single-use
        // overlapped lets go of it now (a leaked one stays collectable); a reusable one keeps it, since
        // its owner may already be submitting it again.
        NativeOverlapped overlapped = (NativeOverlapped) slab.owner(slot);
        if (!access.reusable(overlapped)) {
            slab.clearOwner(slot, overlapped);
        }
        runner.complete(overlapped, errorCode, bytes);
    }
}
