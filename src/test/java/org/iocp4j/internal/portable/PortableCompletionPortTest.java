package org.iocp4j.internal.portable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.Backend;
import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.CompletionPortContract;
import org.iocp4j.PortClosedException;
import org.iocp4j.internal.Win32Errors;
import org.junit.jupiter.api.Test;

/** The contract on the portable port, plus what only the portable port can be asked directly. */
class PortableCompletionPortTest extends CompletionPortContract {

    @Override
    protected CompletionPort openPort(int concurrency) {
        return new PortableCompletionPort(concurrency);
    }

    @Override
    protected void awaitWaiting(CompletionPort port, int n) throws InterruptedException {
        awaitAtLeast(((PortableCompletionPort) port)::waitingThreads, n);
    }

    @Test
    void itIsThePortableBackend() {
        PortableCompletionPort port = new PortableCompletionPort(0);
        assertEquals(Backend.PORTABLE, port.backend());
        assertEquals(Runtime.getRuntime().availableProcessors(), port.concurrency());
        port.close();
    }

    @Test
    void aFailedOperationsPacketKeepsItsErrorAndEverythingElse() throws Exception {
        PortableCompletionPort port = (PortableCompletionPort) open(1);
        port.postCompletion(7, 12, 0xABCDEF, Win32Errors.ERROR_HANDLE_EOF);
        port.postCompletion(8, 0, 0x123456, Win32Errors.ERROR_OPERATION_ABORTED);
        Completion c = new Completion();
        assertTrue(port.poll(c, 0, TimeUnit.SECONDS));
        assertFalse(c.isSuccess());
        assertEquals(38, c.errorCode());
        assertEquals(7, c.key());
        assertEquals(12, c.bytesTransferred());
        assertEquals(0xABCDEF, c.overlappedAddress());
        try (CompletionBatch batch = CompletionBatch.allocate(4)) {
            assertEquals(1, port.poll(batch, 0, TimeUnit.SECONDS));
            assertEquals(995, batch.errorCode(0));
            assertFalse(batch.isSuccess(0));
            assertEquals(0x123456, batch.overlappedAddress(0));
        }
    }

