package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LogLimiterTest {

    @Test
    void oneLineThenEverythingIsHeldBackAndCounted() {
        LogLimiter limiter = new LogLimiter(Long.MAX_VALUE / 4); // no second line within this test
        assertEquals(0, limiter.tryAcquire());
        for (int i = 0; i < 1000; i++) {
            assertEquals(-1, limiter.tryAcquire());
        }
    }

    @Test
    void theNextLineSaysHowManyWereHeldBack() {
        LogLimiter limiter = new LogLimiter(0);
        assertEquals(0, limiter.tryAcquire());
        assertEquals(0, limiter.tryAcquire(), "with no interval nothing is held back");
    }

    @Test
    void heldBackCountReachesTheNextLine() throws Exception {
        LogLimiter limiter = new LogLimiter(TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals(0, limiter.tryAcquire());
        int held = 0;
        long got;
        // Calls until one is let through (the interval has passed): it reports exactly the ones refused.
        while ((got = limiter.tryAcquire()) < 0) {
            held++;
            Thread.onSpinWait();
        }
        assertEquals(held, got);
    }

    @Test
    void aNegativeIntervalIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LogLimiter(-1));
    }
}
