package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link CompletionPort} backend must show. Subclasses say how to open a port and
 * how to tell that threads are waiting in it; nothing here asserts on elapsed time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class CompletionPortContract {

    /** Upper bound for any single wait in a test: reaching it means the test failed, not that it was slow. */
    protected static final long WATCHDOG_SECONDS = 20;

    protected final List<Thread> started = new ArrayList<>();
    private final List<CompletionPort> opened = new ArrayList<>();

    /** Opens a port of the backend under test. */
    protected abstract CompletionPort openPort(int concurrency) throws IOException;

    /** Returns once {@code n} threads are waiting inside {@code port}. */
    protected abstract void awaitWaiting(CompletionPort port, int n) throws InterruptedException;

    protected CompletionPort open(int concurrency) throws IOException {
        CompletionPort port = openPort(concurrency);
        opened.add(port);
        return port;
    }

    protected Thread start(String name, ThrowingRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                throw new AssertionError(name + " failed", e);
            }
        }, name);
        t.setDaemon(true);
        started.add(t);
        t.start();
        return t;
    }

    protected interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Returns once {@code count} reaches {@code n}; fails after the watchdog. */
    protected static void awaitAtLeast(IntSupplier count, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (count.getAsInt() < n) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(count.getAsInt() + " threads waiting, expected " + n);
            }
            Thread.sleep(1);
        }
    }

    protected static void join(Thread t) throws InterruptedException {
        t.join(TimeUnit.SECONDS.toMillis(WATCHDOG_SECONDS));
        assertFalse(t.isAlive(), t.getName() + " did not finish");
    }

    @AfterEach
    void closeEverything() throws InterruptedException {
        opened.forEach(CompletionPort::close);
        for (Thread t : started) {
            join(t);
        }
    }

    // ---- basics ----

    @Test
    void queueDepthCountsWhatIsQueued() throws Exception {
        CompletionPort port = open(1);
        assertEquals(0, port.queueDepth().getAsLong());
        for (int i = 0; i < 3; i++) {
            port.post(i, 0, 0);
        }
        assertEquals(3, port.queueDepth().getAsLong());
        assertTrue(port.poll(new Completion(), 0, TimeUnit.SECONDS));
        assertEquals(2, port.queueDepth().getAsLong());
        port.close();
        assertThrows(PortClosedException.class, port::queueDepth);
    }

    @Test
    void packetsComeOutInTheOrderTheyWentIn() throws IOException {
        CompletionPort port = open(1);
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            port.post(1000 + i, i, 0x10_0000_0000L + i);
        }
        Completion c = new Completion();
        for (int i = 0; i < n; i++) {
            assertTrue(port.poll(c, 0, TimeUnit.SECONDS));
            assertEquals(1000 + i, c.key());
            assertEquals(i, c.bytesTransferred());
            assertEquals(0x10_0000_0000L + i, c.overlappedAddress());
            assertTrue(c.isSuccess());
        }
        assertFalse(port.poll(c, 0, TimeUnit.SECONDS));
    }

    @Test
    void keysAddressesAndByteCountsKeepAll64And32Bits() throws IOException {
        CompletionPort port = open(1);
        long[] values = {Long.MIN_VALUE + 1, -1L, 0x8000_0000_0000_0001L, 0x1234_5678_9ABC_DEF0L, 0L};
        for (long v : values) {
            port.post(v, (int) v, ~v);
        }
        try (CompletionBatch batch = CompletionBatch.allocate(8)) {
            assertEquals(values.length, port.poll(batch, 0, TimeUnit.SECONDS));
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], batch.key(i));
                assertEquals((int) values[i], batch.bytesTransferred(i));
                assertEquals(~values[i], batch.overlappedAddress(i));
                assertEquals(0, batch.errorCode(i));
            }
        }
        port.post(1, -1, 2);
        Completion c = new Completion();
        assertTrue(port.poll(c, 0, TimeUnit.SECONDS));
        assertEquals(0xFFFF_FFFFL, Integer.toUnsignedLong(c.bytesTransferred()));
    }

    @Test
    void aTimeoutReturnsNothing() throws IOException {
        CompletionPort port = open(1);
        Completion c = new Completion();
        assertFalse(port.poll(c, 0, TimeUnit.MILLISECONDS));
        assertFalse(port.poll(c, 20, TimeUnit.MILLISECONDS));
        try (CompletionBatch batch = CompletionBatch.allocate(4)) {
            assertEquals(0, port.poll(batch, 0, TimeUnit.MILLISECONDS));
            assertEquals(0, port.poll(batch, 20, TimeUnit.MILLISECONDS));
            assertEquals(0, batch.size());
        }
    }

    @Test
    void batchesSmallerAndLargerThanTheQueue() throws IOException {
        CompletionPort port = open(1);
        for (int i = 0; i < 10; i++) {
            port.post(i, i, 0);
        }
        try (CompletionBatch small = CompletionBatch.allocate(4); CompletionBatch large = CompletionBatch.allocate(64)) {
            int next = 0;
            for (int expected : new int[] {4, 4, 2}) {
                assertEquals(expected, port.poll(small, 0, TimeUnit.SECONDS));
                assertEquals(expected, small.size());
                for (int i = 0; i < expected; i++) {
                    assertEquals(next++, small.key(i));
                }
            }
            assertEquals(0, port.poll(small, 0, TimeUnit.SECONDS));
            port.post(70, 7, 0);
            port.post(71, 7, 0);
            port.post(72, 7, 0);
            assertEquals(3, port.poll(large, 0, TimeUnit.SECONDS));
            assertEquals(72, large.key(2));
            assertThrows(IndexOutOfBoundsException.class, () -> large.key(3));
            assertThrows(IndexOutOfBoundsException.class, () -> large.errorCode(-1));
        }
    }

    @Test
    void aWaitingThreadIsReleasedByAPost() throws Exception {
        CompletionPort port = open(2);
        AtomicReference<Completion> got = new AtomicReference<>();
        Thread t = start("waiter", () -> {
            Completion c = new Completion();
            assertTrue(port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS));
            got.set(c);
        });
        awaitWaiting(port, 1);
        port.post(42, 7, 99);
        join(t);
        assertEquals(42, got.get().key());
        assertEquals(7, got.get().bytesTransferred());
        assertEquals(99, got.get().overlappedAddress());
    }

    @Test
    void waitingThreadsAreReleasedLastInFirstOut() throws Exception {
        CompletionPort port = open(3);
        WineGap.LIFO_RELEASE.assumeShownOn(port.backend());
        BlockingQueue<String> results = new LinkedBlockingQueue<>();
        CountDownLatch done = new CountDownLatch(1);
        String[] names = {"A", "B", "C"};
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            start(name, () -> {
                Completion c = new Completion();
                assertTrue(port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS));
                results.add(c.key() + "=" + name);
                done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS); // stay out of the port
            });
            awaitWaiting(port, i + 1);
        }
        port.post(1, 0, 0);
        port.post(2, 0, 0);
        port.post(3, 0, 0);
        Map<String, String> byKey = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            String r = results.poll(WATCHDOG_SECONDS, TimeUnit.SECONDS);
            assertNotNull(r, "a waiter was never released");
            byKey.put(r.substring(0, 1), r.substring(2));
        }
        assertEquals(Map.of("1", "C", "2", "B", "3", "A"), byKey, "the last thread to wait is released first");
        done.countDown();
    }

    /**
     * Concurrency 1, two workers A and B. A packet wakes B (the last to wait); a second packet then waits
     * in the queue although A is waiting, and B takes it itself when it polls again; when B says it is
     * about to block, the port releases A with the next packet. Between packets B spins for its orders:
     * on Windows any kernel wait (a park, a blocking queue) stops a thread counting as running, and the
     * port would rightly release A.
     */
    @Test
    void theConcurrencyLimitHoldsPacketsBackUntilARunningThreadPollsOrBlocks() throws Exception {
        CompletionPort port = open(1);
        WineGap.CONCURRENCY_LIMIT.assumeShownOn(port.backend());
        BlockingQueue<String> results = new LinkedBlockingQueue<>();
        BlockingQueue<String> forB = new LinkedBlockingQueue<>();
        CountDownLatch aGotOne = new CountDownLatch(1);

        start("A", () -> {
            Completion c = new Completion();
            port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS);
            results.add("A" + c.key());
            aGotOne.countDown();
            try {
                port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS); // until close
            } catch (PortClosedException expected) {
                // the test closes the port at the end
            }
        });
        awaitWaiting(port, 1);
        start("B", () -> {
            Completion c = new Completion();
            for (;;) {
                if (!port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS)) {
                    return;
                }
                results.add("B" + c.key());
                String order = spinFor(forB);
                if ("block".equals(order)) {
                    boolean released = port.blocking(() -> aGotOne.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
                    results.add("B-blocked-released-A=" + released);
                    return;
                }
            }
        });
        awaitWaiting(port, 2);

        port.post(1, 0, 0);
        assertEquals("B1", results.poll(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        port.post(2, 0, 0); // B is running and the limit is 1: packet 2 must wait although A waits
        Completion probe = new Completion();
        assertFalse(port.poll(probe, 0, TimeUnit.SECONDS), "a third thread got a packet past the limit");
        forB.add("again");
        assertEquals("B2", results.poll(WATCHDOG_SECONDS, TimeUnit.SECONDS), "A was released past the limit");

        port.post(3, 0, 0);
        forB.add("block");
        assertEquals("A3", results.poll(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertEquals("B-blocked-released-A=true", results.poll(WATCHDOG_SECONDS, TimeUnit.SECONDS));
    }

    /** Waits for an order without ever entering a kernel wait, so the port still counts this thread as running. */
    private static String spinFor(BlockingQueue<String> orders) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        for (;;) {
            String order = orders.poll();
            if (order != null || System.nanoTime() - deadline > 0) {
                return order;
            }
            Thread.onSpinWait();
        }
    }

    // ---- close ----

    @Test
    void closeReleasesEveryWaitingThread() throws Exception {
        CompletionPort port = open(2);
        AtomicInteger released = new AtomicInteger();
        int singles = 4;
        int batches = 2;
        for (int i = 0; i < singles + batches; i++) {
            boolean batch = i >= singles;
            start("waiter-" + i, () -> {
                PortClosedException e = assertThrows(PortClosedException.class, () -> {
                    if (batch) {
                        try (CompletionBatch b = CompletionBatch.allocate(16)) {
                            port.poll(b, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                        }
                    } else {
                        port.poll(new Completion(), Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                    }
                });
                assertEquals(735, e.errorCode());
                released.incrementAndGet();
            });
        }
        awaitWaiting(port, singles + batches);
        port.close();
        for (Thread t : started) {
            join(t);
        }
        assertEquals(singles + batches, released.get());
    }

    @Test
    void aClosedPortRefusesEveryCallWithADedicatedException() throws IOException {
        CompletionPort port = open(1);
        port.post(1, 1, 1);
        assertTrue(port.isOpen());
        port.close();
        assertFalse(port.isOpen());
        port.close(); // harmless
        try (CompletionBatch batch = CompletionBatch.allocate(4)) {
            List<PortClosedException> errors = List.of(
                    assertThrows(PortClosedException.class, () -> port.post(1, 1, 1)),
                    assertThrows(PortClosedException.class, () -> port.poll(new Completion(), 0, TimeUnit.SECONDS)),
                    assertThrows(PortClosedException.class, () -> port.poll(batch, 0, TimeUnit.SECONDS)),
                    assertThrows(PortClosedException.class, () -> port.associate(1234, 1)));
            for (PortClosedException e : errors) {
                assertEquals(6, e.errorCode(), e.getMessage());
            }
            // the batch is still usable with another port
            assertEquals(0, batch.size());
        }
    }

    @Test
    void postsRacingACloseEitherLandOrFailWithPortClosed() throws Exception {
        CompletionPort port = open(2);
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch posting = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            start("poster-" + i, () -> {
                posting.countDown();
                try {
                    for (;;) {
                        port.post(1, 2, 3);
                    }
                } catch (PortClosedException e) {
                    assertEquals(6, e.errorCode());
                    refused.incrementAndGet();
                }
            });
        }
        assertTrue(posting.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        port.close();
        for (Thread t : started) {
            join(t);
        }
        assertEquals(4, refused.get());
    }

    // ---- bad input ----

    @Test
    void badArgumentsAreRefusedClearly() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> openPort(-1));
        CompletionPort port = open(1);
        Completion c = new Completion();
        assertThrows(IllegalArgumentException.class, () -> port.poll(c, -1, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> port.poll((Completion) null, 0, TimeUnit.SECONDS));
        assertThrows(NullPointerException.class, () -> port.poll(c, 0, null));
        assertThrows(IllegalArgumentException.class, () -> port.associate(0, 1));
        assertThrows(IllegalArgumentException.class, () -> port.associate(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> CompletionBatch.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> CompletionBatch.allocate(CompletionBatch.MAX_CAPACITY + 1));
        CompletionBatch closed = CompletionBatch.allocate(2);
        closed.close();
        closed.close();
        assertThrows(IllegalStateException.class, () -> port.poll(closed, 0, TimeUnit.SECONDS));
        assertTrue(port.isOpen(), "bad arguments must not harm the port");
        assertEquals(1, port.concurrency());
        assertTrue(open(0).concurrency() >= 1);
    }

    @Test
    void aBatchCannotBeFilledByTwoThreadsOrFreedUnderAPoll() throws Exception {
        CompletionPort port = open(2);
        CompletionBatch batch = CompletionBatch.allocate(8);
        AtomicInteger polled = new AtomicInteger(-1);
        Thread t = start("filler", () -> polled.set(port.poll(batch, WATCHDOG_SECONDS, TimeUnit.SECONDS)));
        awaitWaiting(port, 1);
        IllegalStateException busy = assertThrows(IllegalStateException.class,
                () -> port.poll(batch, 0, TimeUnit.SECONDS));
        assertTrue(busy.getMessage().contains("another thread"), busy.getMessage());
        batch.close(); // deferred: the poll still owns the memory
        port.post(5, 5, 5);
        join(t);
        assertEquals(1, polled.get());
        assertEquals(0, batch.size(), "a batch closed during a poll is freed when the poll returns");
        assertThrows(IllegalStateException.class, () -> port.poll(batch, 0, TimeUnit.SECONDS));
    }

    @Test
    void anInterruptDoesNotAbortAWaitAndIsKept() throws Exception {
        CompletionPort port = open(1);
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread t = start("interrupted", () -> {
            Completion c = new Completion();
            assertTrue(port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS));
            assertEquals(8, c.key());
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        awaitWaiting(port, 1);
        t.interrupt();
        port.post(8, 0, 0);
        join(t);
        assertEquals(Boolean.TRUE, stillInterrupted.get());
    }

    // ---- volume ----

    /**
     * 4 producers and 4 consumers (2 polling singly, 2 in batches) move 1,000,000 packets, each once.
     * Under Wine every port call is a wineserver round trip, so there it moves 100,000: still 25,000 per
     * producer racing 4 consumers, which is the point.
     */
    @Test
    void everyPacketIsDeliveredExactlyOnce() throws Exception {
        CompletionPort port = open(4);
        int producers = 4;
        int perProducer = WineGap.scaled(250_000, 25_000, port.backend());
        int total = producers * perProducer;
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        AtomicInteger received = new AtomicInteger();
        CountDownLatch allReceived = new CountDownLatch(1);

        for (int c = 0; c < 4; c++) {
            boolean batched = c % 2 == 0;
            start("consumer-" + c, () -> {
                Completion one = new Completion();
                try (CompletionBatch batch = CompletionBatch.allocate(64)) {
                    for (;;) {
                        int n;
                        if (batched) {
                            n = port.poll(batch, WATCHDOG_SECONDS, TimeUnit.SECONDS);
                            for (int i = 0; i < n; i++) {
                                record(seen, batch.key(i), batch.overlappedAddress(i), batch.bytesTransferred(i));
                            }
                        } else {
                            n = port.poll(one, WATCHDOG_SECONDS, TimeUnit.SECONDS) ? 1 : 0;
                            if (n == 1) {
                                record(seen, one.key(), one.overlappedAddress(), one.bytesTransferred());
                            }
                        }
                        if (n == 0) {
                            fail("a consumer waited " + WATCHDOG_SECONDS + " s for a packet");
                        }
                        if (received.addAndGet(n) == total) {
                            allReceived.countDown();
                        }
                    }
                } catch (PortClosedException end) {
                    // the test closes the port once everything arrived
                }
            });
        }
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            start("producer-" + p, () -> {
                for (int i = 0; i < perProducer; i++) {
                    int id = base + i;
                    port.post(id, ~id, (long) id << 20);
                }
            });
        }
        assertTrue(allReceived.await(WATCHDOG_SECONDS * 2, TimeUnit.SECONDS),
                "only " + received.get() + " of " + total + " packets arrived");
        port.close();
        for (Thread t : started) {
            join(t);
        }
        assertEquals(total, received.get());
        for (int i = 0; i < total; i++) {
            if (seen.get(i) != 1) {
                fail("packet " + i + " was delivered " + seen.get(i) + " times");
            }
        }
    }

    private static void record(AtomicIntegerArray seen, long key, long overlapped, int bytes) {
        int id = (int) key;
        if (overlapped != (long) id << 20 || bytes != ~id) {
            throw new AssertionError("packet " + id + " came out garbled: " + overlapped + ", " + bytes);
        }
        seen.incrementAndGet(id);
    }
}
