package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plain tasks ({@link IoDispatcher#execute}): their queue, the wake-up packets that carry them through the
 * port, their turn beside I/O completions, and shutdown with tasks queued.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoDispatcherTasksTest extends DispatcherTestBase {

    @Override
    DispatcherBuilder configure(DispatcherBuilder builder) {
        return builder.jmx(false);
    }

    /** Holds one I/O thread in a task until released; returns once it runs. */
    private static CountDownLatch block(IoDispatcher d) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        d.execute(() -> {
            running.countDown();
            await(release);
        });
        assertTrue(running.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        return release;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WATCHDOG_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void eightPostersAMillionTasksEachRunExactlyOnce() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2).capacity(1 << 12));
        int posters = 8;
        int perPoster = 125_000;
        int total = posters * perPoster;
        AtomicIntegerArray ran = new AtomicIntegerArray(total);
        Semaphore inFlight = new Semaphore(1 << 12); // the queue's bound: no post is refused
        CountDownLatch all = new CountDownLatch(total);
        Posters.run(posters, perPoster, TimeUnit.SECONDS.toMillis(WATCHDOG_SECONDS * 4), id -> {
            inFlight.acquire();
            d.execute(() -> {
                ran.incrementAndGet(id);
                inFlight.release();
                all.countDown();
            });
        });
        assertTrue(all.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), all.getCount() + " tasks never ran");
        for (int i = 0; i < total; i++) {
            assertEquals(1, ran.get(i), "task " + i);
        }
        assertEquals(total, d.queuedTasks());
        assertEquals(0, d.pendingOperations());
        assertTrue(d.taskWakeups() <= total, "at most one wake-up per task");
    }

    /**
     * A drain whose batch ends with tasks left and no packet waiting in the port runs its next batch at once,
     * instead of posting its wake-up behind nothing and polling it back: 1,600 tasks in batches of 16 take
     * the one wake-up that started them (and a helper's, if the drain calls one in), not one more per batch
     * (100 before). With one thread as with two: a helper's wake-up waiting in the port is one of the
     * queues' own, so the drain does not make way for it either.
     */
    @Test
    void aDrainWithNothingWaitingInThePortGoesOnWithoutARoundTripThroughIt() throws Exception {
        for (int threads = 1; threads <= 2; threads++) {
            IoDispatcher d = start(IoDispatcher.builder().threads(threads).concurrency(threads).batchSize(16));
            Assumptions.assumeTrue(d.port().backend() == Backend.PORTABLE, "Windows' kernel port cannot be looked"
                    + " into: a drain there goes back to the port after each batch");
            int tasks = 16 * 100;
            CountDownLatch all = new CountDownLatch(tasks);
            d.execute(() -> {
                for (int i = 0; i < tasks; i++) {
                    d.execute(all::countDown); // queued behind this task, in the drain that runs it
                }
            });
            assertTrue(all.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), all.getCount() + " tasks never ran");
            assertTrue(d.taskWakeups() <= 10, threads + " thread(s), wake-ups: " + d.taskWakeups() + " for "
                    + tasks / 16 + " batches: " + d.stats());
        }
    }

    @Test
    void onOneThreadTasksRunInTheOrderQueued() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).batchSize(8));
        CountDownLatch release = block(d);
        List<Integer> order = new ArrayList<>(); // one I/O thread: no race
        CountDownLatch done = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            int id = i;
            d.execute(() -> {
                order.add(id);
                done.countDown();
            });
        }
        release.countDown();
        assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        for (int i = 0; i < 100; i++) {
            assertEquals(i, order.get(i));
        }
    }

    @Test
    void aFloodOfTasksDoesNotStarveIoCompletions() throws Exception {
        int batch = 16;
        IoDispatcher d = start(IoDispatcher.builder().threads(1).batchSize(batch).capacity(10_000));
        CountDownLatch release = block(d);
        AtomicInteger tasksRun = new AtomicInteger();
        int flood = 5_000;
        for (int i = 0; i < flood; i++) {
            d.execute(tasksRun::incrementAndGet);
        }
        AtomicInteger seenByCompletion = new AtomicInteger(-1);
        CountDownLatch completed = new CountDownLatch(1);
        NativeOverlapped o = d.allocate((e, b, ov) -> {
            seenByCompletion.set(tasksRun.get());
            ov.free();
            completed.countDown();
        }, null);
        d.postCompletion(o, 0); // behind one wake-up for the 5,000 tasks
        release.countDown();
        assertTrue(completed.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        int before = seenByCompletion.get();
        // The blocked drain finishes its batch, the next wake-up (queued before the packet) runs one more
        // batch, then the packet's turn comes: it does not wait for all 5,000.
        assertTrue(before <= 2 * batch, "the completion waited for " + before + " tasks");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (tasksRun.get() < flood && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(flood, tasksRun.get(), "and every task still ran");
    }

    @Test
    void aTaskThatBlocksDoesNotHoldUpTheQueueWhileAnotherThreadIsFree() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2));
        CountDownLatch release = block(d);
        CountDownLatch rest = new CountDownLatch(1000);
        for (int i = 0; i < 1000; i++) {
            d.execute(rest::countDown);
        }
        assertTrue(rest.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), rest.getCount() + " tasks waited for the blocked one");
        release.countDown();
    }

    @Test
    void aBurstOfSlowTasksIsSpreadOverTheThreads() throws Exception {
        // Queued faster than a thread wakes up: one wake-up packet for all 20. The drain that takes it
        // calls a second thread in once it has run for a while with tasks left.
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2).injectionInterval(Duration.ofHours(1)));
        d.execute(() -> { }); // the threads are up and waiting in the port
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            d.execute(() -> {
                threads.add(Thread.currentThread().getName());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            });
        }
        assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertEquals(2, threads.size(), "ran on " + threads);
    }

    @Test
    void aTaskThatSaysItBlocksHandsTheQueueToAnotherThread() throws Exception {
        // One thread at a time may run (concurrency 1), two exist: the second runs only while the first
        // says it blocks.
        IoDispatcher d = start(IoDispatcher.builder().concurrency(1).minThreads(2).maxThreads(2)
                .injectionInterval(Duration.ofHours(1)));
        CountDownLatch rest = new CountDownLatch(100);
        CountDownLatch blocked = new CountDownLatch(1);
        d.execute(() -> {
            blocked.countDown();
            try {
                IoDispatcher.blocking(() -> rest.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(blocked.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        for (int i = 0; i < 100; i++) {
            d.execute(rest::countDown);
        }
        assertTrue(rest.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), rest.getCount() + " tasks waited for the blocked one");
        assertEquals(0, d.injectedThreads());
    }

    @Test
    void shutdownRunsTheQueuedTasks() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).shutdownTimeout(Duration.ofSeconds(WATCHDOG_SECONDS)));
        CountDownLatch release = block(d);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 500; i++) {
            d.execute(ran::incrementAndGet);
        }
        d.shutdown();
        assertFalse(d.awaitTermination(50, TimeUnit.MILLISECONDS), "shutdown waits for queued tasks");
        release.countDown();
        assertTrue(d.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertEquals(500, ran.get());
        assertEquals(0, d.tasksDroppedAtShutdown());
    }

    @Test
    void shutdownNowDropsTheQueuedTasksAndCountsThem() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).batchSize(16));
        CountDownLatch release = block(d);
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 500; i++) {
            d.execute(ran::incrementAndGet);
        }
        d.shutdownNow();
        release.countDown(); // the running task ends, and its thread runs no other
        assertTrue(d.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS), "shutdownNow hung on queued tasks");
        assertEquals(0, ran.get());
        assertEquals(500, d.tasksDroppedAtShutdown());
        assertEquals(0, d.pendingOperations());
    }

    /**
     * A drain holds the queue's wake-up while it runs: work offered meanwhile (here, each item's successor,
     * offered by the item itself) posts no packet and wakes no thread; the drain takes it, and posts one
     * wake-up per batch, at its end. Before, every drain gave the wake-up back as it began, so the next
     * offer woke another thread to compete for a chain only one thread can run.
     */
    @Test
    void aChainOfTasksPostsAboutOneWakeUpPerBatch() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2));
        int length = 2000;
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        Runnable[] link = new Runnable[1];
        link[0] = () -> {
            if (next.incrementAndGet() < length) {
                d.execute(link[0]);
            } else {
                done.countDown();
            }
        };
        long before = d.taskWakeups();
        d.execute(link[0]);
        assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "the chain never ended");
        long wakeups = d.taskWakeups() - before;
        assertTrue(wakeups <= 2 * length / 64 + 4, wakeups + " wake-ups for a chain of " + length
                + " tasks, in batches of 64");
    }

    /**
     * {@link IoDispatcher#postCompletion} rides the task queue, not a packet of its own: a chain of posts
     * from callbacks costs the port about one wake-up per batch, and the port dequeues nothing else.
     */
    @Test
    void postedCompletionsRideTheTaskQueue() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(2).concurrency(2));
        int length = 2000;
        CountDownLatch done = new CountDownLatch(1);
        AtomicIntegerArray ran = new AtomicIntegerArray(length);
        IoCallback[] link = new IoCallback[1];
        link[0] = (e, b, o) -> {
            int i = (Integer) o.state();
            assertEquals(i, b, "the posted byte count");
            ran.incrementAndGet(i);
            o.free();
            if (i + 1 < length) {
                d.postCompletion(d.allocate(link[0], i + 1), i + 1);
            } else {
                done.countDown();
            }
        };
        long before = d.taskWakeups();
        long dequeued = d.dequeuedPackets();
        d.postCompletion(d.allocate(link[0], 0), 0);
        assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "the chain of posts never ended");
        for (int i = 0; i < length; i++) {
            assertEquals(1, ran.get(i), "callbacks of post " + i);
        }
        long wakeups = d.taskWakeups() - before;
        assertTrue(wakeups <= 2 * length / 64 + 4, wakeups + " wake-ups for a chain of " + length
                + " posts, in batches of 64");
        assertEquals(wakeups, d.dequeuedPackets() - dequeued, "the port carried the wake-ups and nothing else");
        assertEquals(0, d.callbackFailures() + d.stalePacketsDropped());
    }

    /**
     * {@code shutdownNow} drops queued tasks but not queued posted completions: each of those is an
     * operation, owed its callback, and its overlapped must not be left submitted.
     */
    @Test
    void shutdownNowDropsQueuedTasksButRunsQueuedPosts() throws Exception {
        IoDispatcher d = start(IoDispatcher.builder().threads(1).batchSize(4));
        CountDownLatch release = block(d);
        AtomicInteger tasksRan = new AtomicInteger();
        CountDownLatch postsRan = new CountDownLatch(10);
        List<NativeOverlapped> posts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            d.execute(tasksRan::incrementAndGet);
            NativeOverlapped o = d.allocate((e, b, ov) -> postsRan.countDown(), i);
            posts.add(o);
            d.postCompletion(o, i);
        }
        d.shutdownNow();
        // The shutdown's zero deadline has passed long before the callback in the way returns: the port must
        // stay open for the posts behind it (it closed under them, and 7 of 10 never ran, before the
        // termination waited for queued posts).
        Thread.sleep(200);
        release.countDown();
        assertTrue(postsRan.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), postsRan.getCount() + " posts never ran");
        posts.forEach(NativeOverlapped::free);
        assertTrue(d.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, tasksRan.get());
        assertEquals(10, d.tasksDroppedAtShutdown());
        assertEquals(0, d.abandonedAtShutdown());
    }
}
