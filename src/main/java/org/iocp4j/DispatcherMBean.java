package org.iocp4j;

/** The {@link IoDispatcherMXBean} of one dispatcher: every getter reads a fresh snapshot. */
final class DispatcherMBean implements IoDispatcherMXBean {

    private final IoDispatcher dispatcher;

    DispatcherMBean(IoDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    private DispatcherStats stats() {
        return dispatcher.stats();
    }

    @Override
    public long getPostedPackets() {
        return stats().postedPackets();
    }

    @Override
    public long getDequeuedPackets() {
        return stats().dequeuedPackets();
    }

    @Override
    public long getQueuedTasks() {
        return stats().queuedTasks();
    }

    @Override
    public long getTaskWakeups() {
        return stats().taskWakeups();
    }

    @Override
    public long[] getBatchSizes() {
        return stats().batchSizes();
    }

    @Override
    public long getOutstandingOperations() {
        return stats().outstandingOperations();
    }

    @Override
    public long getSubmittedOperations() {
        return stats().submittedOperations();
    }

    @Override
    public long getOutstandingTasks() {
        return stats().outstandingTasks();
    }

    @Override
    public long getPinnedBytes() {
        return stats().pinnedBytes();
    }

    @Override
    public long getRejectedPosts() {
        return stats().rejectedPosts();
    }

    @Override
    public long getCallbackFailures() {
        return stats().callbackFailures();
    }

    @Override
    public long getStalePacketsDropped() {
        return stats().stalePacketsDropped();
    }

    @Override
    public long getForeignPacketsDropped() {
        return stats().foreignPacketsDropped();
    }

    @Override
    public long getLeakedOverlapped() {
        return stats().leakedOverlapped();
    }

    @Override
    public int getLiveThreads() {
        return stats().liveThreads();
    }

    @Override
    public int getBusyThreads() {
        return stats().busyThreads();
    }

    @Override
    public long getInjectedThreads() {
        return stats().injectedThreads();
    }

    @Override
    public long getRetiredThreads() {
        return stats().retiredThreads();
    }

    @Override
    public long getQueueDepth() {
        return stats().queueDepth().orElse(-1);
    }
}
