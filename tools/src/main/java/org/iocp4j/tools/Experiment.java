package org.iocp4j.tools;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.IoDispatcher;

/**
 * The seeds' experiment: the same batch of CPU-bound requests served four ways, each request's completion
 * timed from the moment the batch starts.
 */
final class Experiment {

    /** How a batch is served. */
    enum Way {
        ONE_THREAD("(a)", "one thread", "one thread serves the requests in sequence"),
        THREAD_PER_REQUEST("(b)", "thread per request", "a new thread for each request, all started at once"),
        PORT("(c)", "I/O completion port", "an IoDispatcher: requests posted with execute() run on its I/O threads,"
                + " the port lets %d run at once"),
        POOL("(d)", "thread pool", "a ThreadPoolExecutor with %d threads and a queue");

        final String letter;
        final String label;
        private final String description;

        Way(String letter, String label, String description) {
            this.letter = letter;
            this.label = label;
            this.description = description;
        }

        String description(int threads) {
            return String.format(description, threads);
        }
    }

    /** One request as served: its number (1-based, in submission order), its thread, its times since the batch started. */
    static final class Served {
        private final int number;
        private final String thread;
        private final long startNanos;
        private final long endNanos;

        Served(int number, String thread, long startNanos, long endNanos) {
            this.number = number;
            this.thread = thread;
            this.startNanos = startNanos;
            this.endNanos = endNanos;
        }

        double completedMs() {
            return endNanos / 1e6;
        }

        double ranMs() {
            return (endNanos - startNanos) / 1e6;
        }

        int number() {
            return number;
        }

        String thread() {
            return thread;
        }

        long startNanos() {
            return startNanos;
        }

