package org.iocp4j.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets through at most one log line per interval for one kind of event, and says how many it held back
 * since: a flood of bad packets must not turn into a flood of log lines (or of their cost), while the
 * counters next to it stay exact. No lock, no allocation when it says no.
 */
public final class LogLimiter {

    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /** @param intervalNanos the least time between two lines */
    public LogLimiter(long intervalNanos) {
        if (intervalNanos < 0) {
            throw new IllegalArgumentException("interval must be >= 0: " + intervalNanos);
        }
        this.intervalNanos = intervalNanos;
    }

    /**
     * Whether the caller may log now.
     *
     * @return -1 if not (the event is counted as held back), else how many events were held back since the
     *         last line (the caller puts it in its line)
     */
    public long tryAcquire() {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }
}
