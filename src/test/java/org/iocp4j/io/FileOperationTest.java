package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.Iocp;
import org.iocp4j.LeakDetection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link FileOperation}: reusable reads and writes, their misuse, and what they allocate. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileOperationTest extends ChannelTestBase {

    private static final int BLOCK = 512;

    @TempDir
    Path dir;

    FileOperationTest() {
        super("file-operation-test");
    }

    private OverlappedFile open(Path p, boolean skip) throws IOException {
        OpenOption[] options = skip
                ? new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                        FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS}
                : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE};
        return track(OverlappedFile.open(dispatcher, p, options));
    }

    @ParameterizedTest(name = "skip-on-success {0}")
    @ValueSource(booleans = {false, true})
    void writesAndReadsAgainAndAgainMovingTheBufferPositionThenEndOfFile(boolean skip) throws Exception {
        OverlappedFile f = open(dir.resolve("blocks.bin"), skip);
        Outcomes wrote = new Outcomes();
        Outcomes read = new Outcomes();
        try (FileOperation write = f.operation(ByteBuffer.allocateDirect(BLOCK), wrote);
             FileOperation reader = f.operation(ByteBuffer.allocateDirect(BLOCK), read)) {
            for (int block = 0; block < 40; block++) {
                ByteBuffer b = write.buffer().clear();
                while (b.hasRemaining()) {
                    b.put((byte) (block + b.position()));
                }
                b.flip();
                write.write((long) block * BLOCK);
                assertEquals(BLOCK, wrote.count());
                assertFalse(write.buffer().hasRemaining(), "the position moved past what was written");
            }
            for (int block = 39; block >= 0; block--) {
                reader.buffer().clear();
                reader.read((long) block * BLOCK);
                assertEquals(BLOCK, read.count());
                assertFalse(reader.buffer().hasRemaining(), "the position moved past what was read");
                for (int i = 0; i < BLOCK; i++) {
                    assertEquals((byte) (block + i), reader.buffer().get(i), "block " + block + " byte " + i);
                }
            }
            reader.buffer().clear();
            reader.read(40L * BLOCK);
            assertEquals(-1, read.count(), "a read at the end of the file");
            reader.buffer().clear();
            reader.read(1L << 40);
            assertEquals(-1, read.count(), "a read far past it");
        }
        assertEquals(40L * BLOCK, Files.size(dir.resolve("blocks.bin")));
    }

    @Test
    void misuseIsRefusedAndLosesNothing() throws Exception {
        OverlappedFile f = open(dir.resolve("misuse.bin"), false);
        assertThrows(IllegalArgumentException.class, () -> f.operation(ByteBuffer.allocate(8), new Outcomes()));
        assertThrows(NullPointerException.class, () -> f.operation(ByteBuffer.allocateDirect(8), null));
        assertThrows(NullPointerException.class, () -> f.operation(null, new Outcomes()));
        Outcomes outcomes = new Outcomes();
        FileOperation readOnly = f.operation(ByteBuffer.allocateDirect(8).asReadOnlyBuffer(), outcomes);
        assertThrows(IllegalArgumentException.class, () -> readOnly.read(0), "a read into a read-only buffer");
        readOnly.write(0); // a write from one is fine
        assertEquals(8, outcomes.count());
        assertThrows(IllegalArgumentException.class, () -> readOnly.write(-1), "a negative position");
        assertTrue(readOnly.isDone(), "a refused start leaves it done");
        readOnly.close();
        readOnly.close(); // a second close does nothing
        assertThrows(IllegalStateException.class, () -> readOnly.write(0), "closed");
        assertFalse(readOnly.cancel(), "nothing pending to cancel");
    }

    /** With both I/O threads held, a write's packet waits in the port: the operation is pending till it runs. */
    @Test
    void oneOperationAtATimeAndNoCloseWhilePending() throws Exception {
        OverlappedFile f = open(dir.resolve("one-at-a-time.bin"), false);
        Outcomes outcomes = new Outcomes();
        FileOperation op = f.operation(ByteBuffer.allocateDirect(8), outcomes);
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            dispatcher.execute(() -> {
                held.countDown();
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertTrue(held.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "both I/O threads are held");
            op.write(0);
            assertFalse(op.isDone(), "its packet waits for an I/O thread");
            assertThrows(IllegalStateException.class, () -> op.write(0));
            assertThrows(IllegalStateException.class, () -> op.read(0));
            assertThrows(IllegalStateException.class, op::close);
        } finally {
            hold.countDown();
        }
        assertEquals(8, outcomes.count(), "the first write is unharmed");
        op.close();
        assertTrue(outcomes.seen.isEmpty(), "the refused starts called no handler");
    }

    @Test
    void aFileClosedUnderItFailsLaterStarts() throws Exception {
        OverlappedFile f = open(dir.resolve("closed.bin"), false);
        Outcomes outcomes = new Outcomes();
        try (FileOperation op = f.operation(ByteBuffer.allocateDirect(8), outcomes)) {
            f.close();
            op.read(0);
            assertInstanceOf(ClosedChannelException.class, outcomes.next());
            assertTrue(op.isDone());
        }
    }

    /**
     * {@code isDone} means the result is handed over: once it says so, the buffer's position has moved by the
     * bytes written, so a thread that waits for it and starts the next write sees the buffer as the last one
     * left it. (It used to say so from the moment the completion was claimed, before the position moved.)
     */
    @Test
    void doneOnlyOnceTheBufferPositionHasMoved() throws Exception {
        OverlappedFile f = open(dir.resolve("done.bin"), false);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (FileOperation op = f.operation(ByteBuffer.allocateDirect(8), new FileOperation.Handler() {
            @Override
            public void completed(FileOperation o, int bytes) {
            }

            @Override
            public void failed(FileOperation o, IOException error) {
                failure.compareAndSet(null, error);
            }
        })) {
            for (int i = 0; i < 20_000; i++) {
                op.buffer().clear();
                op.write(0);
                while (!op.isDone()) {
                    Thread.onSpinWait();
                }
                assertEquals(8, op.buffer().position(), "write " + i + ": done before its position moved");
            }
        }
        assertEquals(null, failure.get());
    }

    /**
     * Starts and closes from several threads at once: of a racing start and close exactly one wins, every
     * start that won completes exactly once, every close returns only once nothing is pending (then starts
     * fail as closed), and the OVERLAPPED is freed once (the teardown finds nothing outstanding). A start that
     * wins as soon as the last one is done finds the buffer's position already moved by it: the position
     * moves before the operation counts as done, never under the next start.
     */
    @Test
    void startsAndClosesRacingOnManyThreadsLeaveOneWinnerAndLoseNothing() throws Exception {
        OverlappedFile f = open(dir.resolve("racing.bin"), false);
        for (int round = 0; round < 50; round++) {
            AtomicInteger completions = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            FileOperation op = f.operation(ByteBuffer.allocateDirect(8), new FileOperation.Handler() {
                @Override
                public void completed(FileOperation o, int bytes) {
                    completions.incrementAndGet();
                }

                @Override
                public void failed(FileOperation o, IOException error) {
                    unexpected.compareAndSet(null, error);
                }
            });
            AtomicInteger started = new AtomicInteger();
            AtomicInteger closedBy = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                boolean closer = t >= 2;
                threads[t] = new Thread(() -> {
                    try {
                        go.await();
                        for (int i = 0; i < 200; i++) {
                            try {
                                if (closer && i >= 20) {
                                    op.close();
                                    assertTrue(op.isDone(), "a close returns only when nothing is pending");
                                    closedBy.incrementAndGet();
                                    return;
                                }
                                op.write(0); // 8 bytes, then 0: each moves the position by what it wrote
                                started.incrementAndGet();
                            } catch (IllegalStateException e) {
                                // pending (another start won), or closed: both are the race's refusals
                            }
                        }
                    } catch (Throwable e) {
                        unexpected.compareAndSet(null, e);
                    }
                }, "racer-" + t);
                threads[t].start();
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(WATCHDOG_SECONDS));
                assertFalse(t.isAlive(), t.getName() + " finished");
            }
            if (closedBy.get() < 2) { // a closer that met only pending writes gave up: close once they ended
                while (!op.isDone()) {
                    Thread.onSpinWait();
                }
                op.close();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
            while (completions.get() < started.get() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(null, unexpected.get(), "round " + round);
            assertEquals(started.get(), completions.get(), "every start that won completed once, round " + round);
            assertTrue(op.isDone());
            assertThrows(IllegalStateException.class, () -> op.write(0), "closed for good");
            op.close(); // and closing again does nothing
        }
    }

    /**
     * The point of the class: a chain of reads, each handler starting the next, allocates nothing per read
     * in any thread (the JVM's per-thread allocation counters, summed over every live thread). A read with
     * {@code OverlappedFile.read} and a {@code CompletionHandler} allocates its operation, its OVERLAPPED's
     * bookkeeping and an {@code Integer}: about 100 bytes.
     */
    @ParameterizedTest(name = "skip-on-success {0}")
    @ValueSource(booleans = {false, true})
    void aChainOfReadsAllocatesNothingPerRead(boolean skip) throws Exception {
        com.sun.management.ThreadMXBean mx = ThreadAllocation.bean();
        Assumptions.assumeTrue(mx != null, "this JVM counts no allocation per thread");
        Assumptions.assumeTrue(Iocp.backend() == Backend.NATIVE || Iocp.linuxLibraryStatus().startsWith("loaded"),
                "without libiocp4j.so the portable backend hands each read to a pool: a task per read");
        LeakDetection suiteLevel = LeakDetection.level(); // PARANOID in the suite: a stack per submit
        IoDispatcher plain;
        LeakDetection.setLevel(LeakDetection.SIMPLE);
        try {
            plain = IoDispatcher.builder().name("file-allocation-test").threads(2).build();
        } finally {
            LeakDetection.setLevel(suiteLevel);
        }
        try {
            Path p = dir.resolve("chain.bin");
            Files.write(p, new byte[64 * BLOCK]);
            OpenOption[] options = skip
                    ? new OpenOption[] {StandardOpenOption.READ, FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS}
                    : new OpenOption[] {StandardOpenOption.READ};
            try (OverlappedFile f = OverlappedFile.open(plain, p, options)) {
                readWithoutAllocating(mx, f);
            }
        } finally {
            plain.shutdown();
            assertTrue(plain.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        }
    }

    private static void readWithoutAllocating(com.sun.management.ThreadMXBean mx, OverlappedFile f) throws Exception {
        AtomicInteger left = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch[] finished = {null};
        FileOperation.Handler next = new FileOperation.Handler() {
            @Override
            public void completed(FileOperation op, int bytes) {
                int n = left.decrementAndGet();
                if (bytes != BLOCK) {
                    failure.compareAndSet(null, new AssertionError(bytes + " bytes read"));
                    finished[0].countDown();
                } else if (n > 0) {
                    op.buffer().clear();
                    op.read((long) (n % 64) * BLOCK);
                } else {
                    finished[0].countDown();
                }
            }

            @Override
            public void failed(FileOperation op, IOException error) {
                failure.compareAndSet(null, error);
                finished[0].countDown();
            }
        };
        try (FileOperation op = f.operation(ByteBuffer.allocateDirect(BLOCK), next)) {
            // The least of three measured rounds, after one that warms the JIT and the lazy paths up, as in
            // SocketOperationTest: other threads allocate now and then.
            long perRead = Long.MAX_VALUE;
            for (int round = 0; round < 4; round++) {
                int reads = 5_000;
                finished[0] = new CountDownLatch(1);
                left.set(reads);
                long before = ThreadAllocation.total(mx);
                op.buffer().clear();
                op.read(0);
                assertTrue(finished[0].await(WATCHDOG_SECONDS, TimeUnit.SECONDS), left.get() + " reads left");
                while (!op.isDone()) {
                    Thread.onSpinWait();
                }
                long allocated = (ThreadAllocation.total(mx) - before) / reads;
                if (round > 0) {
                    perRead = Math.min(perRead, allocated);
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("the reads failed", failure.get());
            }
            // A read with OverlappedFile.read allocates about 100 bytes; under Wine the other threads' now and
            // then comes to about 16 bytes a round trip in SocketOperationTest.
            assertTrue(perRead < 32, perRead + " bytes allocated per read");
        }
    }
}
