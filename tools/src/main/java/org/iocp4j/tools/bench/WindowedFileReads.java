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
        long startedAt;

        Slot(ByteBuffer buffer) {
            this.buffer = buffer;
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
                slots[i] = new Slot(buffers[i]);
            }
        }
        Run r = new Run(total, latencies);
        for (Slot s : slots) {
            r.start(s);
        }
        if (!r.done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("reads did not complete: " + r.finished.get() + " of " + total);
        }
        if (r.failure.get() != null) {
            throw new IllegalStateException("a read failed", r.failure.get());
        }
    }

    /** One call of {@link #reads}. */
    private final class Run implements CompletionHandler<Integer, Slot> {
        final int total;
        final Latencies latencies;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(int total, Latencies latencies) {
            this.total = total;
            this.latencies = latencies;
        }

        void start(Slot s) {
            if (started.getAndIncrement() >= total) {
                return;
            }
            s.buffer.clear();
            s.startedAt = latencies == null ? 0 : latencies.now();
            read(s, nextOffset(), this);
        }

        @Override
        public void completed(Integer n, Slot s) {
            if (latencies != null) {
                latencies.recordSince(s.startedAt);
            }
            if (n < 0) {
                failed(new IllegalStateException("end of file inside the file: the file shrank"), s);
            } else if (finished.incrementAndGet() == total) {
                done.countDown();
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
