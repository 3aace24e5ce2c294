package org.iocp4j.tools.bench;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The two completion-handler APIs: keeps {@code inFlight} reads going, each completion starting the next read
 * into the same buffer from the completing thread, as a server's handler would. The handler and one slot per
 * buffer are made once, at open; a run allocates its counters and latch, a read nothing of ours.
 */
abstract class WindowedFileReads extends FileReads {

    /** One buffer's read in progress: its buffer and when the read was issued (before the API was called). */
    static final class Slot {
        final ByteBuffer buffer;
        /** Which of {@code buffers} it is. */
        final int index;
        long startedAt;

        Slot(ByteBuffer buffer, int index) {
            this.buffer = buffer;
            this.index = index;
        }
    }

    private Slot[] slots;

    /** Starts one read of {@link #BLOCK} bytes at {@code offset} into {@code slot.buffer}. */
    abstract void read(Slot slot, long offset, CompletionHandler<Integer, Slot> handler);

    @Override
    public final void reads(int total, Latencies latencies) throws Exception {
        if (slots == null) {
            slots = new Slot[buffers.length];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(buffers[i], i);
            }
        }
        Run r = new Run(total, slots.length, latencies);
        for (Slot s : slots) {
            r.start(s);
        }
        if (!r.done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("reads did not complete: " + Math.max(0, r.unissued.get()) + " of "
                    + total + " never issued, " + (slots.length - r.retired.get()) + " buffers still reading");
        }
        if (r.failure.get() != null) {
            throw new IllegalStateException("a read failed", r.failure.get());
        }
    }

    /**
     * One call of {@link #reads}. One shared counter per read, as {@link FileChannelReads} has: what is left to
     * issue. A buffer that finds nothing left retires, and the run is done when every buffer has (a second
     * counter per read, of completions, was a second line the completing threads bounced between them).
     */
    private final class Run implements CompletionHandler<Integer, Slot> {
        final Latencies latencies;
        final int buffers;
        final AtomicInteger unissued;
        final AtomicInteger retired = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(int total, int buffers, Latencies latencies) {
            this.unissued = new AtomicInteger(total);
            this.buffers = buffers;
            this.latencies = latencies;
        }

        void start(Slot s) {
            if (unissued.getAndDecrement() <= 0) {
                if (retired.incrementAndGet() == buffers) {
                    done.countDown();
                }
                return;
            }
            s.buffer.clear();
            s.startedAt = latencies == null ? 0 : latencies.now();
            read(s, nextOffset(s.index), this);
        }

        @Override
        public void completed(Integer n, Slot s) {
            if (latencies != null) {
                latencies.recordSince(s.startedAt);
            }
            if (n < 0) {
                failed(new IllegalStateException("end of file inside the file: the file shrank"), s);
            } else {
                start(s);
            }
        }

        @Override
        public void failed(Throwable e, Slot s) {
            failure.compareAndSet(null, e);
            done.countDown();
        }
    }
}
