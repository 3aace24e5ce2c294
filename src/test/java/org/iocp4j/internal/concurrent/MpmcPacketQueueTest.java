package org.iocp4j.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The portable port's lock-free ring on its own, where its consumers race. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MpmcPacketQueueTest {

    @Test
    void consumersRacingForTheHeadNeverMakeAFullRingLookEmpty() throws Exception {
        // Kept at 200 packets or more: "empty" from claimOne or isEmpty is then always wrong. A consumer
        // that read the head just before another took it once saw that cell's released sequence and took
        // it for an unpublished one: a waiter could then sleep with packets queued.
        MpmcPacketQueue q = new MpmcPacketQueue(1024);
        AtomicLong posted = new AtomicLong();
        AtomicLong taken = new AtomicLong();
        AtomicLong wrong = new AtomicLong();
        Runnable consumer = () -> {
            if (posted.get() - taken.get() > 200) {
                long pos = q.claimOne();
                if (pos < 0) {
                    wrong.incrementAndGet();
                } else {
                    q.release(pos);
                    taken.incrementAndGet();
                }
            }
        };
        Race.run(2000, wrong, () -> {
            if (q.offer(1, 0, 8, 0)) {
                posted.incrementAndGet();
            }
        }, consumer, consumer, () -> {
            if (posted.get() - taken.get() > 200 && q.isEmpty()) {
                wrong.incrementAndGet();
            }
        });
        assertTrue(taken.get() > 10_000, "the consumers took " + taken.get());
        assertEquals(0, wrong.get(), "a ring of 200+ packets looked empty");
    }
}
