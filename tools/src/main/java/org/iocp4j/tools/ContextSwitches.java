package org.iocp4j.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Context switches of the threads that serve a batch, where the platform reports them: Linux's
 * {@code /proc/thread-self/status} ({@code voluntary_ctxt_switches + nonvoluntary_ctxt_switches}).
 * Each serving thread reads its own counters when it starts its first request and after each request,
 * so threads that end before the batch does (one thread per request) are counted too.
 */
final class ContextSwitches {

    private static final Path STATUS = Path.of("/proc/thread-self/status");
    private static final boolean AVAILABLE = read() != null;

    /** Per serving thread: {first, last} readings. Each array is written by its own thread only. */
    private final Map<Thread, long[][]> threads = new ConcurrentHashMap<>();

    /** Whether this platform reports context switches per thread. */
    static boolean available() {
        return AVAILABLE;
    }

    /** Called by a serving thread before a request. */
    void beforeRequest() {
        if (AVAILABLE) {
            threads.computeIfAbsent(Thread.currentThread(), t -> {
                long[] now = read();
                return new long[][] {now, now};
            });
        }
    }

    /** Called by a serving thread after a request, before it reports the request done. */
    void afterRequest() {
        if (AVAILABLE) {
            long[][] readings = threads.get(Thread.currentThread());
            if (readings != null) {
                readings[1] = read();
            }
        }
    }

    /**
     * The switches counted so far, summed over the serving threads; call after every request reported
     * done (that report publishes the readings).
     *
     * @return {voluntary, involuntary}, or null if unavailable
     */
    long[] total() {
        if (!AVAILABLE) {
            return null;
        }
        long[] sum = new long[2];
        for (long[][] r : threads.values()) {
            if (r[0] == null || r[1] == null) {
                return null;
            }
            sum[0] += r[1][0] - r[0][0];
            sum[1] += r[1][1] - r[0][1];
        }
        return sum;
    }

    /**
     * This thread's switches since it started: voluntary (it blocked) and involuntary (the scheduler
     * preempted it).
     *
     * @return {voluntary, involuntary}, or null if unreadable
     */
    static long[] read() {
        try {
            long voluntary = -1;
            long involuntary = -1;
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return voluntary < 0 || involuntary < 0 ? null : new long[] {voluntary, involuntary};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
