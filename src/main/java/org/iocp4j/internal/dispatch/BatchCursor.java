package org.iocp4j.internal.dispatch;

/**
 * The codec of an I/O thread's batch cursor, {@code size << 32 | next}: how far the thread got through
 * the batch it dequeued, in one word, so its owner claims an entry and a mover claims the whole rest with
 * one CAS each ({@link IoThread}).
 */
final class BatchCursor {

    private BatchCursor() {
    }

    static long of(int size, int next) {
        return (long) size << 32 | next;
    }

    static int size(long cursor) {
        return (int) (cursor >>> 32);
    }

    static int next(long cursor) {
        return (int) cursor;
    }

    /** Entries nobody claimed yet. */
    static int unclaimed(long cursor) {
        return size(cursor) - next(cursor);
    }
}
