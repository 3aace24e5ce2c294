package org.iocp4j;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An immutable snapshot of one dispatcher's counters ({@link IoDispatcher#stats()}): what went through it,
 * what is outstanding now, and its threads. Counters are cumulative since the dispatcher opened; the
 * outstanding figures are a scan taken with the snapshot.
 */
public final class DispatcherStats {
    private final String dispatcher;
    private final Backend backend;
    private final Instant takenAt;
    private final long postedPackets;
    private final long dequeuedPackets;
    private final long queuedTasks;
    private final long taskWakeups;
    private final long[] batchSizes;
    private final long outstandingOperations;
    private final long submittedOperations;
    private final long outstandingTasks;
    private final Map<Long, Long> outstandingByHandle;
    private final long pinnedBytes;
    private final long capacity;
    private final long maxPinnedBytes;
    private final long rejectedPosts;
    private final long callbackFailures;
    private final long stalePacketsDropped;
    private final long foreignPacketsDropped;
    private final long leakedOverlapped;
    private final int liveThreads;
    private final int busyThreads;
    private final long injectedThreads;
    private final long retiredThreads;
    private final OptionalLong queueDepth;

    /**
     * A snapshot of these values; the mutable ones (the histogram, the map) are copied, so it stays what
     * it was. Dispatchers make these ({@link IoDispatcher#stats()}); tools that replay or merge them may too.
     *
     * @param dispatcher the dispatcher's name
     * @param backend the port's backend
     * @param takenAt when the snapshot was taken
     * @param postedPackets packets the dispatcher posted ({@code postCompletion} and task wake-ups)
     * @param dequeuedPackets packets its I/O threads dequeued from the port (I/O completions and wake-ups;
     *                        {@code postCompletion}'s ride the task queue)
     * @param queuedTasks tasks {@code execute} accepted
     * @param taskWakeups of the posted packets, the task queue's wake-ups (one per drain, not per task)
     * @param batchSizes a copy of the batch-size histogram
     * @param outstandingOperations operations allocated and not freed (single-use and pre-allocated)
     * @param submittedOperations of those, submitted: the kernel may write them now
     * @param outstandingTasks tasks queued and not yet started
     * @param outstandingByHandle submitted operations per bound handle value
     * @param pinnedBytes bytes of direct buffers held by operations not yet freed
     * @param capacity the most OVERLAPPEDs in use at once
     * @param maxPinnedBytes the most bytes pinned at once, {@code Long.MAX_VALUE} for no bound
     * @param rejectedPosts posts refused at a bound (after the overload policy)
     * @param callbackFailures callbacks and tasks that threw
     * @param stalePacketsDropped packets for a freed, reused or unsubmitted OVERLAPPED
     * @param foreignPacketsDropped packets for an address the dispatcher never handed out
     * @param leakedOverlapped overlapped reclaimed because they became unreachable unfreed
     * @param liveThreads I/O threads alive
     * @param busyThreads I/O threads running callbacks
     * @param injectedThreads threads added past the minimum because work starved
     * @param retiredThreads threads ended after the idle timeout
     * @param queueDepth packets queued in the port now, if the backend can say
     */
    public DispatcherStats(String dispatcher, Backend backend, Instant takenAt, long postedPackets,
            long dequeuedPackets, long queuedTasks, long taskWakeups, long[] batchSizes, long outstandingOperations,
            long submittedOperations, long outstandingTasks, Map<Long, Long> outstandingByHandle, long pinnedBytes,
            long capacity, long maxPinnedBytes, long rejectedPosts, long callbackFailures, long stalePacketsDropped,
            long foreignPacketsDropped, long leakedOverlapped, int liveThreads, int busyThreads,
            long injectedThreads, long retiredThreads, OptionalLong queueDepth) {
        batchSizes = batchSizes.clone();
        outstandingByHandle = Map.copyOf(outstandingByHandle);
        this.dispatcher = dispatcher;
        this.backend = backend;
        this.takenAt = takenAt;
        this.postedPackets = postedPackets;
        this.dequeuedPackets = dequeuedPackets;
        this.queuedTasks = queuedTasks;
        this.taskWakeups = taskWakeups;
        this.batchSizes = batchSizes;
        this.outstandingOperations = outstandingOperations;
        this.submittedOperations = submittedOperations;
        this.outstandingTasks = outstandingTasks;
        this.outstandingByHandle = outstandingByHandle;
        this.pinnedBytes = pinnedBytes;
        this.capacity = capacity;
        this.maxPinnedBytes = maxPinnedBytes;
        this.rejectedPosts = rejectedPosts;
        this.callbackFailures = callbackFailures;
        this.stalePacketsDropped = stalePacketsDropped;
        this.foreignPacketsDropped = foreignPacketsDropped;
        this.leakedOverlapped = leakedOverlapped;
        this.liveThreads = liveThreads;
        this.busyThreads = busyThreads;
        this.injectedThreads = injectedThreads;
        this.retiredThreads = retiredThreads;
        this.queueDepth = queueDepth;
    }

