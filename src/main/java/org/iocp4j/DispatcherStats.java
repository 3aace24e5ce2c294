package org.iocp4j;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An immutable snapshot of one dispatcher's counters ({@link IoDispatcher#stats()}): what went through it,
 * what is outstanding now, and its threads. Counters are cumulative since the dispatcher opened; the
 * outstanding figures are a scan taken with the snapshot.
 *
 * @param dispatcher            the dispatcher's name
 * @param backend               the port's backend
 * @param takenAt               when the snapshot was taken
 * @param postedPackets         packets the dispatcher posted ({@code postCompletion} and task wake-ups)
 * @param dequeuedPackets       packets its I/O threads dequeued (posted ones and I/O completions alike)
 * @param queuedTasks           tasks {@code execute} accepted
 * @param taskWakeups           of the posted packets, the task queue's wake-ups (one per drain, not per task)
 * @param batchSizes            dequeues by batch size: entry {@code i} counts batches of
 *                              {@code 2^i .. 2^(i+1)-1} packets, the last entry everything larger
 * @param outstandingOperations operations allocated and not freed (single-use and pre-allocated)
 * @param submittedOperations   of those, submitted: the kernel may write them now
 * @param outstandingTasks      tasks queued and not yet started
 * @param outstandingByHandle   submitted operations per bound handle value
 * @param pinnedBytes           bytes of direct buffers held by operations not yet freed
 * @param capacity              the most OVERLAPPEDs in use at once
 * @param maxPinnedBytes        the most bytes pinned at once, {@code Long.MAX_VALUE} for no bound
 * @param rejectedPosts         posts refused at a bound (after the overload policy)
 * @param callbackFailures      callbacks and tasks that threw
 * @param stalePacketsDropped   packets for a freed, reused or unsubmitted OVERLAPPED
 * @param foreignPacketsDropped packets for an address the dispatcher never handed out
 * @param leakedOverlapped      overlapped reclaimed because they became unreachable unfreed
 * @param liveThreads           I/O threads alive
 * @param busyThreads           I/O threads running callbacks
 * @param injectedThreads       threads added past the minimum because work starved
 * @param retiredThreads        threads ended after the idle timeout
 * @param queueDepth            packets queued in the port now, if the backend can say
 */
public record DispatcherStats(
        String dispatcher,
        Backend backend,
        Instant takenAt,
        long postedPackets,
        long dequeuedPackets,
        long queuedTasks,
        long taskWakeups,
        long[] batchSizes,
        long outstandingOperations,
        long submittedOperations,
        long outstandingTasks,
        Map<Long, Long> outstandingByHandle,
        long pinnedBytes,
        long capacity,
        long maxPinnedBytes,
        long rejectedPosts,
        long callbackFailures,
        long stalePacketsDropped,
        long foreignPacketsDropped,
        long leakedOverlapped,
        int liveThreads,
        int busyThreads,
        long injectedThreads,
        long retiredThreads,
        OptionalLong queueDepth) {

    /** Copies the mutable parts, so the snapshot stays what it was. */
    public DispatcherStats {
        batchSizes = batchSizes.clone();
        outstandingByHandle = Map.copyOf(outstandingByHandle);
    }

    /** @return a copy of the batch-size histogram */
    @Override
    public long[] batchSizes() {
        return batchSizes.clone();
    }

    /** @return the mean packets per dequeue, 0 before the first */
    public double meanBatchSize() {
        long batches = Arrays.stream(batchSizes).sum();
        return batches == 0 ? 0 : (double) dequeuedPackets / batches;
    }

    /** One line, for logs. */
    @Override
    public String toString() {
        return "dispatcher " + dispatcher + " (" + backend + "): posted " + postedPackets + ", dequeued "
                + dequeuedPackets + String.format(" (%.1f per batch)", meanBatchSize()) + ", tasks " + queuedTasks
                + " (" + taskWakeups + " wake-ups)"
                + ", outstanding " + outstandingOperations + " ops (" + submittedOperations + " submitted) + "
                + outstandingTasks + " tasks of " + capacity + ", pinned " + pinnedBytes + " B"
                + (maxPinnedBytes == Long.MAX_VALUE ? "" : " of " + maxPinnedBytes)
                + ", rejected " + rejectedPosts + ", callback failures " + callbackFailures
                + ", dropped " + stalePacketsDropped + " stale + " + foreignPacketsDropped + " foreign, leaked "
                + leakedOverlapped + ", threads " + liveThreads + " (" + busyThreads + " busy, +"
                + injectedThreads + " injected, -" + retiredThreads + " retired), queue "
                + (queueDepth.isPresent() ? String.valueOf(queueDepth.getAsLong()) : "unavailable");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DispatcherStats s && Arrays.equals(batchSizes, s.batchSizes)
                && scalars().equals(s.scalars());
    }

    @Override
    public int hashCode() {
        return 31 * scalars().hashCode() + Arrays.hashCode(batchSizes);
    }

    private java.util.List<Object> scalars() {
        return java.util.List.of(dispatcher, backend, takenAt, postedPackets, dequeuedPackets, queuedTasks, taskWakeups,
                outstandingOperations,
                submittedOperations, outstandingTasks, outstandingByHandle, pinnedBytes, capacity, maxPinnedBytes,
                rejectedPosts, callbackFailures, stalePacketsDropped, foreignPacketsDropped, leakedOverlapped,
                liveThreads, busyThreads, injectedThreads, retiredThreads, queueDepth);
    }
}
