package org.iocp4j.tools.bench;

/**
 * Where the workloads read the time for their latencies: {@link #SYSTEM} in a real run, a clock a test moves
 * by hand when it checks which interval a workload times (a wait it causes must show in the figure).
 */
@FunctionalInterface
public interface NanoClock {

    /** {@link System#nanoTime()}. */
    NanoClock SYSTEM = System::nanoTime;

    /**
     * The current time on a monotonic scale of nanoseconds; only differences between readings mean anything.
     *
     * @return the time in nanoseconds
     */
    long nanoTime();
}
