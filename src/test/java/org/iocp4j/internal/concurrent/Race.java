package org.iocp4j.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Races loop bodies against each other, each on a thread of its own, for the ring tests. */
final class Race {

    private Race() {
    }

    /**
     * Runs every body over and over, all at once, until {@code millis} have passed or {@code failures}
     * counts one (then at once: a race once lost is enough), and waits for the threads to stop.
     */
    static void run(long millis, AtomicLong failures, Runnable... bodies) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            Runnable body = bodies[i];
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    body.run();
                }
            }, "race-" + i));
        }
        threads.forEach(Thread::start);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until && failures.get() == 0) {
            Thread.sleep(10);
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive(), t.getName() + " did not stop");
        }
    }
}
