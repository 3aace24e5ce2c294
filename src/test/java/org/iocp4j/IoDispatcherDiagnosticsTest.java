package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 5 on the dispatcher: counters, backpressure, leak reports, JMX, the periodic report (JFR: IoDispatcherJfrTest). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoDispatcherDiagnosticsTest extends DispatcherTestBase {

    /**
     * Holds the dispatcher's only I/O thread in a task until released: nobody drains meanwhile. A running
     * task has left the task queue, so the whole capacity is left for queued work.
     */
    static CountDownLatch block(IoDispatcher d) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        d.execute(() -> {
            running.countDown();
            try {
                release.await(WATCHDOG_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        return release;
    }

    @Test
    void countersAreExactAfterAKnownWorkload() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().name("counted").threads(2).concurrency(2));
        int tasks = 1000;
        int reuses = 50;
        CountDownLatch done = new CountDownLatch(tasks + 10 * reuses);
        for (int i = 0; i < tasks; i++) {
            d.execute(done::countDown);
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        List<PreAllocatedOverlapped> ring = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ring.add(d.preAllocate((e, b, o) -> done.countDown(), null, buffer));
        }
        assertEquals(10 * 4096L, d.pinnedBytes());
        for (int r = 0; r < reuses; r++) {
            for (PreAllocatedOverlapped o : ring) {
                while (o.status() == NativeOverlapped.Status.SUBMITTED) {
                    Thread.onSpinWait();
                }
                d.postCompletion(o, 1);
            }
        }
        assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        for (PreAllocatedOverlapped o : ring) {
            while (o.status() == NativeOverlapped.Status.SUBMITTED) {
                Thread.onSpinWait();
            }
        }
        // A helper's wake-up (a drain that ran long calls one in) may still be on its way to a thread when the
        // last callback returns: the counts are exact once the port has handed over every packet.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (d.dequeuedPackets() != d.taskWakeups() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        DispatcherStats s = d.stats();
        assertEquals(tasks, s.queuedTasks());
        assertTrue(s.taskWakeups() >= 1 && s.taskWakeups() <= tasks, "wake-ups " + s.taskWakeups());
        assertEquals(10L * reuses + s.taskWakeups(), s.postedPackets(), "the posts, and the task queue's wake-ups");
        assertEquals(s.taskWakeups(), s.dequeuedPackets(), "only the wake-ups rode the port: posts ride the task queue");
        long batches = Arrays.stream(s.batchSizes()).sum();
        assertTrue(batches >= 1 && batches <= s.dequeuedPackets(), Arrays.toString(s.batchSizes()));
        assertEquals(10, s.outstandingOperations());
        assertEquals(0, s.submittedOperations());
        assertEquals(0, s.outstandingTasks());
        assertEquals(40960, s.pinnedBytes());
        assertEquals(0, s.rejectedPosts() + s.callbackFailures() + s.stalePacketsDropped() + s.foreignPacketsDropped());
        assertEquals(0, s.queueDepth().orElse(0));
        assertTrue(s.toString().contains("posted " + s.postedPackets() + ", dequeued " + s.taskWakeups()
                + " ") && s.toString().contains("tasks 1000 (" + s.taskWakeups() + " wake-ups)"), s.toString());
        ring.forEach(PreAllocatedOverlapped::close);
        assertEquals(0, d.pinnedBytes());
        assertEquals(0, d.stats().outstandingOperations());
    }

    @Test
    void postedPacketsAreCountedWhileQueuedAndOnceDispatched() throws Exception {
        // The posting thread counts nothing: a queued post is found by the snapshot's scan, a dispatched
        // one by the I/O thread. Either way, each post once.
        IoDispatcher d = start(IoDispatcher.builder().threads(1));
        CountDownLatch release = block(d);
        CountDownLatch done = new CountDownLatch(5);
        List<NativeOverlapped> posted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            NativeOverlapped o = d.allocate((e, b, ov) -> done.countDown(), null);
            posted.add(o);
            d.postCompletion(o, 0);
        }
        long wakeups = d.taskWakeups(); // the first post's among them: the blocked thread took the last one
        assertEquals(5 + wakeups, d.postedPackets(), "queued behind the blocked thread");
        release.countDown();
        assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        posted.forEach(NativeOverlapped::free);
        assertEquals(5 + d.taskWakeups(), d.postedPackets(), "dispatched"); // the drain's own wake-ups too
        assertEquals(d.postedPackets(), d.stats().postedPackets());
    }

    @Test
    void aMillionTasksWithNobodyDrainingStayInsideTheBoundAndNoAcceptedOneIsLost() throws Exception {
        int capacity = 1000;
        IoDispatcher d = start(IoDispatcher.builder().threads(1).capacity(capacity));
        CountDownLatch release = block(d);
        AtomicInteger ran = new AtomicInteger();
        int accepted = 0;
        int flood = 1_000_000;
        for (int i = 0; i < flood; i++) {
            try {
                d.execute(ran::incrementAndGet);
                accepted++;
            } catch (RejectedExecutionException e) {
                // counted by the dispatcher
            }
        }
        assertEquals(capacity, accepted, "the bound");
        assertEquals(flood - accepted, d.rejectedPosts());
        DispatcherStats during = d.stats();
        assertTrue(during.queueDepth().orElse(0) <= capacity, during.toString());
        assertEquals(capacity, during.outstandingTasks());
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (ran.get() < accepted && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(accepted, ran.get(), "every accepted task ran");
        d.execute(ran::incrementAndGet); // and the dispatcher takes work again
    }

    @Test
    void theBlockingPolicyWaitsForRoomThenProceeds() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).capacity(2)
                .overloadPolicy(OverloadPolicy.block(Duration.ofSeconds(WATCHDOG_SECONDS))));
        CountDownLatch release = block(d);
        CountDownLatch secondRan = new CountDownLatch(2);
        d.execute(secondRan::countDown); // both slots taken by queued tasks
        d.execute(secondRan::countDown);
        CountDownLatch thirdPosted = new CountDownLatch(1);
        Thread poster = new Thread(() -> {
            d.execute(() -> { });
            thirdPosted.countDown();
        }, "blocked-poster");
        poster.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (poster.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.TIMED_WAITING, poster.getState(), "the poster waits for room");
        assertEquals(1, thirdPosted.getCount());
        release.countDown(); // the blocked task ends, the queued one runs: room is made
        assertTrue(thirdPosted.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertTrue(secondRan.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, d.rejectedPosts());
    }

    @Test
    void theBlockingPolicyGivesUpAtItsLimitAndCounts() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).capacity(1)
                .overloadPolicy(OverloadPolicy.block(Duration.ofMillis(30))));
        CountDownLatch release = block(d);
        d.execute(() -> { }); // the only slot, queued
        assertThrows(RejectedExecutionException.class, () -> d.execute(() -> { }));
        assertEquals(1, d.rejectedPosts());
        release.countDown();
    }

    @Test
    void aCallersPolicySeesTheBoundAndDecides() throws Exception {
        List<String> seen = new ArrayList<>();
        PreAllocatedOverlapped[] spare = new PreAllocatedOverlapped[1];
        IoDispatcher d = start(IoDispatcher.builder().threads(1).capacity(1).overloadPolicy(o -> {
            seen.add(o.bound() + "#" + o.attempts());
            if (spare[0] != null) {
                spare[0].close(); // make room, then try again
                spare[0] = null;
                return true;
            }
            return false;
        }));
        spare[0] = d.preAllocate((e, b, o) -> { }, null);
        NativeOverlapped got = d.allocate((e, b, o) -> { }, null); // the policy frees the spare
        assertThrows(IllegalStateException.class, () -> d.allocate((e, b, o) -> { }, null));
        assertEquals(List.of("OPERATIONS#1", "OPERATIONS#1"), seen);
        assertEquals(1, d.rejectedPosts());
        got.free();
    }

    @Test
    void aPolicyThatThrowsOnALaterAttemptIsCountedAsARejection() throws Exception {
        int[] calls = new int[1];
        IoDispatcher d = start(IoDispatcher.builder().threads(1).capacity(1).overloadPolicy(o -> {
            if (++calls[0] == 1) {
                return true; // try again: the slot is still taken
            }
            throw new IllegalStateException("the policy gives up by throwing");
        }));
        NativeOverlapped held = d.allocate((e, b, o) -> { }, null);
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> d.allocate((e, b, o) -> { }, null));
        assertEquals("the policy gives up by throwing", thrown.getMessage());
        assertEquals(2, calls[0]);
        assertEquals(1, d.rejectedPosts(), "a throw after a first 'try again' was not counted as a rejection");
        held.free();
    }

    @Test
    void pinnedBytesAreBounded() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).maxPinnedBytes(8192));
        NativeOverlapped a = d.allocate((e, b, o) -> { }, null, ByteBuffer.allocateDirect(4096));
        NativeOverlapped b = d.allocate((e, b2, o) -> { }, null, ByteBuffer.allocateDirect(4096));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> d.allocate((e, b3, o) -> { }, null, ByteBuffer.allocateDirect(1)));
        assertTrue(refused.getMessage().contains("maxPinnedBytes"), refused.getMessage());
        assertEquals(1, d.rejectedPosts());
        assertEquals(8192, d.stats().pinnedBytes());
        a.free();
        NativeOverlapped c = d.allocate((e, b3, o) -> { }, null, ByteBuffer.allocateDirect(4096));
        b.free();
        c.free();
        assertEquals(0, d.pinnedBytes());
    }

    @Test
    void aLeakIsReportedWithTheAllocatingMethodInItsStack() throws Exception {
        assertEquals(LeakDetection.PARANOID, LeakDetection.level(), "the suite runs paranoid (pom.xml)");
        IoDispatcher d = start(IoDispatcher.builder().threads(1).jmx(false));
        LeakGuard.expect(1);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        String log = captureStderr(seen, () -> {
            leakOneFromHere(d);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
            while (d.leakedOverlapped() == 0 && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            // The Cleaner thread logs right after counting: wait for its line, not for a fixed time.
            while (!seen.toString(StandardCharsets.UTF_8).contains("leakOneFromHere") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        });
        assertEquals(1, d.leakedOverlapped());
        assertTrue(log.contains("LEAK"), log);
        assertTrue(log.contains("leakOneFromHere"), "the allocating method is in the report:\n" + log);
    }

    private static void leakOneFromHere(IoDispatcher d) {
        d.allocate((e, b, o) -> { }, null);
    }

    @Test
    void outstandingOperationsAreListedWithAgeAndCallSite() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).jmx(false));
        NativeOverlapped o = d.allocate((e, b, x) -> { }, null);
        o.submit(); // as before a Win32 call; no packet will come
        List<OutstandingOperation> all = d.outstandingOlderThan(Duration.ZERO);
        assertEquals(1, all.size(), all.toString());
        OutstandingOperation op = all.get(0);
        assertEquals(o.address(), op.address());
        assertEquals("operation", op.kind());
        assertTrue(op.age().isPresent());
        assertTrue(op.allocated().isPresent() && op.lastTouch().isPresent(), "paranoid records both");
        assertTrue(op.toString().contains("IoDispatcherDiagnosticsTest"), op.toString());
        assertTrue(d.outstandingOlderThan(Duration.ofDays(1)).isEmpty());
        o.abortSubmit();
        o.free();
    }

    @Test
    void theMBeanShowsTheCountersWhileTheDispatcherRuns() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().name("jmx-test").threads(1));
        CountDownLatch ran = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            d.execute(ran::countDown);
        }
        assertTrue(ran.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.iocp4j:type=IoDispatcher,name=\"jmx-test\"");
        assertEquals(3L, server.getAttribute(name, "QueuedTasks"));
        long wakeups = (Long) server.getAttribute(name, "TaskWakeups");
        assertTrue(wakeups >= 1 && wakeups <= 3, "wake-ups " + wakeups);
        assertEquals(wakeups, server.getAttribute(name, "PostedPackets"));
        assertEquals(0L, server.getAttribute(name, "RejectedPosts"));
        d.shutdown();
        assertTrue(d.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertThrows(InstanceNotFoundException.class, () -> server.getAttribute(name, "PostedPackets"));
    }

    @Test
    void thePeriodicReportIsLogged() throws Exception {
        String log = captureStderr(() -> {
            IoDispatcher d = start(IoDispatcher.builder().name("reported").threads(1).jmx(false)
                    .injectionInterval(Duration.ofMillis(10)).reportInterval(Duration.ofMillis(10)));
            d.execute(() -> { });
            long ticks = d.gateChecks();
            while (d.gateChecks() < ticks + 5) {
                Thread.sleep(5);
            }
        });
        assertTrue(log.contains("dispatcher reported (PORTABLE)") || log.contains("dispatcher reported (NATIVE)"), log);
    }

    private interface Body {
        void run() throws Exception;
    }

    /** What the SLF4J simple logger (configured for System.err) printed while {@code body} ran. */
    private static String captureStderr(Body body) throws Exception {
        return captureStderr(new ByteArrayOutputStream(), body);
    }

    /** As {@link #captureStderr(Body)}, into {@code bytes}, which the body may watch. */
    private static String captureStderr(ByteArrayOutputStream bytes, Body body) throws Exception {
        PrintStream original = System.err;
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        original.print(s);
        return s;
    }
}
