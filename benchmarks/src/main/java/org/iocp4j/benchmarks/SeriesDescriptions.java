package org.iocp4j.benchmarks;

import java.util.Map;

/**
 * What each {@code impl} of each benchmark is, for the captions of {@link JmhCharts}: which bars are iocp4j
 * and which the baselines, and what each one runs. Keyed by benchmark ({@code Class.method}, a group's name
 * for a group) and {@code impl}, then by class and {@code impl}; {@code SeriesDescriptionsTest} checks that
 * every {@code impl} value of every benchmark has one.
 */
final class SeriesDescriptions {

    private static final String ECHO_IOCP4J = "iocp4j: OverlappedServerSocket and OverlappedSocket on an IoDispatcher"
            + " with 2 I/O threads (Windows: Winsock on the Win32 port; elsewhere the portable backend, NIO readiness"
            + " turned into completions)";

    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("PortBenchmark.handOff/port-single", "iocp4j: a CompletionPort; each consumer takes one packet"
                    + " per poll (1 ms timeout)"),
            Map.entry("PortBenchmark.handOff/port-batch", "iocp4j: a CompletionPort; each consumer takes up to 64 packets"
                    + " per poll into a CompletionBatch"),
            Map.entry("PortBenchmark.handOff/LinkedBlockingQueue", "baseline: a LinkedBlockingQueue; poll with a 1 ms"
                    + " timeout"),
            Map.entry("PortBenchmark.handOff/LinkedBlockingQueue-drainTo", "baseline: a LinkedBlockingQueue; drainTo up"
                    + " to 64 (the batch analogue of port-batch)"),
            Map.entry("PortBenchmark.handOff/ArrayBlockingQueue", "baseline: an ArrayBlockingQueue of 65536; poll with a"
                    + " 1 ms timeout"),
            Map.entry("PortBenchmark.roundTrip/port", "iocp4j: a CompletionPort; post, then poll without waiting, on one"
                    + " thread"),
            Map.entry("PortBenchmark.roundTrip/LinkedBlockingQueue", "baseline: a LinkedBlockingQueue; offer, then poll,"
                    + " on one thread"),
            Map.entry("PortBenchmark.roundTrip/ArrayBlockingQueue", "baseline: an ArrayBlockingQueue; offer, then poll,"
                    + " on one thread"),
            Map.entry("DispatcherBenchmark/dispatcher-task", "iocp4j: IoDispatcher.execute(task), 2 I/O threads"),
            Map.entry("DispatcherBenchmark/dispatcher-preallocated", "iocp4j: IoDispatcher.postCompletion over"
                    + " PreAllocatedOverlapped, one packet and one OVERLAPPED per item, 2 I/O threads"),
            Map.entry("DispatcherBenchmark/ThreadPoolExecutor", "baseline: a ThreadPoolExecutor of 2 threads with a"
                    + " LinkedBlockingQueue"),
            Map.entry("DispatcherBenchmark/ForkJoinPool", "baseline: a ForkJoinPool of parallelism 2"),
            Map.entry("DispatcherBenchmark/ForkJoinPool-ring", "baseline: the same ForkJoinPool running a ring of"
                    + " per-item tasks, each with a state word CASed to submitted by the poster and to completed by"
                    + " the worker (the pre-allocated path's per-item handshake)"),
            Map.entry("DispatcherBenchmark/dispatcher-task-nocounters", "iocp4j: dispatcher-task with the dispatcher's"
                    + " counters off (counters(false)), to show what the always-on counters cost"),
            Map.entry("DispatcherBenchmark/dispatcher-preallocated-nocounters", "iocp4j: dispatcher-preallocated with the"
                    + " dispatcher's counters off (counters(false)), to show what the always-on counters cost"),
            Map.entry("EchoBenchmark/iocp4j", ECHO_IOCP4J),
            Map.entry("EchoBenchmark/iocp4j-skip", "iocp4j: as iocp4j, with skip-on-success on every connection (a"
                    + " receive or send that completes at once runs its handler on the calling thread, no packet)"),
            Map.entry("EchoBenchmark/iocp4j-op", "iocp4j: reusable SocketOperations (one receive/send per server"
                    + " connection, a send and a receive per client) with skip-on-success: nothing allocated per"
                    + " operation"),
            Map.entry("EchoBenchmark/nio-selector", "baseline: a NIO Selector, one selector thread per side (Windows:"
                    + " the JDK's WEPoll; Linux: epoll)"),
            Map.entry("EchoBenchmark/nio2-async", "baseline: NIO.2 AsynchronousSocketChannel in a group of 2 threads"
                    + " (Windows: the JDK's Iocp; Linux: epoll)"),
            Map.entry("FileReadBenchmark/iocp4j", "iocp4j: OverlappedFile on an IoDispatcher with 2 I/O threads (Windows:"
                    + " ReadFile on the Win32 port; Linux: preadv2(RWF_NOWAIT) on the caller, else pread on a thread"
                    + " pool posting completions)"),
            Map.entry("FileReadBenchmark/iocp4j-skip", "iocp4j: as iocp4j, opened with skip-on-success (a read that"
                    + " completes at once runs its handler on the calling thread, no packet)"),
            Map.entry("FileReadBenchmark/iocp4j-op", "iocp4j: a reusable FileOperation per buffer with"
                    + " skip-on-success: nothing allocated per read"),
            Map.entry("FileReadBenchmark/FileChannel", "baseline: FileChannel positional blocking reads, a thread per"
                    + " read in flight"),
            Map.entry("FileReadBenchmark/AsynchronousFileChannel", "baseline: NIO.2 AsynchronousFileChannel (Windows:"
                    + " the JDK's Iocp; Linux: pread on a thread pool)"));

    private SeriesDescriptions() {
    }

    /**
     * What {@code impl} is in {@code benchmark}.
     *
     * @param benchmark "Class.method" as {@link JmhCharts#shortName} gives it
     * @param impl      the {@code impl} parameter's value, or the benchmark's name when it has none
     * @return the description, or null if there is none
     */
    static String of(String benchmark, String impl) {
        if (impl.equals(benchmark)) {
            return "the benchmark method itself (it has no impl parameter)";
        }
        String d = DESCRIPTIONS.get(benchmark + "/" + impl);
        if (d != null) {
            return d;
        }
        int dot = benchmark.indexOf('.');
        return DESCRIPTIONS.get((dot < 0 ? benchmark : benchmark.substring(0, dot)) + "/" + impl);
    }
}