    /** @return a copy of the batch-size histogram */
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
        if (!(o instanceof DispatcherStats)) {
            return false;
        }
        DispatcherStats s = (DispatcherStats) o;
        return Arrays.equals(batchSizes, s.batchSizes) && scalars().equals(s.scalars());
    }

    @Override
    public int hashCode() {
        return 31 * scalars().hashCode() + Arrays.hashCode(batchSizes);
    }

    private List<Object> scalars() {
        return List.of(dispatcher, backend, takenAt, postedPackets, dequeuedPackets, queuedTasks, taskWakeups,
                outstandingOperations,
                submittedOperations, outstandingTasks, outstandingByHandle, pinnedBytes, capacity, maxPinnedBytes,
                rejectedPosts, callbackFailures, stalePacketsDropped, foreignPacketsDropped, leakedOverlapped,
                liveThreads, busyThreads, injectedThreads, retiredThreads, queueDepth);
    }

    /** @return the dispatcher's name */
    public String dispatcher() {
        return dispatcher;
    }

    /** @return the port's backend */
    public Backend backend() {
        return backend;
    }

    /** @return when the snapshot was taken */
    public Instant takenAt() {
        return takenAt;
    }

    /** @return packets the dispatcher posted ({@code postCompletion} and task wake-ups) */
    public long postedPackets() {
        return postedPackets;
    }

    /**
     * @return packets its I/O threads dequeued from the port (I/O completions and wake-ups, not
     *         {@code postCompletion}'s posts, which ride the task queue)
     */
    public long dequeuedPackets() {
        return dequeuedPackets;
    }

    /** @return tasks {@code execute} accepted */
    public long queuedTasks() {
        return queuedTasks;
    }

    /** @return of the posted packets, the task queue's wake-ups (one per drain, not per task) */
    public long taskWakeups() {
        return taskWakeups;
    }

    /** @return operations allocated and not freed (single-use and pre-allocated) */
    public long outstandingOperations() {
        return outstandingOperations;
    }

    /** @return of those, submitted: the kernel may write them now */
    public long submittedOperations() {
        return submittedOperations;
    }

    /** @return tasks queued and not yet started */
    public long outstandingTasks() {
        return outstandingTasks;
    }

    /** @return submitted operations per bound handle value */
    public Map<Long, Long> outstandingByHandle() {
        return outstandingByHandle;
    }

    /** @return bytes of direct buffers held by operations not yet freed */
    public long pinnedBytes() {
        return pinnedBytes;
    }

    /** @return the most OVERLAPPEDs in use at once */
    public long capacity() {
        return capacity;
    }

    /** @return the most bytes pinned at once, {@code Long.MAX_VALUE} for no bound */
    public long maxPinnedBytes() {
        return maxPinnedBytes;
    }

    /** @return posts refused at a bound (after the overload policy) */
    public long rejectedPosts() {
        return rejectedPosts;
    }

    /** @return callbacks and tasks that threw */
    public long callbackFailures() {
        return callbackFailures;
    }

    /** @return packets for a freed, reused or unsubmitted OVERLAPPED */
    public long stalePacketsDropped() {
        return stalePacketsDropped;
    }

    /** @return packets for an address the dispatcher never handed out */
    public long foreignPacketsDropped() {
        return foreignPacketsDropped;
    }

    /** @return overlapped reclaimed because they became unreachable unfreed */
    public long leakedOverlapped() {
        return leakedOverlapped;
    }

    /** @return I/O threads alive */
    public int liveThreads() {
        return liveThreads;
    }

    /** @return I/O threads running callbacks */
    public int busyThreads() {
        return busyThreads;
    }

    /** @return threads added past the minimum because work starved */
    public long injectedThreads() {
        return injectedThreads;
    }

    /** @return threads ended after the idle timeout */
    public long retiredThreads() {
        return retiredThreads;
    }

    /** @return packets queued in the port now, if the backend can say */
    public OptionalLong queueDepth() {
        return queueDepth;
    }
}
