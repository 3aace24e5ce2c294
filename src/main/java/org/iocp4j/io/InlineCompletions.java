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
 * bounded, and (posting them to the port instead would wake another I/O thread once every {@value #MAX_DEPTH}
 * completions, which on an idle machine costs more than the sixteen reads before it) no completion crosses
 * to another thread for depth alone.
 *
 * <p>One run (the outermost completion and everything it leads to) runs at most {@link #MAX_RUN} handlers
 * on the thread. What is left then goes to the port as the packets the kernel skipped, and an I/O thread
 * runs it: the caller's {@code read} or {@code write} returns (an endless chain of at-once completions
 * would otherwise never give the calling thread back), an I/O thread that runs a chain goes back to its
 * port and so serves other operations too, and chains started from one thread spread over the I/O
 * threads. An I/O thread in its batch's last callback keeps that packet for itself (the portable port's
 * {@code keepNextPost}), so the chain usually goes on there without waking anyone.
 */
final class InlineCompletions {

    private static final Logger LOG = LoggerFactory.getLogger(InlineCompletions.class);
    /** Completions nest at once up to this depth. */
    static final int MAX_DEPTH = 16;
    /** Handlers one run executes on its thread before it hands the rest to the port. */
    static final int MAX_RUN = 64;
    private static final ThreadLocal<InlineCompletions> OF_THREAD = ThreadLocal.withInitial(InlineCompletions::new);

    private int depth;
    /** Handlers run since the outermost completion began. */
    private int ran;
    // The deferred completions: a FIFO ring that grows by doubling and is reused, so a steady chain of
    // at-once completions allocates nothing. Each keeps its channel: that is where its packet would go.
    private HandleChannel[] channels = new HandleChannel[8];
    private NativeOverlapped[] overlappeds = new NativeOverlapped[8];
    private int[] bytes = new int[8];
    private int head;
    private int size;

    private InlineCompletions() {
    }

    /**
     * Completes {@code o} with {@code byteCount}: now on this thread, after the stack unwinds (too deep), or
     * through the port (this run has run its share).
     *
     * @param channel where {@code o} was started: its port takes the packet if this thread does not run it
     */
    static void complete(HandleChannel channel, NativeOverlapped o, int byteCount) {
        OF_THREAD.get().run(channel, o, byteCount);
    }

    private void run(HandleChannel channel, NativeOverlapped o, int byteCount) {
        if (depth >= MAX_DEPTH || ran >= MAX_RUN) {
            add(channel, o, byteCount);
            return;
        }
        depth++;
        ran++;
        try {
            o.completedSynchronously(0, byteCount);
            if (depth == 1) {
                while (size > 0 && ran < MAX_RUN) {
                    NativeOverlapped next = overlappeds[head];
                    int n = bytes[head];
                    removeHead();
                    ran++;
                    next.completedSynchronously(0, n);
                }
            }
        } finally {
            depth--;
            if (depth == 0) {
                ran = 0;
                // Over the run's share, or a handler threw past its guard (a VM error): either way nothing
                // may wait here for a next run that might never come.
                postTheRest();
            }
        }
    }

    private void add(HandleChannel channel, NativeOverlapped o, int byteCount) {
        if (size == overlappeds.length) {
            grow();
        }
        int tail = (head + size) & (overlappeds.length - 1);
        channels[tail] = channel;
        overlappeds[tail] = o;
        bytes[tail] = byteCount;
        size++;
    }

    private void removeHead() {
        channels[head] = null;
        overlappeds[head] = null;
        head = (head + 1) & (overlappeds.length - 1);
        size--;
    }

    private void grow() {
        int capacity = overlappeds.length;
        HandleChannel[] c = new HandleChannel[capacity << 1];
        NativeOverlapped[] o = new NativeOverlapped[capacity << 1];
        int[] b = new int[capacity << 1];
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (capacity - 1);
            c[i] = channels[from];
            o[i] = overlappeds[from];
            b[i] = bytes[from];
        }
        channels = c;
        overlappeds = o;
        bytes = b;
        head = 0;
    }

    /** Hands what is still queued to the ports as the packets the kernel skipped: I/O threads run them. */
    private void postTheRest() {
        while (size > 0) {
            HandleChannel channel = channels[head];
            NativeOverlapped o = overlappeds[head];
            int n = bytes[head];
            removeHead();
            try {
                channel.postSkipped(o, n);
            } catch (IOException | RuntimeException e) {
                // The port closed (a shutdown): the operation did complete, so its handler runs here, late,
                // rather than never (its dispatcher would wait for it until its shutdown deadline).
                LOG.debug("a synchronous completion could not be handed to the port; its handler runs on the"
                        + " calling thread", e);
                o.completedSynchronously(0, n);
            }
        }
    }
}
