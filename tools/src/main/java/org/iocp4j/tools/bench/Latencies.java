package org.iocp4j.tools.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operation times in nanoseconds, recorded from any thread without a lock or an allocation: one slot claimed
 * per sample with an atomic increment, in a ring that keeps the last {@code capacity} samples.
 * Percentiles are computed afterwards, on a sorted copy, once recording has stopped.
 *
 * <p>Every technology in a comparison records through the same object the same way, so its cost (one atomic
 * increment and one store per operation) is the same for each.
 */
public final class Latencies {

    private final long[] samples;
    private final int mask;
    private final AtomicLong recorded = new AtomicLong();

    /** @param capacity the samples kept: rounded up to a power of two, at least 1024 */
    public Latencies(int capacity) {
        int size = Integer.highestOneBit(Math.max(1024, capacity - 1)) << 1;
        this.samples = new long[size];
        this.mask = size - 1;
    }

    /** Records one operation's time. */
    public void record(long nanos) {
        samples[(int) (recorded.getAndIncrement() & mask)] = nanos;
    }

    /** Forgets every sample (between warm-up and measurement). Not to be called while recording. */
    public void reset() {
        recorded.set(0);
    }

    /** Samples recorded since the last reset, including those the ring has overwritten. */
    public long count() {
        return recorded.get();
    }

    /** The samples kept, sorted; call after recording has stopped. */
    public Snapshot snapshot() {
        int kept = (int) Math.min(recorded.get(), samples.length);
        long[] sorted = Arrays.copyOf(samples, kept);
        Arrays.sort(sorted);
        return new Snapshot(sorted);
    }

    /** Sorted samples and their percentiles. */
    public static final class Snapshot {
        private final long[] sorted;

        Snapshot(long[] sorted) {
            this.sorted = sorted;
        }

        /** How many samples the percentiles come from. */
        public int size() {
            return sorted.length;
        }

        /**
         * The nearest-rank percentile in microseconds: the smallest sample with at least {@code p} percent of
         * the samples at or below it; NaN when there are none.
         */
        public double percentileMicros(double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] / 1e3;
        }

        /** The largest sample in microseconds; NaN when there are none. */
        public double maxMicros() {
            return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e3;
        }
    }
}
