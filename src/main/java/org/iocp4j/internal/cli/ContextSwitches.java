package org.iocp4j.internal.cli;

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
    private static final boolean AVAILABLE = read() >= 0;

    /** Per serving thread: {first, last} readings. Each array is written by its own thread only. */
    private final Map<Thread, long[]> threads = new ConcurrentHashMap<>();

    /** Whether this platform reports context switches per thread. */
    static boolean available() {
        return AVAILABLE;
    }

    /** Called by a serving thread before a request. */
    void beforeRequest() {
        if (AVAILABLE) {
            threads.computeIfAbsent(Thread.currentThread(), t -> {
                long now = read();
                return new long[] {now, now};
            });
        }
    }

    /** Called by a serving thread after a request, before it reports the request done. */
    void afterRequest() {
        if (AVAILABLE) {
            long[] readings = threads.get(Thread.currentThread());
            if (readings != null) {
                readings[1] = read();
            }
        }
    }

    /**
     * The switches counted so far; call after every request reported done (that report publishes the
     * readings).
     *
     * @return the sum over serving threads, or -1 if unavailable
     */
    long total() {
        if (!AVAILABLE) {
            return -1;
        }
        long sum = 0;
        for (long[] r : threads.values()) {
            if (r[0] < 0 || r[1] < 0) {
                return -1;
            }
            sum += r[1] - r[0];
        }
        return sum;
    }

    /** This thread's voluntary plus involuntary switches since it started, or -1 if unreadable. */
    static long read() {
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
            return voluntary < 0 || involuntary < 0 ? -1 : voluntary + involuntary;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
