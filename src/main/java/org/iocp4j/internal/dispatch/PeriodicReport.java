package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.util.function.Supplier;

/** The dispatcher's stats logged at INFO at a set period, from the gate thread's ticks. */
public final class PeriodicReport {

    private final long periodNanos;
    private final Supplier<?> stats;
    private long nextNanos; // gate thread only

    /**
     * @param config the dispatcher's settings (the period, 0 for no report)
     * @param stats  the snapshot to log
     */
    public PeriodicReport(DispatcherConfig config, Supplier<?> stats) {
        this.periodNanos = config.reportNanos();
        this.stats = stats;
        this.nextNanos = System.nanoTime() + periodNanos;
    }

    /** A gate tick: logs the stats when due. */
    void tick() {
        if (periodNanos > 0 && System.nanoTime() - nextNanos >= 0) {
            nextNanos = System.nanoTime() + periodNanos;
            LOG.info("{}", stats.get());
        }
    }
}
