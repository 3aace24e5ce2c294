package org.iocp4j.benchmarks;

import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.iocp4j.IoCallback;
import org.iocp4j.IoDispatcher;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.PreAllocatedOverlapped;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Work items from post to callback through an {@link IoDispatcher} with 2 I/O threads, beside a
 * {@link ThreadPoolExecutor} (2 threads, {@link LinkedBlockingQueue}) and a {@link ForkJoinPool}
 * (parallelism 2) doing the same hand-off, with 1 and 4 posting threads.
 *
 * <p>One operation is one work item posted; every posting thread keeps at most {@link #WINDOW} items in
 * flight (it waits for completions before posting more), so throughput is completed work, queues stay
 * bounded, and nothing is left to hang at the end of an iteration.
 *
 * <p>{@code ForkJoinPool-ring} is the pre-allocated path's like-for-like baseline: the same ring of
 * {@link #WINDOW} per-item objects, each with a state word that the poster moves to submitted and the worker to
 * completed by CAS before the item counts (what a pre-allocated overlapped's slot word does), run by the same
 * {@link ForkJoinPool}. A stateless shared task, as {@code ForkJoinPool}'s rows post, moves no per-item memory
 * between the CPUs; a per-item state word moves one cache line to the worker and back for every item.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DispatcherBenchmark {

    /** Items a posting thread may have in flight. */
    static final int WINDOW = 1024;

    static final List<String> KINDS = List.of("dispatcher-task", "dispatcher-preallocated", "ThreadPoolExecutor",
            "ForkJoinPool", "ForkJoinPool-ring");
    static final int TASK = 0;
    static final int PREALLOCATED = 1;
    static final int TPE = 2;
    static final int FJP_RING = 4;

    /** The executor under test. */
    @State(Scope.Benchmark)
    public static class Target {
        /**
         * The "-nocounters" variants turn the dispatcher's always-on counters off
         * ({@code DispatcherBuilder.counters(false)}), to show what the counters cost.
         */
        @Param({"dispatcher-task", "dispatcher-preallocated", "ThreadPoolExecutor", "ForkJoinPool",
                "ForkJoinPool-ring", "dispatcher-task-nocounters", "dispatcher-preallocated-nocounters"})
        public String impl;

        /** {@link #impl} as a number, so the posting loop switches on an int, not a string. */
        int kind;
        /**
         * Posters whose trial teardown has not finished: JMH may run this state's teardown on the first thread to
         * finish while others still wait for their items, so it waits for them before it shuts the executor down
         * (a {@code shutdownNow} that dropped their queued items left them waiting forever).
         */
        final AtomicInteger posters = new AtomicInteger();
        IoDispatcher dispatcher;
        ThreadPoolExecutor tpe;
        ForkJoinPool fjp;

        @Setup(Level.Trial)
        public void open() throws Exception {
            boolean counters = !impl.endsWith("-nocounters");
            String base = impl.replace("-nocounters", "");
            kind = KINDS.indexOf(base);
            switch (base) {
                case "dispatcher-task":
                case "dispatcher-preallocated":
                    dispatcher = IoDispatcher.builder().name("bench").concurrency(2).threads(2)
                            .counters(counters).jmx(false).build();
                    break;
                case "ThreadPoolExecutor":
                    tpe = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
                    tpe.prestartAllCoreThreads();
                    break;
                case "ForkJoinPool":
                case "ForkJoinPool-ring":
                    fjp = new ForkJoinPool(2);
                    break;
                default:
                    throw new IllegalArgumentException(impl);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (posters.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            if (dispatcher != null) {
                dispatcher.shutdownNow();
                dispatcher.awaitTermination(10, TimeUnit.SECONDS);
            }
            if (tpe != null) {
                tpe.shutdownNow();
            }
            if (fjp != null) {
                fjp.shutdownNow();
            }
        }
    }

    /**
     * A per-item task with a state word, {@code ForkJoinPool-ring}'s: free, submitted by the poster, completed by
     * the worker, each move a CAS, as a pre-allocated overlapped's slot word.
     */
    static final class RingTask extends AtomicInteger implements Runnable {
        static final int FREE = 0;
        static final int SUBMITTED = 1;
        static final int COMPLETED = 2;
        private final AtomicLong completed;
        int bytes;

        RingTask(AtomicLong completed) {
            this.completed = completed;
        }

        /** The poster's move: false while the item's last use is still submitted. */
        boolean submit(int byteCount) {
            int s = get();
            if (s == SUBMITTED || !compareAndSet(s, SUBMITTED)) {
                return false;
            }
            bytes = byteCount;
            return true;
        }

        @Override
        public void run() {
            if (compareAndSet(SUBMITTED, COMPLETED) && bytes >= 0) {
                completed.incrementAndGet();
            }
        }
    }

    /** One posting thread: its completion counter, its task and (for the pre-allocated paths) its ring. */
    @State(Scope.Thread)
    public static class Poster {
        final AtomicLong completed = new AtomicLong();
        long posted;
        /**
         * The last {@link #completed} this thread read: the window is checked against it, and the counter read
         * again only when it says the window is full, so the poster does not pull the counter's line (which every
         * completion writes) across the CPUs on every post (JCTools' cached consumer index).
         */
        long completedSeen;
        Runnable task;
        PreAllocatedOverlapped[] ring;
        RingTask[] tasks;
        Target target;

        @Setup(Level.Trial)
        public void setUp(Target t) {
            target = t;
            t.posters.incrementAndGet();
            task = completed::incrementAndGet;
            if (t.kind == PREALLOCATED) {
                IoCallback done = (error, bytes, overlapped) -> completed.incrementAndGet();
                ring = new PreAllocatedOverlapped[WINDOW];
                for (int i = 0; i < WINDOW; i++) {
                    ring[i] = t.dispatcher.preAllocate(done, null);
                }
            }
            if (t.kind == FJP_RING) {
                tasks = new RingTask[WINDOW];
                for (int i = 0; i < WINDOW; i++) {
                    tasks[i] = new RingTask(completed);
                }
            }
        }

        /**
         * Waits for what is still in flight and frees the ring, so the dispatcher shuts down with nothing
         * allocated (else its slab warns of 1,024 live OVERLAPPEDs, and the warning lands in JMH's output).
         */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                drain();
                if (ring != null) {
                    for (PreAllocatedOverlapped o : ring) {
                        while (o.status() == NativeOverlapped.Status.SUBMITTED) {
                            Thread.onSpinWait(); // counted before its callback returned: wait for the slot to settle
                        }
                        o.free();
                    }
                }
            } finally {
                target.posters.decrementAndGet();
            }
        }

        /** Posts one item, first waiting while the window is full. */
        void post() throws Exception {
            if (posted - completedSeen >= WINDOW) {
                while (posted - (completedSeen = completed.get()) >= WINDOW) {
                    Thread.yield();
                }
            }
            switch (target.kind) {
                case TASK:
                    target.dispatcher.execute(task);
                    break;
                case PREALLOCATED:
                    PreAllocatedOverlapped o = ring[(int) (posted % WINDOW)];
                    while (o.status() == NativeOverlapped.Status.SUBMITTED) {
                        Thread.yield();
                    }
                    target.dispatcher.postCompletion(o, 1);
                    break;
                case TPE:
                    target.tpe.execute(task);
                    break;
                case FJP_RING:
                    RingTask t = tasks[(int) (posted % WINDOW)];
                    while (!t.submit(1)) {
                        Thread.yield(); // counted before its state settled, as the pre-allocated ring's
                    }
                    target.fjp.execute(t);
                    break;
                default:
                    target.fjp.execute(task);
                    break;
            }
            posted++;
        }

        /** Waits until everything this thread posted has completed. */
        void drain() {
            while (completed.get() < posted) {
                Thread.onSpinWait();
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Threads(1)
    public void onePoster(Poster p) throws Exception {
        p.post();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Threads(4)
    public void fourPosters(Poster p) throws Exception {
        p.post();
    }

    /** One item's trip from post to callback, nothing else in flight. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(1)
    public void roundTrip(Poster p) throws Exception {
        p.post();
        p.drain();
    }
}
