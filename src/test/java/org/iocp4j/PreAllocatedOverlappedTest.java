package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rule for submitting a {@link PreAllocatedOverlapped} again (issue 14, item 11): allowed once its
 * packet is dequeued, from its callback or from another thread while the callback still runs (so two
 * callbacks of one overlapped can overlap); refused while submitted. On whichever backend this platform has.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PreAllocatedOverlappedTest {

    private static final long WATCHDOG_SECONDS = 20;

    private IoDispatcher dispatcher;

    @AfterEach
    void stop() throws Exception {
        if (dispatcher != null) {
            dispatcher.shutdown();
            assertTrue(dispatcher.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        }
    }

    @Test
    void itsCallbackSubmitsItAgainOperationAfterOperation() throws Exception {
        dispatcher = IoDispatcher.builder().name("prealloc-chain").threads(2).build();
        int rounds = 1000;
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        ByteBuffer buffer = ByteBuffer.allocateDirect(8);
        try (PreAllocatedOverlapped ov = dispatcher.preAllocate((e, bytes, o) -> {
            int n = calls.incrementAndGet();
            assertEquals(n, bytes, "each callback sees its own operation's result");
            if (n == rounds) {
                done.countDown();
                return;
            }
            try {
                dispatcher.postCompletion(o, n + 1); // the last thing the callback does with the overlapped
            } catch (IOException | RuntimeException t) {
                failure.set(t);
                done.countDown();
            }
        }, null, buffer)) {
            dispatcher.postCompletion(ov, 1);
            assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "watchdog: " + calls.get() + " of " + rounds);
            assertEquals(null, failure.get());
            awaitCompleted(ov);
        }
        assertEquals(rounds, calls.get());
        assertEquals(0, dispatcher.callbackFailures());
    }

    @Test
    void aSubmitWhileItsCallbackStillRunsIsAllowedAndStartsTheNextCallbackAlongside() throws Exception {
        dispatcher = IoDispatcher.builder().name("prealloc-overlap").threads(2).concurrency(2).build();
        CountDownLatch firstEntered = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        try (PreAllocatedOverlapped ov = dispatcher.preAllocate((e, bytes, o) -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (calls.incrementAndGet() == 1) {
                    firstEntered.countDown();
                    releaseFirst.await(WATCHDOG_SECONDS, TimeUnit.SECONDS);
                } else {
                    secondRan.countDown();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
        }, null)) {
            dispatcher.postCompletion(ov, 1);
            assertTrue(firstEntered.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            assertEquals(NativeOverlapped.Status.COMPLETED, ov.status(), "dequeued: COMPLETED while its callback runs");
            dispatcher.postCompletion(ov, 2); // allowed: the rule is the caller's, see the class comment
            boolean overlapped = secondRan.await(WATCHDOG_SECONDS, TimeUnit.SECONDS);
            releaseFirst.countDown();
            assertTrue(overlapped, "the second callback ran while the first was still running");
            assertEquals(2, mostAtOnce.get());
            awaitCompleted(ov);
        }
        assertEquals(2, calls.get());
    }

    @Test
    void aSubmitWhileSubmittedIsRefused() throws Exception {
        dispatcher = IoDispatcher.builder().name("prealloc-refused").threads(1).build();
        CountDownLatch firstEntered = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        try (PreAllocatedOverlapped ov = dispatcher.preAllocate((e, bytes, o) -> {
            if (calls.incrementAndGet() == 1) {
                firstEntered.countDown();
                try {
                    releaseFirst.await(WATCHDOG_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }, null)) {
            dispatcher.postCompletion(ov, 1);
            assertTrue(firstEntered.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            dispatcher.postCompletion(ov, 2); // the one I/O thread is in the first callback: this packet waits
            try {
                assertEquals(NativeOverlapped.Status.SUBMITTED, ov.status());
                assertThrows(IllegalStateException.class, () -> dispatcher.postCompletion(ov, 3));
            } finally {
                releaseFirst.countDown();
            }
            awaitCompleted(ov);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
            while (calls.get() < 2 && end - System.nanoTime() > 0) {
                Thread.sleep(1);
            }
        }
        assertEquals(2, calls.get(), "the refused submit started nothing");
    }

    private static void awaitCompleted(NativeOverlapped ov) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (ov.status() != NativeOverlapped.Status.COMPLETED) {
            assertTrue(end - System.nanoTime() > 0, "watchdog: the last packet never came");
            Thread.sleep(1);
        }
    }
}
