package org.iocp4j.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.PortClosedException;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * Packets per second through a {@link CompletionPort}, beside the JDK's blocking queues doing the same
 * hand-off in the same run.
 *
 * <ul>
 *   <li>{@code handOff}: 2 producer threads post, 2 consumer threads poll with a 1 ms timeout. The score
 *       to read is {@code handOff:received}, packets taken per second by both consumers together (an
 *       {@link AuxCounters} counter); {@code handOff} itself and {@code handOff:produce}/{@code :consume}
 *       count method calls, which include empty polls.</li>
 *   <li>{@code roundTrip}: one thread posts a packet and takes it back without waiting, the cost of the
 *       port's bookkeeping with no hand-off between threads.</li>
 * </ul>
 *
 * <p>Queue elements are {@link Long}s preallocated in {@link #PAYLOADS}, so the queues pay for their
 * nodes ({@code LinkedBlockingQueue}) but not for boxing: a port packet carries primitives, and a queue
 * carrying cached boxes is the fairest object-based equivalent.
 *
 * <p>The producers run at most {@link #WINDOW} packets ahead of the consumers (counted in chunks of
 * {@link #CHUNK}, so the bookkeeping costs two atomic adds per {@value #CHUNK} packets). Without it the
 * unbounded port and {@code LinkedBlockingQueue} would grow without limit whenever the producers are
 * faster, and the run would measure the garbage collector and the heap size rather than the hand-off.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class PortBenchmark {

    /** How far (in packets) producers may run ahead of consumers. */
    static final long WINDOW = 1 << 14;
    /** Producers and consumers publish their counts to the shared window counters this often. */
    static final int CHUNK = 256;
    /** Batch size for the batch consumers ({@code port-batch}, {@code LinkedBlockingQueue-drainTo}). */
    static final int BATCH = 64;
    /** The bounded queue's capacity: above {@link #WINDOW}, so the window and not the queue applies back-pressure. */
    static final int ARRAY_QUEUE_CAPACITY = 1 << 16;
    /** How long an empty consumer waits before returning to JMH, so it sees the iteration end. */
    static final long POLL_TIMEOUT_MILLIS = 1;

    static final Long[] PAYLOADS = new Long[1024];

    static {
        for (int i = 0; i < PAYLOADS.length; i++) {
            PAYLOADS[i] = (long) i;
        }
    }

    private static final int PORT_SINGLE = 0;
    private static final int PORT_BATCH = 1;
    private static final int QUEUE_SINGLE = 2;
    private static final int QUEUE_DRAIN = 3;

    // ---------------------------------------------------------------------------------------------
    // 2 producers, 2 consumers

    /** The port or queue that one group of 2 producers and 2 consumers shares. */
    @State(Scope.Group)
    public static class HandOff {

        @Param({"port-single", "port-batch", "LinkedBlockingQueue", "LinkedBlockingQueue-drainTo",
                "ArrayBlockingQueue"})
        public String impl;

        int mode;
        CompletionPort port;
        BlockingQueue<Long> queue;
        // Packets posted and taken, published in chunks: producers stall while posted - taken > WINDOW.
        final AtomicLong posted = new AtomicLong();
        final AtomicLong taken = new AtomicLong();

        @Setup(Level.Trial)
        public void open() throws IOException {
            switch (impl) {
                case "port-single":
                    mode = PORT_SINGLE;
                    break;
                case "port-batch":
                    mode = PORT_BATCH;
                    break;
                case "LinkedBlockingQueue":
                    mode = QUEUE_SINGLE;
                    break;
                case "LinkedBlockingQueue-drainTo":
                    mode = QUEUE_DRAIN;
                    break;
                case "ArrayBlockingQueue":
                    mode = QUEUE_SINGLE;
                    break;
                default:
                    throw new IllegalArgumentException("unknown impl: " + impl);
            }
            if (mode == PORT_SINGLE || mode == PORT_BATCH) {
                // The concurrency limit counts consumers only (producers never poll): 2 lets both run.
                port = CompletionPort.open(2);
            } else if (impl.equals("ArrayBlockingQueue")) {
                queue = new ArrayBlockingQueue<>(ARRAY_QUEUE_CAPACITY);
            } else {
                queue = new LinkedBlockingQueue<>();
            }
        }

        /**
         * Runs once per iteration on one thread of the group, after JMH's pre-tear-down barrier that
         * every thread of the run passes only once it has left the benchmark methods: nobody is posting
         * or polling, so the leftover packets can go and the window starts again from zero.
         */
        @TearDown(Level.Iteration)
        public void drain() throws IOException {
            if (port != null) {
                Completion c = new Completion();
                while (port.poll(c, 0, TimeUnit.NANOSECONDS)) {
                    // discard
                }
            } else {
                queue.clear();
            }
            posted.set(0);
            taken.set(0);
        }

        @TearDown(Level.Trial)
        public void close() {
            if (port != null) {
                port.close();
            }
        }
    }

    /**
     * Packets each thread moved; JMH sums them over the group's threads, reports them per second and
     * zeroes them before each iteration.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Packets {
        /** Packets taken by the consumers: the score to read. */
        public long received;
        /** Packets handed to the port or queue by the producers. */
        public long sent;
    }

    /** A producer's sequence number and its count not yet published to {@link HandOff#posted}. */
    @State(Scope.Thread)
    public static class Producer {
        long sequence;
        int unpublished;

        @Setup(Level.Iteration)
        public void reset() {
            unpublished = 0;
        }
    }

    /** A consumer's reusable holders and its count not yet published to {@link HandOff#taken}. */
    @State(Scope.Thread)
    public static class Consumer {
        final Completion completion = new Completion();
        final ArrayList<Long> drained = new ArrayList<>(BATCH);
        CompletionBatch batch;
        int unpublished;

        @Setup(Level.Trial)
        public void allocate() {
            batch = CompletionBatch.allocate(BATCH);
        }

        @Setup(Level.Iteration)
        public void reset() {
            unpublished = 0;
        }

        @TearDown(Level.Trial)
        public void free() {
            batch.close();
        }
    }

    /**
     * Posts (offers) one packet, first waiting while the producers are a full window ahead. Never
     * blocks: the wait yields and gives up when the measurement ends.
     */
    @Benchmark
    @Group("handOff")
    @GroupThreads(2)
    public void produce(HandOff h, Producer p, Packets counters, Control control) throws IOException {
        if (p.unpublished == CHUNK) {
            p.unpublished = 0;
            long posted = h.posted.addAndGet(CHUNK);
            while (posted - h.taken.get() > WINDOW) {
                if (control.stopMeasurement) {
                    return;
                }
                Thread.yield();
            }
        }
        long seq = p.sequence++;
        if (h.port != null) {
            try {
                h.port.post(seq, 1, 0L);
            } catch (PortClosedException e) {
                return;
            }
        } else if (!h.queue.offer(PAYLOADS[(int) seq & (PAYLOADS.length - 1)])) {
            // Only a full ArrayBlockingQueue refuses, which the window should prevent; count nothing.
            Thread.yield();
            return;
        }
        p.unpublished++;
        counters.sent++;
    }

    /** Takes what is there (one packet, or up to {@value #BATCH}), waiting at most 1 ms for it. */
    @Benchmark
    @Group("handOff")
    @GroupThreads(2)
    public long consume(HandOff h, Consumer c, Packets counters) throws IOException, InterruptedException {
        long sum = 0;
        int n;
        try {
            switch (h.mode) {
                case PORT_SINGLE:
                    if (!h.port.poll(c.completion, POLL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                        return 0;
                    }
                    sum = c.completion.key();
                    n = 1;
                    break;
                case PORT_BATCH:
                    CompletionBatch batch = c.batch;
                    n = h.port.poll(batch, POLL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    for (int i = 0; i < n; i++) {
                        sum += batch.key(i);
                    }
                    break;
                case QUEUE_SINGLE:
                    Long e = h.queue.poll(POLL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    if (e == null) {
                        return 0;
                    }
                    sum = e;
                    n = 1;
                    break;
                default:
                    n = drain(h.queue, c.drained);
                    for (int i = 0; i < n; i++) {
                        sum += c.drained.get(i);
                    }
                    c.drained.clear();
                    break;
            }
        } catch (PortClosedException e) {
            return 0;
        }
        counters.received += n;
        c.unpublished += n;
        if (c.unpublished >= CHUNK) {
            h.taken.addAndGet(c.unpublished);
            c.unpublished = 0;
        }
        return sum;
    }

    /** drainTo, the batch analogue of port-batch; waits (1 ms at most) only when the queue is empty. */
    private static int drain(BlockingQueue<Long> queue, ArrayList<Long> into) throws InterruptedException {
        int n = queue.drainTo(into, BATCH);
        if (n > 0) {
            return n;
        }
        Long e = queue.poll(POLL_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        if (e == null) {
            return 0;
        }
        into.add(e);
        return 1 + queue.drainTo(into, BATCH - 1);
    }

    // ---------------------------------------------------------------------------------------------
    // One thread: post then poll

    /** A port or queue used by one thread only. */
    @State(Scope.Thread)
    public static class RoundTrip {

        @Param({"port", "LinkedBlockingQueue", "ArrayBlockingQueue"})
        public String impl;

        CompletionPort port;
        BlockingQueue<Long> queue;
        final Completion completion = new Completion();
        long sequence;

        @Setup(Level.Trial)
        public void open() throws IOException {
            switch (impl) {
                case "port":
                    port = CompletionPort.open(1);
                    break;
                case "LinkedBlockingQueue":
                    queue = new LinkedBlockingQueue<>();
                    break;
                case "ArrayBlockingQueue":
                    queue = new ArrayBlockingQueue<>(ARRAY_QUEUE_CAPACITY);
                    break;
                default:
                    throw new IllegalArgumentException("unknown impl: " + impl);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            if (port != null) {
                port.close();
            }
        }
    }

    /** Posts a packet and polls it back without waiting ({@code offer} then {@code poll} for the queues). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long roundTrip(RoundTrip s) throws IOException {
        long seq = s.sequence++;
        if (s.port != null) {
            s.port.post(seq, 1, 0L);
            if (!s.port.poll(s.completion, 0, TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("the packet just posted is not there");
            }
            return s.completion.key();
        }
        s.queue.offer(PAYLOADS[(int) seq & (PAYLOADS.length - 1)]);
        return s.queue.poll();
    }
}
