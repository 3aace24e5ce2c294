package org.iocp4j.io;

import java.io.IOException;

import org.iocp4j.NativeOverlapped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous completions of one thread (skip-on-success): each runs its handler on the calling thread,
 * and a handler that starts another operation which also completes at once nests another. Up to
 * {@link #MAX_DEPTH} deep they run at once; deeper ones wait in this thread's queue until the stack has
 * unwound to the outermost completion, which runs them one after another (a trampoline): the stack stays
 * bounded and no completion crosses to another thread. (Posting them to the port instead would wake another
 * I/O thread once every {@value #MAX_DEPTH} completions: on an idle machine that wake costs more than the
 * sixteen reads before it.)
 */
final class InlineCompletions {

    private static final Logger LOG = LoggerFactory.getLogger(InlineCompletions.class);
    /** Completions nest at once up to this depth. */
    static final int MAX_DEPTH = 16;
    private static final ThreadLocal<InlineCompletions> OF_THREAD = ThreadLocal.withInitial(InlineCompletions::new);

    private int depth;
    // The deferred completions: a FIFO ring that grows by doubling and is reused, so a steady chain of
    // at-once completions allocates nothing.
    private NativeOverlapped[] overlappeds = new NativeOverlapped[8];
    private int[] bytes = new int[8];
    private int head;
    private int size;

    private InlineCompletions() {
    }

    /**
     * Completes {@code o} with {@code byteCount} on this thread: now, or (too deep) after the stack unwinds.
     *
     * @param channel where {@code o} was started: its port takes what an error leaves in the queue
     */
    static void complete(HandleChannel channel, NativeOverlapped o, int byteCount) {
        OF_THREAD.get().run(channel, o, byteCount);
    }

    private void run(HandleChannel channel, NativeOverlapped o, int byteCount) {
        if (depth >= MAX_DEPTH) {
            add(o, byteCount);
            return;
        }
        depth++;
        boolean drained = false;
        try {
            o.completedSynchronously(0, byteCount);
            if (depth == 1) {
                while (size > 0) {
                    NativeOverlapped next = overlappeds[head];
                    int n = bytes[head];
                    removeHead();
                    next.completedSynchronously(0, n);
                }
            }
            drained = true;
        } finally {
            depth--;
            if (!drained && depth == 0) {
                postTheRest(channel); // a handler threw past its guard (a VM error): nothing waits here forever
            }
        }
    }

    private void add(NativeOverlapped o, int byteCount) {
        if (size == overlappeds.length) {
            grow();
        }
        int tail = (head + size) & (overlappeds.length - 1);
        overlappeds[tail] = o;
        bytes[tail] = byteCount;
        size++;
    }

    private void removeHead() {
        overlappeds[head] = null;
        head = (head + 1) & (overlappeds.length - 1);
        size--;
    }

    private void grow() {
        int capacity = overlappeds.length;
        NativeOverlapped[] o = new NativeOverlapped[capacity << 1];
        int[] b = new int[capacity << 1];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (capacity - 1);
            o[i] = overlappeds[from];
            b[i] = bytes[from];
        }
        overlappeds = o;
        bytes = b;
        head = 0;
    }

    /** Hands what is still queued to the port as the packets the kernel skipped: an I/O thread runs them. */
    private void postTheRest(HandleChannel channel) {
        while (size > 0) {
            NativeOverlapped o = overlappeds[head];
            int n = bytes[head];
            removeHead();
            try {
                channel.postSkipped(o, n);
            } catch (IOException | RuntimeException e) {
                LOG.error("a synchronous completion could not be handed to the port after a handler failed: its"
                        + " operation stays outstanding", e);
            }
        }
    }
}
