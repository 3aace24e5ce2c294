package org.iocp4j.internal.dispatch;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.iocp4j.CompletionPort;
import org.iocp4j.DispatcherStats;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.OutstandingOperation;

/**
 * Reads a dispatcher for its getters, {@code stats()} and {@code outstandingOlderThan}: the counters, the
 * thread pool's totals, the task queue, and scans of the slab. Cold paths only: a scan reads every slot's
 * state word.
 */
public final class DispatcherSnapshots {

    private final String name;
    private final CompletionPort port;
    private final OverlappedSlab slab;
    private final TaskDrain tasks;
    private final Backpressure backpressure;
    private final IoThreadPool threads;
    private final DispatcherCounters counters;
    private final OverlappedAccess access;

    /**
     * @param config       the dispatcher's settings (its name)
     * @param port         its port (backend, queue depth)
     * @param slab         its OVERLAPPEDs
     * @param tasks        its task queue
     * @param backpressure its bounds
     * @param threads      its I/O threads
     * @param counters     its counters
     * @param access       what a snapshot reads of an overlapped
     */
    public DispatcherSnapshots(DispatcherConfig config, CompletionPort port, OverlappedSlab slab, TaskDrain tasks,
                               Backpressure backpressure, IoThreadPool threads, DispatcherCounters counters,
                               OverlappedAccess access) {
        this.name = config.name();
        this.port = port;
        this.slab = slab;
        this.tasks = tasks;
        this.backpressure = backpressure;
        this.threads = threads;
        this.counters = counters;
        this.access = access;
    }

    /**
     * @return posted packets dispatched, plus those in flight (a scan of the slab), plus the task queue's
     *         wake-ups
     */
    public long postedPackets() {
        return threads.postedDispatched() + slab.postedInFlight() + counters.taskWakeups();
    }

    /** @return operations submitted whose packets have not arrived, plus tasks queued and not yet started */
    public long pendingOperations() {
        return slab.submitted() + tasks.size();
    }

    /** @return a snapshot of every counter, and a scan of what is outstanding now */
    public DispatcherStats stats() {
        long[] counts = new long[2]; // operations, submitted
        Map<Long, Long> byHandle = new HashMap<>();
        slab.forEachInUse((slot, state, owner, userState) -> {
            counts[0]++;
            if (state == SlotWord.SUBMITTED) {
                counts[1]++;
                long handle = owner instanceof NativeOverlapped ? access.handle((NativeOverlapped) owner) : 0;
                if (handle != 0) {
                    byHandle.merge(handle, 1L, Long::sum);
                }
            }
        });
        OptionalLong depth;
        try {
            depth = port.queueDepth();
        } catch (IOException | RuntimeException closed) {
            depth = OptionalLong.empty(); // the port closed under a late snapshot
        }
        return new DispatcherStats(name, port.backend(), Instant.now(), postedPackets(), threads.dequeued(),
                tasks.offered(), counters.taskWakeups(), threads.batchSizes(), counts[0], counts[1], tasks.size(),
                byHandle, backpressure.pinnedBytes(), slab.capacity(), backpressure.maxPinnedBytes(),
                backpressure.rejected(), counters.callbackFailures(), counters.stalePackets(),
                counters.foreignPackets(), counters.leaked(), threads.liveThreads(), threads.busyThreads(),
                threads.injectedThreads(), threads.retiredThreads(), depth);
    }

    /**
     * @param age the least age listed
     * @return operations submitted at least {@code age} ago and still outstanding, oldest first
     */
    public List<OutstandingOperation> outstandingOlderThan(Duration age) {
        long now = System.nanoTime();
        long least = age.toNanos();
        List<OutstandingOperation> found = new ArrayList<>();
        List<Long> ages = new ArrayList<>();
        slab.forEachInUse((slot, state, owner, userState) -> {
            if (state != SlotWord.SUBMITTED || !(owner instanceof NativeOverlapped)) {
                return;
            }
            NativeOverlapped o = (NativeOverlapped) owner;
            long at = slab.submittedAt(slot);
            long elapsed = at == 0 ? -1 : now - at;
            if (elapsed < least && !(elapsed < 0 && least == 0)) {
                return;
            }
            LeakTrace t = access.trace(o);
            found.add(new OutstandingOperation(slab.address(slot),
                    access.reusable(o) ? "pre-allocated operation" : "operation", NativeOverlapped.Status.SUBMITTED,
                    access.handle(o), elapsed < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(elapsed)),
                    Optional.ofNullable(t == null ? null : t.allocated()),
                    Optional.ofNullable(t == null ? null : t.lastTouch())));
            ages.add(elapsed);
        });
        Integer[] order = new Integer[found.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(ages.get(b), ages.get(a)));
        List<OutstandingOperation> sorted = new ArrayList<>(order.length);
        for (Integer i : order) {
            sorted.add(found.get(i));
        }
        return sorted;
    }
}
