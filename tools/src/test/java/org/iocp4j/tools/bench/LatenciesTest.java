package org.iocp4j.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class LatenciesTest {

    private static final long US = 1_000;

    /** Within HdrHistogram's 3 significant digits of {@code micros}. */
    private static void assertMicros(double micros, double actual, String what) {
        assertEquals(micros, actual, micros * 1e-3, what);
    }

    @Test
    void percentilesOfKnownSamples() {
        Latencies l = new Latencies();
        for (long i = 1; i <= 1000; i++) {
            l.record(i * US);
        }
        Latencies.Snapshot s = l.snapshot();
        assertEquals(1000, s.size());
        assertFalse(s.corrected());
        assertMicros(500, s.percentileMicros(50), "p50 of 1..1000 us");
        assertMicros(990, s.percentileMicros(99), "p99");
        assertMicros(999, s.percentileMicros(99.9), "p99.9");
        assertMicros(1000, s.maxMicros(), "max");
    }

    /** Samples encoded in one JVM (a way's own) add up in another exactly as if recorded there. */
    @Test
    void encodedSamplesAddUpElsewhere() {
        Latencies there = new Latencies();
        for (long i = 1; i <= 1000; i++) {
            there.record(i * US);
        }
        Latencies here = new Latencies();
        here.record(2000 * US);
        here.addEncoded(there.encoded());
        here.addEncoded(new Latencies().encoded());
        Latencies.Snapshot s = here.snapshot();
        assertEquals(1001, s.size());
        assertMicros(501, s.percentileMicros(50), "p50 of 1..1000 us and 2000 us");
        assertMicros(2000, s.maxMicros(), "max");
        assertThrows(IllegalArgumentException.class, () -> here.addEncoded("not a histogram"));
    }

    /** Every sample counts: the ring it replaces kept the last 1,048,576 and so saw only the slow ones. */
    @Test
    void everySampleCountsPastAMillion() {
        Latencies l = new Latencies();
        for (int i = 0; i < 2_000_000; i++) {
            l.record(US);
        }
        for (int i = 0; i < 1_000_000; i++) {
            l.record(1000 * US);
        }
        Latencies.Snapshot s = l.snapshot();
        assertEquals(3_000_000, s.size());
        assertMicros(1, s.percentileMicros(50), "p50: two thirds took 1 us");
        assertMicros(1000, s.percentileMicros(90), "p90");
        assertMicros(1000, s.maxMicros(), "max");
    }

    /**
     * At an intended interval of 100 us, one 10 ms stall among 99 operations of 100 us also stands for the
     * 99 operations the schedule would have started during it, which waited 9.9 ms, 9.8 ms ... 100 us.
     */
    @Test
    void aStallIsCorrectedForCoordinatedOmission() {
        Latencies raw = new Latencies();
        Latencies corrected = Latencies.withExpectedInterval(100 * US);
        for (Latencies l : List.of(raw, corrected)) {
            for (int i = 0; i < 99; i++) {
                l.record(100 * US);
            }
            l.record(10_000 * US);
        }
        Latencies.Snapshot r = raw.snapshot();
        assertEquals(100, r.size());
        assertMicros(100, r.percentileMicros(50), "raw p50");
        assertMicros(100, r.percentileMicros(99), "raw p99: the stall is one sample in a hundred");
        assertMicros(10_000, r.maxMicros(), "raw max");

        Latencies.Snapshot c = corrected.snapshot();
        assertTrue(c.corrected());
        assertEquals(199, c.size(), "100 measured, 99 added");
        assertMicros(100, c.percentileMicros(50), "corrected p50");
        assertMicros(9_900, c.percentileMicros(99), "corrected p99: the operations stuck behind the stall");
        assertMicros(10_000, c.maxMicros(), "corrected max");
        assertTrue(corrected.correction().startsWith("corrected for coordinated omission at an intended interval of 100.0"),
                corrected.correction());
        assertEquals("not corrected for coordinated omission", raw.correction());
        assertThrows(IllegalArgumentException.class, () -> Latencies.withExpectedInterval(0));
    }

    @Test
    void resetForgetsAndOutOfRangeIsClamped() {
        Latencies l = new Latencies();
        l.record(5 * US);
        l.reset();
        assertEquals(0, l.count());
        assertTrue(Double.isNaN(l.snapshot().percentileMicros(50)), "no samples, no percentile");
        assertTrue(Double.isNaN(l.snapshot().maxMicros()));
        l.record(-1);
        l.record(Long.MAX_VALUE);
        Latencies.Snapshot s = l.snapshot();
        assertEquals(2, s.size());
        assertEquals(0, s.percentileMicros(50), "below 0 counts as 0");
        assertMicros(Latencies.HIGHEST_NANOS / 1e3, s.maxMicros(), "above an hour counts as an hour");
    }

    /** Recorded from many threads at once, no sample is lost. */
    @Test
    void concurrentRecordingCountsEverySample() throws InterruptedException {
        Latencies l = new Latencies();
        int threads = 4;
        int each = 250_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long value = (t + 1) * US;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    l.record(value);
                }
            });
            thread.start();
            ts.add(thread);
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        Latencies.Snapshot s = l.snapshot();
        assertEquals((long) threads * each, s.size());
        assertMicros(2, s.percentileMicros(50), "p50 of four equal shares of 1..4 us");
        assertMicros(4, s.maxMicros(), "max");
    }
}
