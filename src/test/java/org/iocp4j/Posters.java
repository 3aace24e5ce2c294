package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.internal.dispatch.PacketKey;

/** Several threads posting numbered items at once, for the exactly-once tests. */
final class Posters {

    /** Posts item {@code id}. */
    @FunctionalInterface
    interface Post {
        void post(int id) throws Exception;
    }

    private Posters() {
    }

    /**
     * Submits {@code o} and posts its completion packet through the dispatcher's port, as
     * {@link IoDispatcher#postCompletion} did before posts rode the task queue: for the tests of what the
     * I/O threads do with the port's batches (hand-overs, the kept post).
     */
    static void packet(IoDispatcher d, NativeOverlapped o, int bytes) throws java.io.IOException {
        long address = o.submit();
        d.port().post(PacketKey.posted(o.generation), bytes, address);
    }

    /**
     * Runs {@code posters} threads, thread {@code p} posting items {@code p * perPoster} to
     * {@code (p + 1) * perPoster - 1} in order; waits up to {@code joinMillis} for each and fails if one is
     * still running or any post threw.
     */
    static void run(int posters, int perPoster, long joinMillis, Post post) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < posters; p++) {
            int base = p * perPoster;
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < perPoster; i++) {
                        post.post(base + i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "poster-" + p);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(joinMillis);
            assertFalse(t.isAlive(), t.getName() + " is stuck");
        }
        assertNull(failure.get());
    }
}
