package org.iocp4j.tools;

import java.util.concurrent.TimeUnit;

/** One request's CPU-bound work: xorshift rounds, as many as take about the target time on this machine. */
final class Workload {

    /** Calibration runs are at least this long, so timer resolution and one preemption matter little. */
    private static final long CALIBRATION_RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(40);
    private static final int CALIBRATION_RUNS = 5;

    /** The calibration runs' results: written, so the JIT cannot drop those runs. */
    private static volatile long calibrationSink;

    private final long rounds;
    private final long targetNanos;
    private final double roundsPerMilli;

    private Workload(long rounds, long targetNanos, double roundsPerMilli) {
        this.rounds = rounds;
        this.targetNanos = targetNanos;
        this.roundsPerMilli = roundsPerMilli;
    }

    /**
     * Times the loop (after the JIT has compiled it) and sizes a request to {@code targetNanos}. Takes a
     * few hundred milliseconds whatever the target.
     */
    static Workload calibrate(long targetNanos) {
        long n = 1 << 12;
        long sink = 0;
        for (;;) { // doubling also warms the loop up: by 40 ms it runs compiled
            long t = System.nanoTime();
            sink += spin(n, sink);
            if (System.nanoTime() - t >= CALIBRATION_RUN_NANOS) {
                break;
            }
            n *= 2;
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < CALIBRATION_RUNS; i++) { // the fastest run is the least disturbed one
            long t = System.nanoTime();
            sink += spin(n, sink + i);
            best = Math.min(best, System.nanoTime() - t);
        }
        double perNano = (double) n / Math.max(best, 1);
        long rounds = Math.max(1, Math.round(perNano * targetNanos));
        calibrationSink = sink;
        return new Workload(rounds, targetNanos, perNano * 1e6);
    }

    /** A workload of exactly {@code rounds}, for tests that need no calibration. */
    static Workload fixed(long rounds, long targetNanos) {
        return new Workload(rounds, targetNanos, Double.NaN);
    }

    /**
     * Runs one request's work.
     *
     * @param seed differs per request, so no two requests compute the same thing
     * @return the result, to be used (a result nobody reads lets the JIT drop the loop)
     */
    long run(long seed) {
        return spin(rounds, seed);
    }

    long rounds() {
        return rounds;
    }

    long targetNanos() {
        return targetNanos;
    }

    double roundsPerMilli() {
        return roundsPerMilli;
    }

    /** Marsaglia's xorshift64: each round depends on the last, so the JIT can neither skip nor vectorise it. */
    static long spin(long rounds, long seed) {
        long x = seed * 0x9E3779B97F4A7C15L | 1; // never 0, xorshift's fixed point
        for (long done = 0; done < rounds; ) {
            int chunk = (int) Math.min(rounds - done, 1 << 20); // an int-counted inner loop compiles best
            for (int i = 0; i < chunk; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
            done += chunk;
        }
        return x;
    }
}
