package org.iocp4j.tools.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One call of a completion API's {@code reads}: one shared counter per read, as {@link FileChannelReads}
 * has, of what is left to issue. A buffer that finds nothing left retires, and the run is done when every
 * buffer has (a second counter per read, of completions, was a second line the completing threads bounced
 * between them).
 */
final class ReadRun {
    final Latencies latencies;
    private final int total;
    private final int buffers;
    private final AtomicInteger unissued;
    private final AtomicInteger retired = new AtomicInteger();
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    ReadRun(int total, int buffers, Latencies latencies) {
        this.total = total;
        this.unissued = new AtomicInteger(total);
        this.buffers = buffers;
        this.latencies = latencies;
    }

    /** Takes one read to issue; false if none is left, and the buffer retires (the last one ends the run). */
    boolean take() {
        if (unissued.getAndDecrement() > 0) {
            return true;
        }
        if (retired.incrementAndGet() == buffers) {
            done.countDown();
        }
        return false;
    }

    /** A read failed: the run ends with the first failure. */
    void fail(Throwable e) {
        failure.compareAndSet(null, e);
        done.countDown();
    }

    /** Waits for the run to end, and throws if it timed out or a read failed. */
    void await() throws Exception {
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("reads did not complete: " + Math.max(0, unissued.get()) + " of " + total
                    + " never issued, " + (buffers - retired.get()) + " buffers still reading");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a read failed", failure.get());
        }
    }
}
