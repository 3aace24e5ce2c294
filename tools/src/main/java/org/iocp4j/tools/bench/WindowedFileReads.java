package org.iocp4j.tools.bench;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

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
        r.await();
    }

    /** One call of {@link #reads}, and the handler of its reads. */
    private final class Run implements CompletionHandler<Integer, Slot> {
        final ReadRun run;

        Run(int total, int buffers, Latencies latencies) {
            this.run = new ReadRun(total, buffers, latencies);
        }

        void start(Slot s) {
            if (!run.take()) {
                return;
            }
            s.buffer.clear();
            s.startedAt = run.latencies == null ? 0 : run.latencies.now();
            read(s, nextOffset(s.index), this);
        }

        void await() throws Exception {
            run.await();
        }

        @Override
        public void completed(Integer n, Slot s) {
            if (run.latencies != null) {
                run.latencies.recordSince(s.startedAt);
            }
            if (n < 0) {
                failed(new IllegalStateException("end of file inside the file: the file shrank"), s);
            } else {
                start(s);
            }
        }

        @Override
        public void failed(Throwable e, Slot s) {
            run.fail(e);
        }
    }
}
