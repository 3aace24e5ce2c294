package org.iocp4j;

/**
 * A dispatcher's counters over JMX, registered as {@code org.iocp4j:type=IoDispatcher,name=<name>} while
 * it runs (unless {@link DispatcherBuilder#jmx(boolean)} turned it off). Each getter reads a fresh
 * {@link DispatcherStats}; see there for what each value means.
 */
public interface IoDispatcherMXBean {

    /** @return {@link DispatcherStats#postedPackets()} */
    long getPostedPackets();

    /** @return {@link DispatcherStats#dequeuedPackets()} */
    long getDequeuedPackets();

    /** @return {@link DispatcherStats#queuedTasks()} */
    long getQueuedTasks();

    /** @return {@link DispatcherStats#taskWakeups()} */
    long getTaskWakeups();

    /** @return {@link DispatcherStats#batchSizes()} */
    long[] getBatchSizes();

    /** @return {@link DispatcherStats#outstandingOperations()} */
    long getOutstandingOperations();

    /** @return {@link DispatcherStats#submittedOperations()} */
    long getSubmittedOperations();

    /** @return {@link DispatcherStats#outstandingTasks()} */
    long getOutstandingTasks();

    /** @return {@link DispatcherStats#pinnedBytes()} */
    long getPinnedBytes();

    /** @return {@link DispatcherStats#rejectedPosts()} */
    long getRejectedPosts();

    /** @return {@link DispatcherStats#callbackFailures()} */
    long getCallbackFailures();

    /** @return {@link DispatcherStats#stalePacketsDropped()} */
    long getStalePacketsDropped();

    /** @return {@link DispatcherStats#foreignPacketsDropped()} */
    long getForeignPacketsDropped();

    /** @return {@link DispatcherStats#leakedOverlapped()} */
    long getLeakedOverlapped();

    /** @return {@link DispatcherStats#liveThreads()} */
    int getLiveThreads();

    /** @return {@link DispatcherStats#busyThreads()} */
    int getBusyThreads();

    /** @return {@link DispatcherStats#injectedThreads()} */
    long getInjectedThreads();

    /** @return {@link DispatcherStats#retiredThreads()} */
    long getRetiredThreads();

    /** @return {@link DispatcherStats#queueDepth()}, -1 when the backend cannot say */
    long getQueueDepth();
}