    @Test
    void associatingAnOsHandleIsUnsupportedAndSaysWhy() throws Exception {
        CompletionPort port = open(1);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> port.associate(0x44, 1));
        assertTrue(e.getMessage().contains("native backend needs Windows"), e.getMessage());
    }

    @Test
    void exactCountsWhileTheLimitHoldsAPacketBack() throws Exception {
        PortableCompletionPort port = (PortableCompletionPort) open(1);
        CountDownLatch finish = new CountDownLatch(1);
        String[] names = {"first", "second"};
        for (int i = 0; i < names.length; i++) {
            start(names[i], () -> {
                try {
                    port.poll(new Completion(), WATCHDOG_SECONDS, TimeUnit.SECONDS);
                    finish.await(WATCHDOG_SECONDS, TimeUnit.SECONDS);
                } catch (PortClosedException end) {
                    // the thread that never got a packet leaves when the test closes the port
                }
            });
            awaitWaiting(port, i + 1);
        }
        port.post(1, 0, 0); // handed to "second" under the lock: counts are exact when post returns
        port.post(2, 0, 0);
        assertEquals(1, port.runningThreads());
        assertEquals(1, port.queuedPackets());
        assertEquals(1, port.waitingThreads());
        finish.countDown();
        port.close();
        assertEquals(0, port.queuedPackets());
        assertEquals(0, port.waitingThreads());
    }

    @Test
    void aRunningThreadThatDiesGivesBackItsSlot() throws Exception {
        PortableCompletionPort port = (PortableCompletionPort) open(1);
        port.post(1, 0, 0);
        Thread dies = start("dies-while-running", () -> assertTrue(port.poll(new Completion(), 0, TimeUnit.SECONDS)));
        join(dies);
        assertEquals(1, port.runningThreads(), "the dead thread still counts until someone notices");
        port.post(2, 0, 0);
        Completion c = new Completion();
        assertTrue(port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS), "the dead thread's slot was never given back");
        assertEquals(2, c.key());
    }

    /**
     * {@code keepNextPost}: a running thread's next post stays queued for its next poll instead of releasing
     * the waiter; only that one post (the next releases the waiter, with the oldest packet); and
     * {@code releaseKept} (the dispatcher's gate thread, for a callback that runs on) hands a kept packet to
     * the waiter after all.
     */
    @Test
    void aKeptPostWaitsForTheNextPollOfItsThreadOneAtMostUntilReleased() throws Exception {
        PortableCompletionPort port = (PortableCompletionPort) open(2);
        port.post(1, 0, 0);
        Completion c = new Completion();
        assertTrue(port.poll(c, 0, TimeUnit.SECONDS)); // this thread now runs on the port, 1 of 2
        AtomicInteger waiterGot = new AtomicInteger();
        Thread waiter = startWaiter(port, waiterGot);

        port.keepNextPost();
        port.post(2, 0, 0);
        assertEquals(1, port.waitingThreads(), "the kept post released the waiter");
        assertEquals(1, port.queuedPackets());
        assertTrue(port.poll(c, 0, TimeUnit.SECONDS));
        assertEquals(2, c.key(), "the poll after the keep took the kept packet");
        assertEquals(1, port.waitingThreads());

        port.keepNextPost();
        port.post(3, 0, 0);
        port.post(4, 0, 0);
        join(waiter);
        assertEquals(3, waiterGot.get(), "the second post did not release the waiter (with the oldest packet)");
        assertTrue(port.poll(c, 0, TimeUnit.SECONDS));
        assertEquals(4, c.key());

        waiter = startWaiter(port, waiterGot);
        port.keepNextPost();
        port.post(5, 0, 0);
        assertEquals(1, port.queuedPackets());
        port.releaseKept();
        join(waiter);
        assertEquals(5, waiterGot.get(), "releaseKept did not hand the kept packet to the waiter");
        assertEquals(0, port.queuedPackets());
    }

    /** Starts a thread that waits in {@code port} and puts the key of the packet it gets into {@code got}. */
    private Thread startWaiter(PortableCompletionPort port, AtomicInteger got) throws InterruptedException {
        Thread waiter = start("waiter", () -> {
            Completion w = new Completion();
            if (port.poll(w, WATCHDOG_SECONDS, TimeUnit.SECONDS)) {
                got.set((int) w.key());
            }
        });
        awaitWaiting(port, 1);
        return waiter;
    }

    @Test
    void pollingAnotherPortEndsTheRunningSlotOnTheFirst() throws Exception {
        PortableCompletionPort first = (PortableCompletionPort) open(1);
        CompletionPort second = open(1);
        AtomicInteger waiterGot = new AtomicInteger();
        first.post(1, 0, 0);
        Completion c = new Completion();
        assertTrue(first.poll(c, 0, TimeUnit.SECONDS)); // this thread now runs on `first`
        start("waiter", () -> {
            Completion w = new Completion();
            first.poll(w, WATCHDOG_SECONDS, TimeUnit.SECONDS);
            waiterGot.set((int) w.key());
        });
        awaitWaiting(first, 1);
        first.post(2, 0, 0);
        assertEquals(1, first.queuedPackets(), "held back: this thread still runs on the first port");
        assertFalse(second.poll(c, 0, TimeUnit.SECONDS)); // moves this thread to the second port
        for (Thread t : started) {
            join(t);
        }
        assertEquals(2, waiterGot.get());
    }

    @Test
    void packetsBeyondTheLockFreeRingOverflowInOrderAndNoneIsLost() throws Exception {
        PortableCompletionPort port = (PortableCompletionPort) open(2);
        int n = PortableCompletionPort.RING_CAPACITY * 2 + 17;
        for (int i = 0; i < n; i++) {
            port.postCompletion(i, i, 0x40L * i, i & 7);
        }
        assertEquals(n, port.queuedPackets());
        Completion one = new Completion();
        int next = 0;
        try (CompletionBatch batch = CompletionBatch.allocate(1000)) {
            while (next < n) {
                if ((next & 1) == 0) {
                    assertTrue(port.poll(one, 0, TimeUnit.SECONDS));
                    assertPacket(next++, one.key(), one.bytesTransferred(), one.overlappedAddress(), one.errorCode());
                } else {
                    int got = port.poll(batch, 0, TimeUnit.SECONDS);
                    assertTrue(got > 0, "packets left: " + (n - next));
                    for (int j = 0; j < got; j++) {
                        assertPacket(next++, batch.key(j), batch.bytesTransferred(j), batch.overlappedAddress(j),
                                batch.errorCode(j));
                    }
                }
            }
        }
        assertEquals(0, port.queuedPackets());
        assertFalse(port.poll(one, 0, TimeUnit.SECONDS));
        port.post(5, 6, 7); // the ring takes packets again once the overflow drained
        assertTrue(port.poll(one, 0, TimeUnit.SECONDS));
        assertEquals(5, one.key());
    }

    private static void assertPacket(int i, long key, int bytes, long overlapped, int error) {
        assertEquals(i, key, "FIFO order");
        assertEquals(i, bytes);
        assertEquals(0x40L * i, overlapped);
        assertEquals(i & 7, error);
    }

    @Test
    void concurrentPostersOverflowingKeepTheirOwnOrder() throws Exception {
        PortableCompletionPort port = (PortableCompletionPort) open(1);
        int posters = 4;
        int each = PortableCompletionPort.RING_CAPACITY; // together four times the ring
        CountDownLatch halfPosted = new CountDownLatch(posters);
        Thread[] threads = new Thread[posters];
        for (int p = 0; p < posters; p++) {
            long id = p;
            threads[p] = start("poster-" + p, () -> {
                for (int i = 0; i < each; i++) {
                    port.post(id << 32 | i, 0, 0);
                    if (i == each / 2) {
                        halfPosted.countDown();
                    }
                }
            });
        }
        assertTrue(halfPosted.await(30, TimeUnit.SECONDS));
        int[] expected = new int[posters];
        int total = 0;
        try (CompletionBatch batch = CompletionBatch.allocate(64)) {
            while (total < posters * each) {
                int got = port.poll(batch, 30, TimeUnit.SECONDS);
                assertTrue(got > 0, "a packet went missing after " + total);
                for (int j = 0; j < got; j++) {
                    int p = (int) (batch.key(j) >>> 32);
                    assertEquals(expected[p]++, (int) batch.key(j), "poster " + p + " out of order");
                }
                total += got;
            }
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(0, port.queuedPackets());
    }
}
