package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an I/O thread does with the rest of its batch while one callback runs long, or after one died with
 * a VM error (issue 14, items 4 and 8), on whichever backend this platform has.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoDispatcherBatchTest extends DispatcherTestBase {

    @Test
    void aStackOverflowInACallbackLosesNoneOfTheRestOfItsBatch() throws Exception {
        restOfTheBatchSurvives(() -> {
            recurse(0);
            return new AssertionError("the recursion ended");
        });
    }

    @Test
    void anOutOfMemoryErrorThrownByACallbackLosesNoneOfTheRestOfItsBatch() throws Exception {
        restOfTheBatchSurvives(() -> new OutOfMemoryError("thrown by the test's callback"));
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /**
     * Six completions in one batch of a one-thread dispatcher (default batch size); the first callback's
     * error is {@code error}, raised in the callback. The other five must run, and a thread must be left.
     */
    private void restOfTheBatchSurvives(Supplier<Throwable> error) throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        NativeOverlapped holder = d.allocate((e, b, o) -> {
            holding.countDown();
            release.await(WATCHDOG_SECONDS, TimeUnit.SECONDS); // the six queue up behind it: one batch
            o.free();
        }, null);
        d.postCompletion(holder, 0);
        assertTrue(holding.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));

        AtomicReference<Thread> failedOn = new AtomicReference<>();
        NativeOverlapped failing = d.allocate((e, b, o) -> {
            failedOn.set(Thread.currentThread());
            Throwable t = error.get();
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new AssertionError(t);
        }, null);
        CountDownLatch others = new CountDownLatch(5);
        List<NativeOverlapped> rest = new ArrayList<>();
        d.postCompletion(failing, 0);
        for (int i = 0; i < 5; i++) {
            NativeOverlapped op = d.allocate((e, b, o) -> others.countDown(), i);
            rest.add(op);
            d.postCompletion(op, i);
        }
        release.countDown();

        assertTrue(others.await(WATCHDOG_SECONDS, TimeUnit.SECONDS),
                others.getCount() + " of the 5 completions behind the failing callback never ran");
        assertEquals(NativeOverlapped.Status.COMPLETED, failing.status());
        for (NativeOverlapped op : rest) {
            assertEquals(NativeOverlapped.Status.COMPLETED, op.status());
        }
        assertEquals(1, d.callbackFailures());

        // The pool keeps its size: a thread other than the one that died serves new work.
        CountDownLatch served = new CountDownLatch(1);
        AtomicReference<Thread> servedOn = new AtomicReference<>();
        d.execute(() -> {
            servedOn.set(Thread.currentThread());
            served.countDown();
        });
        assertTrue(served.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "no I/O thread serves new work");
        assertNotEquals(failedOn.get(), servedOn.get(), "the thread that threw a VM error went on serving");
        assertEquals(1, d.liveThreads());

        failing.free();
        rest.forEach(NativeOverlapped::free);
        d.close();
        assertTrue(d.isTerminated());
        assertEquals(0, d.abandonedAtShutdown(), "close found operations still pending");
    }

    /**
     * The seeds' experiment with the builder's defaults: CPU-bound completions posted at once, as many
     * threads as CPUs. A thread that dequeued several must not run them one after another while another
     * thread idles: its unclaimed ones go to threads that are free. Checks how they spread over the
     * threads, not when they finished.
     */
    @Test
    void longCallbacksDoNotHoldTheRestOfTheirBatchFromIdleThreads() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        Assumptions.assumeTrue(cpus >= 2, "one CPU: one thread runs everything anyway");
        IoDispatcher d = start(IoDispatcher.builder());
        int requests = 5 * cpus;
        long workNanos = TimeUnit.MILLISECONDS.toNanos(100);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpuClock = mx.isCurrentThreadCpuTimeSupported();
        Map<String, AtomicInteger> byThread = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(requests);
        IoCallback work = (e, b, o) -> {
            try {
                byThread.computeIfAbsent(Thread.currentThread().getName(), n -> new AtomicInteger()).incrementAndGet();
                spin(mx, cpuClock, workNanos);
                o.free();
            } finally {
                done.countDown();
            }
        };
        List<NativeOverlapped> ops = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            ops.add(d.allocate(work, i));
        }
        for (NativeOverlapped op : ops) {
            d.postCompletion(op, 0);
        }
        assertTrue(done.await(WATCHDOG_SECONDS * 3, TimeUnit.SECONDS), done.getCount() + " requests never finished");
        int most = byThread.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
        // A thread holding its batch hostage runs everything after the first wave: requests - (cpus - 1), or
        // one less when another thread took a second packet first (9 and 8 of 10 were seen before the fix).
        // A fair spread gives each thread requests / cpus; the margin between the two absorbs a machine
        // too loaded to give every I/O thread its CPU (7 of 10 was seen once under three parallel builds).
        int hostage = requests - cpus;
        assertTrue(byThread.size() >= 2, "all ran on one thread: " + byThread);
        assertTrue(most < hostage, "one thread ran " + most + " of " + requests + " requests with " + cpus
                + " threads (fewer than " + hostage + " expected): " + byThread);
        assertEquals(0, d.callbackFailures());
    }

    /**
     * Hand-overs race the owner's claims many times: every 200th callback runs past the stall threshold
     * while its thread holds the rest of a batch, and entries moved once may be moved again. Each callback
     * still runs exactly once.
     */
    @Test
    void batchesHandedOverWhileTheirThreadsClaimLoseAndRepeatNothing() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2));
        int total = WineGap.scaled(20_000, 4_000, d.port().backend());
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        CountDownLatch all = new CountDownLatch(total);
        long slowNanos = TimeUnit.MILLISECONDS.toNanos(25);
        IoCallback callback = (e, b, o) -> {
            int id = (Integer) o.state();
            seen.incrementAndGet(id);
            if (id % 200 == 0) {
                long end = System.nanoTime() + slowNanos;
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
            }
            o.free();
            all.countDown();
        };
        for (int i = 0; i < total; i++) {
            Posters.packet(d, d.allocate(callback, i), 0); // packets in the port's batches, not queued posts
        }
        assertTrue(all.await(WATCHDOG_SECONDS * 3, TimeUnit.SECONDS), all.getCount() + " callbacks never ran");
        for (int i = 0; i < total; i++) {
            assertEquals(1, seen.get(i), "callbacks of operation " + i);
        }
        assertTrue(d.deferredPackets() > 0, "no batch was handed over: the test raced nothing");
        assertEquals(0, d.stalePacketsDropped() + d.foreignPacketsDropped());
        assertEquals(0, d.pendingOperations());
    }

    /**
     * A callback that posts its continuation as the last of its batch: on the portable backend its thread
     * takes that packet itself at its next poll rather than waking the other, waiting, thread for it (a
     * wake costs tens of microseconds on an idle machine, the packet far less). Windows' kernel releases
     * the waiting thread, so only the portable backend keeps it.
     */
    @Test
    void aContinuationPostedByTheLastCallbackOfABatchRunsOnItsThread() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2));
        Assumptions.assumeTrue(d.port().backend() == Backend.PORTABLE,
                "Windows' kernel hands a post to the waiting thread; only the portable port keeps it");
        bothThreadsWait(d);
        int hops = 2000;
        Thread[] ranOn = new Thread[hops];
        CountDownLatch done = new CountDownLatch(1);
        IoCallback[] hop = new IoCallback[1];
        hop[0] = (e, b, o) -> {
            int i = (Integer) o.state();
            o.free();
            ranOn[i] = Thread.currentThread();
            if (i + 1 < hops) {
                Posters.packet(d, d.allocate(hop[0], i + 1), 0);
            } else {
                done.countDown();
            }
        };
        Posters.packet(d, d.allocate(hop[0], 0), 0);
        assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "the chain of posts never ended");
        int moved = 0;
        for (int i = 1; i < hops; i++) {
            if (ranOn[i] != ranOn[i - 1]) {
                moved++;
            }
        }
        // Before the keep, 4% to 43% of the hops went to the other thread (it waited or spun, and a post
        // releases the most recent waiter). With it, only a gate look that falls between a post and the
        // next poll hands one over.
        assertTrue(moved < hops / 50, moved + " of " + (hops - 1) + " continuations ran on another thread than"
                + " the one that posted them");
        assertEquals(0, d.pendingOperations());
    }

    /**
     * The keep's limit: a last callback that posts and then runs on (here it waits, without
     * {@link IoDispatcher#blocking}, for the packet it posted to be run) does not hold the packet from the
     * other thread for longer than the gate thread's next stall look.
     */
    @Test
    void aPacketPostedByALongLastCallbackRunsElsewhereMeanwhile() throws Exception {
        // An idle timeout past the watchdog: the waiting thread's poll must not time out and find the packet.
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2)
                .idleTimeout(Duration.ofSeconds(WATCHDOG_SECONDS * 3)));
        bothThreadsWait(d);
        CountDownLatch innerRan = new CountDownLatch(1);
        NativeOverlapped inner = d.allocate((e, b, o) -> innerRan.countDown(), null);
        AtomicReference<Boolean> ranMeanwhile = new AtomicReference<>();
        CountDownLatch outerDone = new CountDownLatch(1);
        NativeOverlapped outer = d.allocate((e, b, o) -> {
            Posters.packet(d, inner, 0);
            ranMeanwhile.set(innerRan.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            outerDone.countDown();
        }, null);
        Posters.packet(d, outer, 0);
        assertTrue(outerDone.await(WATCHDOG_SECONDS * 2, TimeUnit.SECONDS), "the long callback never ended");
        assertEquals(Boolean.TRUE, ranMeanwhile.get(), "the packet waited for the callback that posted it");
        inner.free();
        outer.free();
    }

    /** Until both I/O threads of {@code d} have started and gone back to wait in its port. */
    private static void bothThreadsWait(IoDispatcher d) throws Exception {
        CountDownLatch warm = new CountDownLatch(2);
        d.execute(warm::countDown);
        d.execute(warm::countDown);
        assertTrue(warm.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (d.liveThreads() < 2 || d.stats().busyThreads() > 0) {
            assertTrue(System.nanoTime() - deadline < 0, "the dispatcher's threads never settled");
            Thread.sleep(1);
        }
        Thread.sleep(20); // a thread back from its last batch parks after a few microseconds of looking
    }

    /** Busy for {@code nanos} of this thread's CPU time (of wall time where the JVM has no thread clock). */
    private static void spin(ThreadMXBean mx, boolean cpuClock, long nanos) {
        long start = cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        long x = 1;
        while ((cpuClock ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - start < nanos) {
            for (int i = 0; i < 10_000; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        }
        if (x == 0) {
            throw new AssertionError("xorshift never reaches 0");
        }
    }
}
