package org.iocp4j.internal.dispatch;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a dispatcher counts as it goes (drops, failures, leaks, hand-overs, wake-ups) and what its shutdown
 * found: the figures behind {@code stats()} and the dispatcher's getters that no scan can tell. Each is
 * written off the hot path, or by a striped adder where a packet writes it.
 */
public final class DispatcherCounters {

    private final LongAdder callbackFailures = new LongAdder();
    private final LongAdder stalePackets = new LongAdder();
    private final LongAdder foreignPackets = new LongAdder();
    private final LongAdder leaked = new LongAdder();
    private final LongAdder deferredEntries = new LongAdder();
    private final LongAdder taskWakeups = new LongAdder();
    private volatile long tasksDroppedAtShutdown;
    private volatile long cancelledAtShutdown;
    private volatile long abandonedAtShutdown;
    private volatile long callbacksRunningAtShutdown;

    void callbackFailed() {
        callbackFailures.increment();
    }

    void stalePacket() {
        stalePackets.increment();
    }

    void foreignPacket() {
        foreignPackets.increment();
    }

    void leak() {
        leaked.increment();
    }

    void deferred(int entries) {
        deferredEntries.add(entries);
    }

    void taskWakeup() {
        taskWakeups.increment();
    }

    void tasksDroppedAtShutdown(long n) {
        tasksDroppedAtShutdown = n;
    }

    void cancelledAtShutdown(long n) {
        cancelledAtShutdown = n;
    }

    void abandonedAtShutdown(long n) {
        abandonedAtShutdown = n;
    }

    void callbacksRunningAtShutdown(long n) {
        callbacksRunningAtShutdown = n;
    }

    /** @return callbacks and tasks that threw */
    public long callbackFailures() {
        return callbackFailures.sum();
    }

    /** @return packets for a slot that was not submitted at that generation */
    public long stalePackets() {
        return stalePackets.sum();
    }

    /** @return packets whose OVERLAPPED address the slab never handed out */
    public long foreignPackets() {
        return foreignPackets.sum();
    }

    /** @return overlappeds that became unreachable without being freed */
    public long leaked() {
        return leaked.sum();
    }

    /** @return batch entries handed from a stuck thread to free ones */
    public long deferredEntries() {
        return deferredEntries.sum();
    }

    /** @return wake-up packets posted for the task queue */
    public long taskWakeups() {
        return taskWakeups.sum();
    }

    /** @return tasks still queued when shutdown ended the threads */
    public long tasksDroppedAtShutdown() {
        return tasksDroppedAtShutdown;
    }

    /** @return operations the shutdown cancelled at its deadline */
    public long cancelledAtShutdown() {
        return cancelledAtShutdown;
    }

    /** @return operations still pending after the deadline and the cancellation */
    public long abandonedAtShutdown() {
        return abandonedAtShutdown;
    }

    /** @return I/O threads still in user code at the shutdown deadline */
    public long callbacksRunningAtShutdown() {
        return callbacksRunningAtShutdown;
    }
}
