package org.iocp4j.tools.bench;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Operation times in nanoseconds, recorded from any thread without a lock or an allocation (after a thread's
 * first sample) into HdrHistograms of fixed size: every sample counts, however many, to 3 significant digits,
 * from 1 ns to an hour (a longer one is recorded as an hour). Each recording thread has a histogram of its
 * own, so recording writes no line another thread writes (one shared atomic histogram was a tenth of the
 * completing threads' time in a profile of the file reads, more for APIs that complete on several threads
 * at once than for one that does not: a cost that depended on the API measured). Percentiles are read
 * afterwards, from the merged histograms, once recording has stopped.
 *
 * <p>Where a workload issues operations at an intended rate, {@link #withExpectedInterval} corrects for
 * coordinated omission: a sample longer than the interval also records the samples of the operations that
 * the schedule would have started meanwhile and that waited behind it (HdrHistogram's
 * {@code recordValueWithExpectedInterval}). A closed loop, which starts each operation when the last one
 * completes, has no such rate; its figures are left as measured, and {@link #correction()} says which.
 *
 * <p>Every technology in a comparison records through the same object the same way, so its cost (a clock read
 * and a few plain increments per operation) is the same for each, and times the same interval, {@link #INTERVAL}: a
 * workload reads the start with {@link #now()} at the moment it issues the operation and ends it with
 * {@link #recordSince} where it learns of the completion. Queueing in between (behind other operations, for
 * a free thread, for a CPU) is part of the figure, whichever API does the queueing. The clock is
 * {@link NanoClock#SYSTEM} unless a test gives its own.
 */
public final class Latencies {

    /** The longest time recorded as itself; longer ones are recorded as this. */
    public static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    /** What every workload's latency is the time of, in words for the reports. */
    public static final String INTERVAL = "each operation is timed from the moment the workload issues it to the"
            + " moment the workload sees it complete (the completion handler runs, or the blocking call returns, or"
            + " the selector loop has read the whole echo): time queued behind other operations, waiting for a free"
            + " thread or for a CPU is included";

    /** Every thread's histogram, for {@link #reset}, {@link #count} and {@link #snapshot}. */
    private final List<AbstractHistogram> histograms = new CopyOnWriteArrayList<>();
    /**
     * The calling thread's histogram, written by that thread alone: int counts (no run of seconds fills one
     * bucket with 2^31 samples), half the memory of long ones, since a run may have dozens of recording threads.
     */
    private final ThreadLocal<AbstractHistogram> histogram = ThreadLocal.withInitial(this::newHistogram);
    private final long expectedIntervalNanos;
    private final NanoClock clock;

    /** Records each time as measured: for closed loops, with no intended rate. */
    public Latencies() {
        this(NanoClock.SYSTEM);
    }

    /**
     * Records each time as measured, read from {@code clock}.
     *
     * @param clock where {@link #now()} and {@link #recordSince} read the time
     */
    public Latencies(NanoClock clock) {
        this(0, clock);
    }

    private Latencies(long expectedIntervalNanos, NanoClock clock) {
        this.expectedIntervalNanos = expectedIntervalNanos;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Latencies of a workload that starts an operation every {@code nanos} (per issuer), corrected for
     * coordinated omission at that interval.
     *
     * @param nanos the intended interval between operations, positive
     * @return an empty recorder that corrects each sample
     * @throws IllegalArgumentException if {@code nanos} is not positive
     */
    public static Latencies withExpectedInterval(long nanos) {
        if (nanos <= 0) {
            throw new IllegalArgumentException("an expected interval must be positive, not " + nanos);
        }
        return new Latencies(nanos, NanoClock.SYSTEM);
    }

    /**
     * The time to stamp an operation with when the workload issues it.
     *
     * @return the clock's reading in nanoseconds
     */
    public long now() {
        return clock.nanoTime();
    }

    /**
     * Records the time from {@code issuedAt} to now: call it where the workload learns that the operation
     * completed.
     *
     * @param issuedAt what {@link #now()} returned when the operation was issued
     * @return now, to chain from: a loop that issues its next operation at once can use it as that one's start
     */
    public long recordSince(long issuedAt) {
        long now = clock.nanoTime();
        record(now - issuedAt);
        return now;
    }

    /**
     * Records one operation's time.
     *
     * @param nanos the operation's time in nanoseconds; below 0 counts as 0, above {@link #HIGHEST_NANOS}
     *              as that
     */
    public void record(long nanos) {
        long value = Math.min(Math.max(nanos, 0), HIGHEST_NANOS);
        if (expectedIntervalNanos > 0) {
            histogram.get().recordValueWithExpectedInterval(value, expectedIntervalNanos);
        } else {
            histogram.get().recordValue(value);
        }
    }

    private AbstractHistogram newHistogram() {
        AbstractHistogram h = new IntCountsHistogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
        histograms.add(h);
        return h;
    }

    /** All threads' samples in one histogram; call once recording has stopped. */
    private Histogram merged() {
        Histogram all = new Histogram(1, HIGHEST_NANOS, SIGNIFICANT_DIGITS);
        for (AbstractHistogram h : histograms) {
            all.add(h);
        }
        return all;
    }

    /**
     * Every sample so far as one line of text (a compressed histogram in Base64), for a measurement taken in
     * another JVM: {@link #addEncoded} adds it to the latencies there. Not to be called while recording.
     *
     * @return the samples, encoded
     */
    public String encoded() {
        Histogram all = merged();
        ByteBuffer buffer = ByteBuffer.allocate(all.getNeededByteBufferCapacity());
        int length = all.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    /**
     * Adds the samples another {@link Latencies} gave as {@link #encoded()}, as if recorded here.
     *
     * @param encoded what {@code encoded()} returned
     * @throws IllegalArgumentException if {@code encoded} is not such a text
     */
    public void addEncoded(String encoded) {
        Histogram decoded;
        try {
            decoded = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 1);
        } catch (java.util.zip.DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not an encoded latency histogram: " + e, e);
        }
        AbstractHistogram h = newHistogram();
        h.add(decoded);
    }

    /** Forgets every sample (between warm-up and measurement). Not to be called while recording. */
    public void reset() {
        histograms.forEach(AbstractHistogram::reset);
    }

    /**
     * Samples in the histogram since the last reset: one per operation recorded, plus, when corrected, those
     * the correction added.
     *
     * @return the total count
     */
    public long count() {
        long n = 0;
        for (AbstractHistogram h : histograms) {
            n += h.getTotalCount();
        }
        return n;
    }

    /**
     * Whether and how the figures are corrected for coordinated omission, in words for a report.
     *
     * @return for example "not corrected for coordinated omission"
     */
    public String correction() {
        if (expectedIntervalNanos == 0) {
            return "not corrected for coordinated omission";
        }
        return String.format(Locale.ROOT, "corrected for coordinated omission at an intended interval of %,.1f \u00B5s"
                + " (a longer operation also counts the operations that would have waited behind it)",
                expectedIntervalNanos / 1e3);
    }

    /**
     * A copy of the samples so far, to read percentiles from; call after recording has stopped.
     *
     * @return the snapshot
     */
    public Snapshot snapshot() {
        return new Snapshot(merged(), expectedIntervalNanos > 0);
    }

    /** The samples of one run and their percentiles. */
    public static final class Snapshot {
        private final Histogram histogram;
        private final boolean corrected;

        Snapshot(Histogram histogram, boolean corrected) {
            this.histogram = histogram;
            this.corrected = corrected;
        }

        /**
         * How many samples the percentiles come from.
         *
         * @return the samples, those added by a correction included
         */
        public long size() {
            return histogram.getTotalCount();
        }

        /**
         * Whether these samples were corrected for coordinated omission.
         *
         * @return true if recorded with an expected interval
         */
        public boolean corrected() {
            return corrected;
        }

        /**
         * A percentile in microseconds, to 3 significant digits: the value at or below which {@code p} percent
         * of the samples fall (HdrHistogram reports the highest value equivalent to it at that precision);
         * NaN when there are none.
         *
         * @param p the percentile, 0 to 100
         * @return the percentile in microseconds
         */
        public double percentileMicros(double p) {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(p) / 1e3;
        }

        /**
         * The mean of the samples in microseconds; NaN when there are none. With the throughput it gives, by
         * Little's law, how many operations were in flight on average.
         *
         * @return the mean in microseconds
         */
        public double meanMicros() {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMean() / 1e3;
        }

        /**
         * The largest sample in microseconds, to 3 significant digits; NaN when there are none.
         *
         * @return the maximum in microseconds
         */
        public double maxMicros() {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getMaxValue() / 1e3;
        }
    }
}