        long endNanos() {
            return endNanos;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Served)) {
                return false;
            }
            Served o = (Served) other;
            return number == o.number
                && Objects.equals(thread, o.thread)
                && startNanos == o.startNanos
                && endNanos == o.endNanos;
        }

        @Override
        public int hashCode() {
            return Objects.hash(number, thread, startNanos, endNanos);
        }

        @Override
        public String toString() {
            return "Served[number=" + number + ", thread=" + thread + ", startNanos=" + startNanos + ", endNanos=" + endNanos + "]";
        }
    }

    /**
     * One way's batch.
     */
    static final class Outcome {
        private final Way way;
        private final List<Served> byCompletion;
        private final long wallNanos;
        private final long switches;
        private final long preemptions;
        private final long cpuNanos;
        private final long checksum;
        private final String note;

        Outcome(Way way, List<Served> byCompletion, long wallNanos, long switches, long preemptions, long cpuNanos, long checksum, String note) {
            this.way = way;
            this.byCompletion = byCompletion;
            this.wallNanos = wallNanos;
            this.switches = switches;
            this.preemptions = preemptions;
            this.cpuNanos = cpuNanos;
            this.checksum = checksum;
            this.note = note;
        }

        double meanMs() {
            return byCompletion.stream().mapToDouble(Served::completedMs).average().orElse(0);
        }

        double maxMs() {
            return byCompletion.stream().mapToDouble(Served::completedMs).max().orElse(0);
        }

        double firstMs() {
            return byCompletion.isEmpty() ? 0 : byCompletion.get(0).completedMs();
        }

        double wallMs() {
            return wallNanos / 1e6;
        }

        /** How many CPUs the process kept busy on average, or NaN if unknown: below the CPU count, others competed. */
        double cpusUsed() {
            return cpuNanos < 0 || wallNanos <= 0 ? Double.NaN : (double) cpuNanos / wallNanos;
        }

        /** The median time a request took from its start to its end. */
        double medianRanMs() {
            double[] ran = byCompletion.stream().mapToDouble(Served::ranMs).sorted().toArray();
            int n = ran.length;
            return n == 0 ? 0 : n % 2 == 1 ? ran[n / 2] : (ran[n / 2 - 1] + ran[n / 2]) / 2;
        }

        Way way() {
            return way;
        }

        List<Served> byCompletion() {
            return byCompletion;
        }

        long wallNanos() {
            return wallNanos;
        }

        long switches() {
            return switches;
        }

        long preemptions() {
            return preemptions;
        }

        long cpuNanos() {
            return cpuNanos;
        }

        long checksum() {
            return checksum;
        }

        String note() {
            return note;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Outcome)) {
                return false;
            }
            Outcome o = (Outcome) other;
            return Objects.equals(way, o.way)
                && Objects.equals(byCompletion, o.byCompletion)
                && wallNanos == o.wallNanos
                && switches == o.switches
                && preemptions == o.preemptions
                && cpuNanos == o.cpuNanos
                && checksum == o.checksum
                && Objects.equals(note, o.note);
        }

        @Override
        public int hashCode() {
            return Objects.hash(way, byCompletion, wallNanos, switches, preemptions, cpuNanos, checksum, note);
        }

        @Override
        public String toString() {
            return "Outcome[way=" + way + ", byCompletion=" + byCompletion + ", wallNanos=" + wallNanos + ", switches=" + switches + ", preemptions=" + preemptions + ", cpuNanos=" + cpuNanos + ", checksum=" + checksum + ", note=" + note + "]";
        }
    }

    private static final long PROGRESS_TICK_MILLIS = 200;

    private final int requests;
    private final Workload workload;
    private final int threads;
    private final ProgressBar progress;

    Experiment(int requests, Workload workload, int threads, ProgressBar progress) {
        this.requests = requests;
        this.workload = workload;
        this.threads = threads;
        this.progress = progress;
    }

    /** Serves one batch the given way and waits for every request. */
    Outcome run(Way way) throws IOException, InterruptedException {
        switch (way) {
            case ONE_THREAD:
                return oneThread();
            case THREAD_PER_REQUEST:
                return threadPerRequest();
            case PORT:
                return port();
            case POOL:
                return pool();
            default:
                throw new AssertionError(way);
        }
    }

    private Outcome oneThread() throws InterruptedException {
        Batch batch = new Batch(Way.ONE_THREAD);
        Thread t = new Thread(() -> {
            for (int i = 0; i < requests; i++) {
                batch.request(i).run();
            }
        }, "one-thread");
        t.setDaemon(true);
        t.start();
        Outcome outcome = batch.await();
        t.join();
        return outcome;
    }

    private Outcome threadPerRequest() throws InterruptedException {
        Batch batch = new Batch(Way.THREAD_PER_REQUEST);
        List<Thread> started = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            Thread t = new Thread(batch.request(i), "request-" + (i + 1));
            t.setDaemon(true);
            t.start();
            started.add(t);
        }
        Outcome outcome = batch.await();
        for (Thread t : started) {
            t.join();
        }
        return outcome;
    }

    private Outcome port() throws IOException, InterruptedException {
        // The builder's defaults (batches of 64), as a user gets them: a thread that dequeued several
        // requests hands the rest to free threads once the first has run for a few milliseconds.
        try (IoDispatcher dispatcher = IoDispatcher.builder().name("port").concurrency(threads).build()) {
            CountDownLatch ready = new CountDownLatch(1); // start the I/O threads before the clock does
            dispatcher.execute(ready::countDown);
            ready.await();
            Batch batch = new Batch(Way.PORT);
            for (int i = 0; i < requests; i++) {
                dispatcher.execute(batch.request(i));
            }
            Outcome outcome = batch.await();
            int live = dispatcher.liveThreads();
            long injected = dispatcher.injectedThreads();
            long serving = outcome.byCompletion().stream().map(Served::thread).distinct().count();
            String note = live + " I/O thread" + (live == 1 ? "" : "s") + " alive at the end";
            if (injected > 0) {
                note += " (" + injected + " injected while every one was busy; "
                        + (serving <= threads ? "the port held them back)" : "the port still let only " + threads + " run at once)");
            }
            return withNote(outcome, note);
        }
    }

    private Outcome pool() throws InterruptedException {
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "pool-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        try {
            pool.prestartAllCoreThreads(); // as the port's threads, ready before the clock starts
            Batch batch = new Batch(Way.POOL);
            for (int i = 0; i < requests; i++) {
                pool.execute(batch.request(i));
            }
            return batch.await();
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** CPU time of the whole process so far, or -1 if this JVM does not say. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }

    private static Outcome withNote(Outcome o, String note) {
        return new Outcome(o.way(), o.byCompletion(), o.wallNanos(), o.switches(), o.preemptions(), o.cpuNanos(),
                o.checksum(), note);
    }

    /** One batch in flight: the clock starts when it is created. */
    private final class Batch {
        final Way way;
        final long cpuStart = processCpuNanos();
        final long start = System.nanoTime();
        final Served[] served = new Served[requests];
        final long[] results = new long[requests];
        final AtomicInteger done = new AtomicInteger();
        final CountDownLatch finished = new CountDownLatch(requests);
        final ContextSwitches switches = new ContextSwitches();
        volatile Throwable failure;

        Batch(Way way) {
            this.way = way;
            progress.start(way.label, requests);
        }

        Runnable request(int i) {
            return () -> {
                try {
                    switches.beforeRequest();
                    long begin = System.nanoTime() - start;
                    long result = workload.run(i + 1);
                    long end = System.nanoTime() - start;
                    switches.afterRequest();
                    results[i] = result;
                    served[i] = new Served(i + 1, Thread.currentThread().getName(), begin, end);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.incrementAndGet();
                    finished.countDown(); // publishes the writes above to await()
                }
            };
        }

        Outcome await() throws InterruptedException {
            while (!finished.await(PROGRESS_TICK_MILLIS, TimeUnit.MILLISECONDS)) {
                progress.update(done.get());
            }
            long wall = System.nanoTime() - start;
            long cpuEnd = processCpuNanos();
            long cpu = cpuStart < 0 || cpuEnd < 0 ? -1 : cpuEnd - cpuStart;
            progress.finish(done.get());
            if (failure != null) {
                throw new IllegalStateException(way.label + ": a request failed", failure);
            }
            long checksum = 0;
            for (long r : results) {
                checksum ^= r;
            }
            List<Served> byCompletion = new ArrayList<>(Arrays.asList(served));
            byCompletion.sort(Comparator.comparingLong(Served::endNanos));
            long[] counted = switches.total();
            return new Outcome(way, List.copyOf(byCompletion), wall, counted == null ? -1 : counted[0] + counted[1],
                    counted == null ? -1 : counted[1], cpu, checksum, "");
        }
    }
}
