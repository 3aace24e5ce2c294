package org.iocp4j.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The thread policy on its own, with a queue standing in for the port. */
class IoThreadPoolTest {

    private static final long WATCHDOG_NANOS = TimeUnit.SECONDS.toNanos(20);

    private final List<IoThreadPool> pools = new ArrayList<>();
    private final List<QueueWork> works = new ArrayList<>();

    /** Runs queued tasks, retires after its idle timeout, ends once closed. */
    static final class QueueWork implements IoThreadPool.Work {
        final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        final long idleNanos;
        final AtomicInteger stallLooks = new AtomicInteger();
        final AtomicInteger ticks = new AtomicInteger();
        volatile boolean closed;

        QueueWork(Duration idle) {
            this.idleNanos = idle.toNanos();
        }

        @Override
        public void run(IoThread self) {
            try {
                for (;;) {
                    Runnable r = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
                    if (closed) {
                        return;
                    }
                    if (r == null) {
                        if (self.tryRetire()) {
                            return;
                        }
                        continue;
                    }
                    self.activity().begin(1);
                    try {
                        r.run();
                    } finally {
                        self.activity().end();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean pending() {
            return !queue.isEmpty();
        }

        @Override
        public void lookForStalls(Set<IoThread> threads) {
            stallLooks.incrementAndGet();
        }

        @Override
        public void tick() {
            ticks.incrementAndGet();
        }
    }

    private IoThreadPool pool(QueueWork work, int min, int max, Duration injection) {
        DispatcherConfig config = DispatcherConfig.builder().name("pool-test").minThreads(min).maxThreads(max)
                .injectionInterval(injection).stallInterval(injection).build();
        IoThreadPool pool = new IoThreadPool(config, 1, work);
        pools.add(pool);
        works.add(work);
        pool.start();
        return pool;
    }

    @AfterEach
    void stopPools() throws InterruptedException {
        for (int i = 0; i < pools.size(); i++) {
            pools.get(i).stop();
            QueueWork work = works.get(i);
            work.closed = true;
            for (int t = 0; t < 16; t++) {
                work.queue.add(() -> { }); // wakes every thread, which then sees closed
            }
            pools.get(i).join();
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WATCHDOG_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void noThreadUntilWorkThenTheMinimumAtOnce() throws Exception {
        QueueWork work = new QueueWork(Duration.ofSeconds(10));
        IoThreadPool pool = pool(work, 3, 5, Duration.ofMillis(50));
        long ticks = pool.gateTicks();
        await(() -> pool.gateTicks() > ticks, "a gate tick");
        assertEquals(0, pool.liveThreads(), "a thread started with no work");
        pool.ensureStarted();
        assertEquals(3, pool.liveThreads());
        List<String> names = new ArrayList<>();
        pool.forEachThread(t -> names.add(t.getName()));
        names.sort(null);
        assertEquals(List.of("pool-test-io-0", "pool-test-io-1", "pool-test-io-2"), names);
        pool.ensureStarted();
        assertEquals(3, pool.liveThreads(), "ensureStarted goes no further than the minimum");
    }

    @Test
    void aMinimumOfZeroStillStartsOneThreadForWork() throws Exception {
        QueueWork work = new QueueWork(Duration.ofSeconds(10));
        IoThreadPool pool = pool(work, 0, 2, Duration.ofMillis(50));
        CountDownLatch ran = new CountDownLatch(1);
        work.queue.add(ran::countDown);
        pool.ensureStarted();
        assertEquals(1, pool.liveThreads());
        assertTrue(ran.await(20, TimeUnit.SECONDS));
    }

    @Test
    void starvationInjectsAThreadUpToTheMaximum() throws Exception {
        QueueWork work = new QueueWork(Duration.ofSeconds(10));
        IoThreadPool pool = pool(work, 1, 2, Duration.ofMillis(20));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        work.queue.add(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        pool.ensureStarted();
        await(() -> pool.busyThreads() == 1, "the first thread to block");
        work.queue.add(secondRan::countDown); // waits: the only thread is busy
        assertTrue(secondRan.await(20, TimeUnit.SECONDS), "no thread was injected for the starving task");
        assertEquals(2, pool.liveThreads());
        assertEquals(1, pool.injectedThreads());

        // Both threads busy and work pending: the maximum holds.
        CountDownLatch release2 = new CountDownLatch(1);
        work.queue.add(() -> {
            try {
                release2.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> pool.busyThreads() == 2, "the second thread to block");
        work.queue.add(() -> { });
        long ticks = pool.gateTicks();
        await(() -> pool.gateTicks() >= ticks + 5, "five gate ticks");
        assertEquals(2, pool.liveThreads(), "a thread past the maximum");
        assertEquals(1, pool.injectedThreads());
        release.countDown();
        release2.countDown();
    }

    @Test
    void nothingIsInjectedWhileThreadsAreIdle() throws Exception {
        QueueWork work = new QueueWork(Duration.ofSeconds(10));
        IoThreadPool pool = pool(work, 1, 4, Duration.ofMillis(10));
        pool.ensureStarted();
        long ticks = pool.gateTicks();
        await(() -> pool.gateTicks() >= ticks + 5, "five gate ticks");
        assertEquals(1, pool.liveThreads());
        assertEquals(0, pool.injectedThreads());
        assertTrue(work.ticks.get() >= 5, "the work's tick runs each gate tick");
    }

    @Test
    void anIdleThreadAboveTheMinimumRetires() throws Exception {
        QueueWork work = new QueueWork(Duration.ofMillis(30));
        IoThreadPool pool = pool(work, 0, 2, Duration.ofMillis(50));
        CountDownLatch ran = new CountDownLatch(1);
        work.queue.add(ran::countDown);
        pool.ensureStarted();
        assertTrue(ran.await(20, TimeUnit.SECONDS));
        await(() -> pool.liveThreads() == 0, "the idle thread to retire");
        assertEquals(1, pool.retiredThreads());
        assertEquals(1, pool.dequeued(), "a retired thread's count was lost");
        pool.ensureStarted(); // work again: a new thread
        assertEquals(1, pool.liveThreads());
    }

    @Test
    void theMinimumStaysWhenIdle() throws Exception {
        QueueWork work = new QueueWork(Duration.ofMillis(10));
        IoThreadPool pool = pool(work, 2, 3, Duration.ofMillis(50));
        pool.ensureStarted();
        Thread.sleep(100); // ten idle timeouts
        assertEquals(2, pool.liveThreads());
        assertEquals(0, pool.retiredThreads());
    }

    @Test
    void aThreadEndedByAnErrorIsReplaced() throws Exception {
        QueueWork work = new QueueWork(Duration.ofSeconds(10));
        IoThreadPool pool = pool(work, 1, 1, Duration.ofMillis(50));
        work.queue.add(() -> {
            throw new StackOverflowError("from the test's task");
        });
        pool.ensureStarted(); // its thread ends with the error (printed by the default handler)
        await(() -> pool.replacedThreads() == 1, "a replacement");
        assertEquals(1, pool.liveThreads());
        CountDownLatch ran = new CountDownLatch(1);
        work.queue.add(ran::countDown);
        assertTrue(ran.await(20, TimeUnit.SECONDS), "the replacement does not run work");
        List<String> names = new ArrayList<>();
        pool.forEachThread(t -> names.add(t.getName()));
        assertEquals(List.of("pool-test-io-1"), names);
    }

    @Test
    void stallLooksComeEveryStallPeriodOnlyWhileAThreadIsBusy() throws Exception {
        QueueWork work = new QueueWork(Duration.ofSeconds(10));
        DispatcherConfig config = DispatcherConfig.builder().name("pool-test").minThreads(1).maxThreads(1)
                .injectionInterval(Duration.ofSeconds(5)).stallInterval(Duration.ofMillis(5)).build();
        IoThreadPool pool = new IoThreadPool(config, 1, work);
        pools.add(pool);
        works.add(work);
        pool.start();
        pool.ensureStarted();
        Thread.sleep(100);
        int idleLooks = work.stallLooks.get();
        assertTrue(idleLooks <= 1, "the gate thread looked for stalls " + idleLooks + " times with no thread busy");
        CountDownLatch release = new CountDownLatch(1);
        work.queue.add(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        await(() -> work.stallLooks.get() >= idleLooks + 5, "stall looks while a thread is busy");
        release.countDown();
    }

    @Test
    void stopStartsNothingMoreAndEndsTheGateThread() throws Exception {
        QueueWork work = new QueueWork(Duration.ofSeconds(10));
        IoThreadPool pool = pool(work, 2, 2, Duration.ofMillis(20));
        pool.stop();
        pool.ensureStarted();
        assertEquals(0, pool.liveThreads(), "a thread started after stop");
        long ticks = pool.gateTicks();
        Thread.sleep(100);
        assertEquals(ticks, pool.gateTicks(), "the gate thread still ticks after stop");
        pool.join(); // no thread, and the gate thread ended: returns
        assertFalse(work.closed);
    }

    @Test
    void theConfigResolvesTheThreadBounds() {
        DispatcherConfig config = DispatcherConfig.builder().minThreads(3).maxThreads(2).build();
        assertEquals(2, config.minThreads(8), "an explicit maximum lowers the minimum");
        DispatcherConfig defaults = DispatcherConfig.builder().build();
        assertEquals(4, defaults.minThreads(4), "the port's concurrency is the default minimum");
        assertEquals(250 * Runtime.getRuntime().availableProcessors(), defaults.maxThreads(4));
    }
}
