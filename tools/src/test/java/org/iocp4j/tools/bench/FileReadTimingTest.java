package org.iocp4j.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.CompletionHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which interval each file-read workload times, on a clock the test moves by hand (no timing assertion): a
 * read issued at t = 0 that can only proceed once the test has moved the clock to 5 µs must be recorded as
 * 5 µs, whether it waited for a thread (FileChannel) or for its completion (the completion APIs).
 */
class FileReadTimingTest {

    private static final long WAIT_NANOS = 5_000;

    @TempDir
    Path dir;

    private Path file() throws Exception {
        return BenchFile.create(dir.resolve("reads.bin"), 1 << 20, null);
    }

    /** {@code reads.reads(total, latencies)} on another thread, so the test can hold it back and let it go. */
    private static CompletableFuture<Void> readInBackground(FileReadStack reads, int total, Latencies latencies) {
        return CompletableFuture.runAsync(() -> {
            try {
                reads.reads(total, latencies);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Every sample is {@code micros}, to HdrHistogram's 3 significant digits. */
    private static void assertAllSamples(Latencies l, int count, double micros) {
        Latencies.Snapshot s = l.snapshot();
        assertEquals(count, s.size());
        assertEquals(micros, s.percentileMicros(0), micros * 1e-3, "fastest read");
        assertEquals(micros, s.maxMicros(), micros * 1e-3, "slowest read");
    }

    /**
     * With 2 reads in flight, each thread's first read is issued when its share is handed to the pool; the
     * pool's threads are held back until the clock reads 5 µs. Timing the {@code read} call alone (as this
     * workload once did) records 0 here: the wait for a thread, where a thread-per-request server queues,
     * would be missing from the figure.
     */
    @Test
    void fileChannelCountsTheWaitForAThread() throws Exception {
        AtomicLong clock = new AtomicLong();
        Latencies latencies = new Latencies(clock::get);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch gate = new CountDownLatch(1);
        ThreadFactory heldBack = r -> {
            Thread t = new Thread(() -> {
                running.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    return;
                }
                r.run();
            }, "held-back-reader");
            t.setDaemon(true);
            return t;
        };
        try (FileChannelReads reads = new FileChannelReads(heldBack)) {
            reads.open(file(), 2);
            CompletableFuture<Void> run = readInBackground(reads, 2, latencies);
            // A pool thread starts only after its share was stamped and handed over.
            assertTrue(running.await(10, TimeUnit.SECONDS), "the pool started its threads");
            clock.set(WAIT_NANOS);
            gate.countDown();
            run.get(10, TimeUnit.SECONDS);
        }
        assertAllSamples(latencies, 2, WAIT_NANOS / 1e3);
    }

    /**
     * N reads in flight means N threads each with a read outstanding until the batch runs dry: with the second
     * of 2 threads held back, the first does its own read and then every read not yet issued, while the held
     * one's read waits for it. With fixed shares (as this workload once did) the first stopped after its half,
     * and the batch waited on the idle thread: fewer reads in flight than the figure claims.
     */
    @Test
    void fileChannelThreadsTakeTheNextReadUntilTheBatchRunsDry() throws Exception {
        AtomicLong readings = new AtomicLong();
        Latencies latencies = new Latencies(readings::incrementAndGet); // one reading per hand-off and per read
        CountDownLatch gate = new CountDownLatch(1);
        AtomicLong made = new AtomicLong();
        ThreadFactory secondHeldBack = r -> {
            boolean held = made.incrementAndGet() == 2;
            Thread t = new Thread(() -> {
                try {
                    if (held) {
                        gate.await();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                r.run();
            }, held ? "held-back-reader" : "reader");
            t.setDaemon(true);
            return t;
        };
        int total = 10;
        try (FileChannelReads reads = new FileChannelReads(secondHeldBack)) {
            reads.open(file(), 2);
            CompletableFuture<Void> run = readInBackground(reads, total, latencies);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (readings.get() < 2 + total - 1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            long seen = readings.get();
            gate.countDown();
            run.get(10, TimeUnit.SECONDS);
            assertEquals(2 + total - 1, seen, "2 hand-offs, then every read but the held thread's, by the free one");
        }
        assertEquals(total, latencies.snapshot().size());
    }

    /** On the calling thread the first read starts when {@code reads} is called; the next when it returned. */
    @Test
    void fileChannelChainsEachReadFromTheLastOnesReturn() throws Exception {
        AtomicLong clock = new AtomicLong();
        // Every reading moves the clock on by 1 µs: one reading per read means each read took exactly 1 µs;
        // a second reading per read (start and end of the call) would also show 1 µs but leave 1 µs per read
        // (the gap between two calls) unaccounted, which the total below catches.
        Latencies latencies = new Latencies(() -> clock.addAndGet(1_000));
        try (FileChannelReads reads = new FileChannelReads()) {
            reads.open(file(), 1);
            reads.reads(3, latencies);
        }
        assertAllSamples(latencies, 3, 1.0);
        assertEquals(4_000, clock.get(), "one reading to issue the first read, then one per completion");
    }

    /** The completion APIs: stamped before the read is handed to the API, recorded when the handler runs. */
    @Test
    void windowedReadsCountTheTimeUntilTheCompletionRuns() throws Exception {
        AtomicLong clock = new AtomicLong();
        Latencies latencies = new Latencies(clock::get);
        List<Runnable> pending = new CopyOnWriteArrayList<>();
        try (ManualReads reads = new ManualReads(pending)) {
            reads.open(file(), 2);
            CompletableFuture<Void> run = readInBackground(reads, 2, latencies);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pending.size() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(2, pending.size(), "both reads issued");
            clock.set(WAIT_NANOS);
            for (Runnable completion : pending) {
                completion.run();
            }
            run.get(10, TimeUnit.SECONDS);
        }
        assertAllSamples(latencies, 2, WAIT_NANOS / 1e3);
    }

    /** A completion API whose completions the test delivers. */
    private static final class ManualReads extends WindowedFileReads {
        private final List<Runnable> pending;

        ManualReads(List<Runnable> pending) {
            this.pending = pending;
        }

        @Override
        void openFile(Path file, int inFlight) {
        }

        @Override
        void read(Slot slot, long offset, CompletionHandler<Integer, Slot> handler) {
            pending.add(() -> handler.completed(BLOCK, slot));
        }

        @Override
        public String describe() {
            return "manual";
        }

        @Override
        public void close() {
        }
    }
}
