package org.iocp4j.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dispatcher's task queue on its own: its bound, its order, exactly-once taking, the wake-up flag. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MpmcTaskQueueTest {

    /** A task that knows its number. */
    private static final class Numbered implements Runnable {
        private final int id;

        Numbered(int id) {
            this.id = id;
        }

        @Override
        public void run() {
        }

        int id() {
            return id;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Numbered)) {
                return false;
            }
            Numbered o = (Numbered) other;
            return id == o.id;
        }

        @Override
        public int hashCode() {
            return Objects.hash(id);
        }

        @Override
        public String toString() {
            return "Numbered[id=" + id + "]";
        }
    }

    @Test
    void theBoundIsExactAndHoldsLapAfterLap() {
        MpmcTaskQueue<Runnable> q = new MpmcTaskQueue<>(3); // 4 cells: the bound, not the ring, refuses the fourth
        int next = 0;
        int expected = 0;
        for (int lap = 0; lap < 10; lap++) {
            while (q.offer(new Numbered(next))) {
                next++;
            }
            assertEquals(3, q.size(), "lap " + lap);
            assertFalse(q.offer(new Numbered(-1)), "a full queue refuses");
            for (int i = 0; i < 2; i++) {
                assertEquals(expected++, ((Numbered) q.poll()).id(), "FIFO");
            }
        }
        assertEquals(next, q.offered());
        assertEquals(expected, q.taken());
    }

    @Test
    void oneTaskAtATimeAndNothingWhenEmpty() {
        MpmcTaskQueue<Runnable> q = new MpmcTaskQueue<>(1);
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        Runnable a = new Numbered(1);
        assertTrue(q.offer(a));
        assertFalse(q.isEmpty());
        assertFalse(q.offer(new Numbered(2)));
        assertSame(a, q.poll());
        assertTrue(q.isEmpty());
        assertNull(q.poll());
        assertThrows(IllegalArgumentException.class, () -> new MpmcTaskQueue<Runnable>(0));
    }

    @Test
    void theWakeUpIsClaimedOnceUntilTakenOrFailed() {
        MpmcTaskQueue<Runnable> q = new MpmcTaskQueue<>(8);
        assertTrue(q.claimWake());
        assertFalse(q.claimWake(), "one wake-up on its way is enough");
        q.wakeTaken();
        assertTrue(q.claimWake());
        q.wakeFailed();
        assertTrue(q.claimWake(), "a failed post gives the claim back");
    }

    @Test
    void drainHandsOverWhatIsLeft() {
        MpmcTaskQueue<Runnable> q = new MpmcTaskQueue<>(16);
        for (int i = 0; i < 5; i++) {
            q.offer(new Numbered(i));
        }
        List<Runnable> left = new ArrayList<>();
        assertEquals(5, q.drain(left::add));
        assertEquals(5, left.size());
        assertTrue(q.isEmpty());
    }

    @Test
    void consumersRacingForTheHeadNeverMakeAFullQueueLookEmpty() throws Exception {
        // Kept at 200 tasks or more: "empty" from poll or isEmpty is then always wrong. A consumer that
        // read the head just before another took it once saw that cell's released sequence and said so.
        MpmcTaskQueue<Runnable> q = new MpmcTaskQueue<>(1024);
        Runnable task = new Numbered(0);
        AtomicLong wrong = new AtomicLong();
        Runnable consumer = () -> {
            if (q.offered() - q.taken() > 200 && q.poll() == null) {
                wrong.incrementAndGet();
            }
        };
        Race.run(2000, wrong, () -> q.offer(task), consumer, consumer, () -> {
            if (q.offered() - q.taken() > 200 && q.isEmpty()) {
                wrong.incrementAndGet();
            }
        });
        assertTrue(q.taken() > 10_000, "the consumers took " + q.taken());
        assertEquals(0, wrong.get(), "a queue of 200+ tasks looked empty");
    }

    @Test
    void fourProducersTwoConsumersEveryTaskTakenExactlyOnce() throws Exception {
        MpmcTaskQueue<Runnable> q = new MpmcTaskQueue<>(1000); // small against the traffic: the ring wraps thousands of times
        int producers = 4;
        int each = 250_000;
        int total = producers * each;
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * each;
            threads.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    Runnable task = new Numbered(base + i);
                    while (!q.offer(task)) {
                        Thread.onSpinWait();
                    }
                }
            }, "producer-" + p));
        }
        for (int c = 0; c < 2; c++) {
            threads.add(new Thread(() -> {
                int[] last = new int[producers];
                Arrays.fill(last, -1);
                while (q.taken() < total) {
                    Runnable t = q.poll();
                    if (t == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    int id = ((Numbered) t).id();
                    int producer = id / each;
                    if (id <= last[producer]) {
                        failure.compareAndSet(null, new AssertionError("producer " + producer + "'s task " + id
                                + " taken after " + last[producer] + " by the same consumer"));
                    }
                    last[producer] = id;
                    seen.incrementAndGet(id);
                }
            }, "consumer-" + c));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(100));
            assertFalse(t.isAlive(), t.getName() + " is stuck");
        }
        assertNull(failure.get());
        for (int i = 0; i < total; i++) {
            assertEquals(1, seen.get(i), "task " + i);
        }
        assertEquals(total, q.offered());
        assertTrue(q.isEmpty());
    }
}
