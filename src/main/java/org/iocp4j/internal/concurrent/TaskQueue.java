package org.iocp4j.internal.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A dispatcher's queue of plain tasks: a bounded multi-producer, multi-consumer FIFO ring of references
 * (Dmitry Vyukov's sequence-numbered ring, as in {@link PacketQueue}), and the flag that says whether a
 * wake-up packet for it is already on its way through the port.
 *
 * <p>Why tasks don't ride the port one packet each: on Windows a packet is a
 * {@code PostQueuedCompletionStatus}, a kernel transition per task, and on either backend it needs an
 * OVERLAPPED slot to route it. Here a task costs a CAS on the tail and a store; the port carries one
 * wake-up packet when no wake-up is already pending ({@link #claimWake}), and the I/O thread that dequeues
 * it gives the flag back ({@link #wakeTaken}) before it drains the queue. That order makes the pair a
 * Dekker handshake: a producer publishes its task, then reads the flag; a consumer clears the flag, then
 * reads the queue. Either the producer sees the flag clear and posts a wake-up, or the consumer sees the
 * task; a task never waits in the queue with no wake-up coming.
 *
 * <p>The bound is exact: a task is accepted only while fewer than {@code bound} are queued, so a flood
 * with nobody draining stops at the bound. Producers re-read the consumers' head only when their cached
 * copy says the queue may be full, so the head's line does not travel to every producer on every offer.
 */
public final class TaskQueue {

    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TASK = MethodHandles.arrayElementVarHandle(Runnable[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle WAKE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(TaskQueue.class, "head", long.class);
            TAIL = lookup.findVarHandle(TaskQueue.class, "tail", long.class);
            WAKE = lookup.findVarHandle(TaskQueue.class, "wake", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int bound;
    private final int mask;
    private final long size;
    private final long[] sequences;
    private final Runnable[] tasks;

    // Head, tail (with the producers' copy of the head) and the wake flag on cache lines of their own.
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long head;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long tail;
    private long headSeen;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;
    private volatile int wake;
    @SuppressWarnings("unused")
    private long p31, p32, p33, p34, p35, p36, p37;

    /** @param bound the most tasks queued at once, at least 1 */
    public TaskQueue(int bound) {
        if (bound < 1 || bound > 1 << 30) {
            throw new IllegalArgumentException("bound must be in 1..2^30: " + bound);
        }
        int cells = Math.max(2, Integer.highestOneBit(bound - 1 > 0 ? bound - 1 : 1) << 1);
        this.bound = bound;
        this.mask = cells - 1;
        this.size = cells;
        this.sequences = new long[cells];
        this.tasks = new Runnable[cells];
        for (int i = 0; i < cells; i++) {
            sequences[i] = i;
        }
    }

    /** @return the most tasks queued at once */
    public int bound() {
        return bound;
    }

    /**
     * Queues a task, unless {@link #bound} tasks are queued already. Publishes it with a volatile store, so
     * a {@link #claimWake} that follows cannot be reordered before it.
     *
     * @return false if the queue is full (nothing was queued)
     */
    public boolean offer(Runnable task) {
        for (;;) {
            long pos = tail;
            if (pos - headSeen >= bound) {
                long h = head;
                headSeen = h; // a racy hint: a stale (smaller) copy only sends the next producer here again
                if (pos - h >= bound) {
                    if (pos != tail) {
                        continue;
                    }
                    return false;
                }
            }
            int cell = (int) pos & mask;
            long lag = (long) SEQ.getAcquire(sequences, cell) - pos;
            if (lag < 0) {
                // The consumer of the last lap claimed this cell (the bound says so) and is about to
                // release it: a few instructions away.
                Thread.onSpinWait();
                continue;
            }
            if (lag == 0 && TAIL.compareAndSet(this, pos, pos + 1)) {
                TASK.setRelease(tasks, cell, task);
                SEQ.setVolatile(sequences, cell, pos + 1);
                return true;
            }
            // else another producer took pos: read the tail again
        }
    }

    /** @return the oldest queued task, taken off the queue; null if none is published at the head */
    public Runnable poll() {
        for (;;) {
            long pos = head;
            int cell = (int) pos & mask;
            long lag = (long) SEQ.getAcquire(sequences, cell) - (pos + 1);
            if (lag < 0) {
                return null; // nothing published at pos yet
            }
            if (lag > 0) {
                continue; // another consumer took pos (and released its cell) since this one read the head
            }
            if (HEAD.compareAndSet(this, pos, pos + 1)) {
                Runnable task = (Runnable) TASK.getAcquire(tasks, cell);
                TASK.setOpaque(tasks, cell, null); // the queue holds no task it has handed out
                SEQ.setRelease(sequences, cell, pos + size);
                return task;
            }
        }
    }

    /**
     * Whether no task is published at the head: a volatile read, so a consumer that cleared the wake flag
     * and then sees true knows every producer that published before will see the flag clear. A head that
     * moves on while it looks is read again: a cell its consumer already released is not "empty".
     */
    public boolean isEmpty() {
        for (;;) {
            long pos = head;
            long lag = (long) SEQ.getVolatile(sequences, (int) pos & mask) - (pos + 1);
            if (lag <= 0) {
                return lag < 0;
            }
        }
    }

    /** @return tasks queued now (exact when nobody is offering or polling) */
    public int size() {
        long h = head;
        long t = tail;
        return (int) Math.max(0, Math.min(bound, t - h));
    }

    /** @return tasks ever accepted */
    public long offered() {
        return tail;
    }

    /** @return tasks ever taken off the queue */
    public long taken() {
        return head;
    }

    /**
     * Claims the right to post a wake-up packet: true for exactly one caller until {@link #wakeTaken}
     * (or {@link #wakeFailed}); false while a wake-up is already on its way (one read, no write).
     */
    public boolean claimWake() {
        return wake == 0 && WAKE.compareAndSet(this, 0, 1);
    }

    /**
     * An I/O thread dequeued the wake-up packet: the next task offered needs a new one. Call before
     * draining the queue (a volatile store, ordered before the drain's reads).
     */
    public void wakeTaken() {
        wake = 0;
    }

    /** The wake-up claimed by {@link #claimWake} could not be posted: the next caller tries again. */
    public void wakeFailed() {
        wake = 0;
    }

    /** Takes every queued task and gives each to {@code sink} (at shutdown); returns how many. */
    public int drain(Consumer<Runnable> sink) {
        int n = 0;
        Runnable t;
        while ((t = poll()) != null) {
            sink.accept(t);
            n++;
        }
        return n;
    }
}
