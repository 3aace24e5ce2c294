package org.iocp4j.internal.dispatch;

/**
 * A cached {@code System.nanoTime()}, advanced by the gate thread each tick (Agrona's
 * {@code CachedNanoClock}): what a submit records, so the hot path reads a field instead of the clock.
 * Ages measured with it are exact to within one injection interval.
 */
public final class CoarseClock {

    private volatile long nanos = System.nanoTime();

    /** Reads the clock into the cache (the gate thread, each tick). */
    public void update() {
        nanos = System.nanoTime();
    }

    /** @return the time as of the last {@link #update()} */
    public long nanos() {
        return nanos;
    }
}
