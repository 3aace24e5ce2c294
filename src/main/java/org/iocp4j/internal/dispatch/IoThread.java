package org.iocp4j.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.iocp4j.CompletionBatch;

/**
 * An I/O thread of an {@link IoThreadPool}: its activity record, the work it runs, and how far it got
 * through its batch in one word ({@link BatchCursor}), so the gate thread can take the rest of a batch
 * whose thread blocked. The owner claims each entry with a CAS on that word; a mover claims all the rest
 * with one.
 */
public final class IoThread extends Thread {

    private static final VarHandle CURSOR;

    static {
        try {
            CURSOR = MethodHandles.lookup().findVarHandle(IoThread.class, "cursor", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IoThreadPool pool;
    private final IoThreadPool.Activity activity;
    /** The batch being dispatched: a mover copies its unclaimed rest from here. */
    CompletionBatch batch;
    private volatile long cursor;
    /** Set while a mover copies from {@link #batch}: the owner waits before reusing it. */
    private volatile boolean moving;
    /** The cursor the gate thread saw at its last look (gate thread only). */
    long cursorSeen;

    IoThread(IoThreadPool pool, String name) {
        super(name);
        this.pool = pool;
        this.activity = new IoThreadPool.Activity(pool);
        setDaemon(true);
    }

    @Override
    public void run() {
        pool.run(this);
    }

    /** @return the work this thread runs */
    public IoThreadPool.Work work() {
        return pool.work();
    }

    /** @return this thread's activity record (written by this thread alone) */
    public IoThreadPool.Activity activity() {
        return activity;
    }

    /** @return whether this idle thread retires (then it must return): yes while more than the minimum live */
    public boolean tryRetire() {
        return pool.tryRetire(this);
    }

    /** The thread dequeued {@code size} entries into {@link #batch}, none claimed yet. */
    void publish(int size) {
        cursor = BatchCursor.of(size, 0);
    }

    /** The next entry to dispatch, or -1 when the batch is done (or its rest was moved away). */
    int claim() {
        for (;;) {
            long c = cursor;
            int next = BatchCursor.next(c);
            if (next >= BatchCursor.size(c)) {
                return -1;
            }
            if (CURSOR.compareAndSet(this, c, c + 1)) {
                return next;
            }
        }
    }

    long cursor() {
        return cursor;
    }

    /** Whether entries of the batch this thread dispatches still wait for it (unless a mover takes them). */
    boolean batchLeft() {
        return BatchCursor.unclaimed(cursor) > 0;
    }

    /** A mover takes every entry past {@code seen}'s next at once: true if nobody claimed one meanwhile. */
    boolean claimRest(long seen) {
        int end = BatchCursor.size(seen);
        return CURSOR.compareAndSet(this, seen, BatchCursor.of(end, end));
    }

    void moving(boolean on) {
        moving = on;
    }

    /** Waits for a mover to finish copying from the batch before the next poll reuses its memory. */
    void awaitMover() {
        while (moving) {
            Thread.onSpinWait();
        }
    }
}
