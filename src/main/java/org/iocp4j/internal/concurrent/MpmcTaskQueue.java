package org.iocp4j.internal.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

// The layers below pad by inheritance: the JVM lays out a superclass's fields before a subclass's and
// reorders only within a class, so each hot field gets cache lines of its own (PaddingLayoutTest prints the
// offsets). Byte padding, as JCTools does, fills any hole the layout leaves, so no later field drops into one.

/** Padding before the cold fields: away from the previous object in the heap. */
abstract class MpmcTaskQueueL0Pad {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** What never changes after construction: read by every producer and consumer, written by none. */
abstract class MpmcTaskQueueColdFields extends MpmcTaskQueueL0Pad {
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TASK = MethodHandles.arrayElementVarHandle(Object[].class);

    final int bound;
    final int mask;
    final long cells;
    private final long[] sequences;
    private final Object[] tasks;

    MpmcTaskQueueColdFields(int bound) {
        if (bound < 1 || bound > 1 << 30) {
            throw new IllegalArgumentException("bound must be in 1..2^30: " + bound);
        }
        int cells = Math.max(2, Integer.highestOneBit(bound - 1 > 0 ? bound - 1 : 1) << 1);
        this.bound = bound;
        this.mask = cells - 1;
        this.cells = cells;
        this.sequences = new long[cells];
        this.tasks = new Object[cells];
        for (int i = 0; i < cells; i++) {
            sequences[i] = i;
        }
    }

    final long laSequence(int cell) {
        return (long) SEQUENCE.getAcquire(sequences, cell);
    }

    final long lvSequence(int cell) {
        return (long) SEQUENCE.getVolatile(sequences, cell);
    }

    final void soSequence(int cell, long value) {
        SEQUENCE.setRelease(sequences, cell, value);
    }

    final void svSequence(int cell, long value) {
        SEQUENCE.setVolatile(sequences, cell, value);
    }

    final Object laTask(int cell) {
        return TASK.getAcquire(tasks, cell);
    }

    final void soTask(int cell, Object task) {
        TASK.setRelease(tasks, cell, task);
    }
}

/** Padding between the cold fields and the producers' index. */
abstract class MpmcTaskQueueL1Pad extends MpmcTaskQueueColdFields {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcTaskQueueL1Pad(int bound) {
        super(bound);
    }
}

/** The producers' index (the tail): every offer CASes it. */
abstract class MpmcTaskQueueProducerIndexField extends MpmcTaskQueueL1Pad {
    private static final VarHandle PRODUCER_INDEX =
            FieldHandles.of(MethodHandles.lookup(), MpmcTaskQueueProducerIndexField.class, "producerIndex", long.class);

    private volatile long producerIndex;

    MpmcTaskQueueProducerIndexField(int bound) {
        super(bound);
    }

    final long lvProducerIndex() {
        return producerIndex;
    }

    final boolean casProducerIndex(long expect, long update) {
        return PRODUCER_INDEX.compareAndSet(this, expect, update);
    }
}

/** Padding between the producers' index and their copy of the consumers' index. */
abstract class MpmcTaskQueueL2Pad extends MpmcTaskQueueProducerIndexField {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcTaskQueueL2Pad(int bound) {
        super(bound);
    }
}

/**
 * The producers' copy of the consumers' index: read by every offer, written only when it says the queue may
 * be full, so the consumers' line does not travel to every producer on every offer.
 */
abstract class MpmcTaskQueueConsumerIndexCacheField extends MpmcTaskQueueL2Pad {
    private long consumerIndexCache;

    MpmcTaskQueueConsumerIndexCacheField(int bound) {
        super(bound);
    }

    final long lpConsumerIndexCache() {
        return consumerIndexCache;
    }

    final void spConsumerIndexCache(long value) {
        consumerIndexCache = value;
    }
}

/** Padding between the producers' lines and the consumers' index. */
abstract class MpmcTaskQueueL3Pad extends MpmcTaskQueueConsumerIndexCacheField {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcTaskQueueL3Pad(int bound) {
        super(bound);
    }
}

/** The consumers' index (the head): every poll CASes it. */
abstract class MpmcTaskQueueConsumerIndexField extends MpmcTaskQueueL3Pad {
    private static final VarHandle CONSUMER_INDEX =
            FieldHandles.of(MethodHandles.lookup(), MpmcTaskQueueConsumerIndexField.class, "consumerIndex", long.class);

    private volatile long consumerIndex;

    MpmcTaskQueueConsumerIndexField(int bound) {
        super(bound);
    }

    final long lvConsumerIndex() {
        return consumerIndex;
    }

    final boolean casConsumerIndex(long expect, long update) {
        return CONSUMER_INDEX.compareAndSet(this, expect, update);
    }
}

/** Padding between the consumers' index and the wake flag. */
abstract class MpmcTaskQueueL4Pad extends MpmcTaskQueueConsumerIndexField {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcTaskQueueL4Pad(int bound) {
        super(bound);
    }
}

/**
 * The wake flag: read by every producer after its offer, written once per wake-up. A long, not an int, like
 * every hot field here: an int slips into the 4-byte hole the layout leaves before the padding layer ahead
 * of it, 4 bytes closer to its neighbour than the padding says (PaddingLayoutTest showed it).
 */
abstract class MpmcTaskQueueWakeField extends MpmcTaskQueueL4Pad {
    private static final VarHandle WAKE =
            FieldHandles.of(MethodHandles.lookup(), MpmcTaskQueueWakeField.class, "wake", long.class);

    private volatile long wake;

    MpmcTaskQueueWakeField(int bound) {
        super(bound);
    }

    final long lvWake() {
        return wake;
    }

    final boolean casWake(long expect, long update) {
        return WAKE.compareAndSet(this, expect, update);
    }

    final void svWake(long value) {
        wake = value;
    }
}

/** Padding after the wake flag: away from the next object in the heap. */
abstract class MpmcTaskQueueL5Pad extends MpmcTaskQueueWakeField {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcTaskQueueL5Pad(int bound) {
        super(bound);
    }
}

/**
 * A dispatcher's queue of work items (plain tasks, or posted completions): a bounded multi-producer,
 * multi-consumer FIFO ring of references
 * (Dmitry Vyukov's sequence-numbered ring, as in {@link MpmcPacketQueue}), and the flag that says whether a
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
 *
 * <p>The producers' index, their copy of the consumers' index, the consumers' index and the wake flag each
 * sit on cache lines of their own (the layers above).
 */
public final class MpmcTaskQueue<E> extends MpmcTaskQueueL5Pad {

    /** @param bound the most tasks queued at once, at least 1 */
    public MpmcTaskQueue(int bound) {
        super(bound);
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
    public boolean offer(E task) {
        for (;;) {
            long pos = lvProducerIndex();
            if (pos - lpConsumerIndexCache() >= bound) {
                long h = lvConsumerIndex();
                // a racy hint: a stale (smaller) copy only sends the next producer here again
                spConsumerIndexCache(h);
                if (pos - h >= bound) {
                    if (pos != lvProducerIndex()) {
                        continue;
                    }
                    return false;
                }
            }
            int cell = (int) pos & mask;
            long lag = laSequence(cell) - pos;
            if (lag < 0) {
                // The consumer of the last lap claimed this cell (the bound says so) and is about to
                // release it: a few instructions away.
                Thread.onSpinWait();
                continue;
            }
            if (lag == 0 && casProducerIndex(pos, pos + 1)) {
                soTask(cell, task);
                svSequence(cell, pos + 1);
                return true;
            }
            // else another producer took pos: read the tail again
        }
    }

    /** @return the oldest queued task, taken off the queue; null if none is published at the head */
    @SuppressWarnings("unchecked") // only offer(E) stores into the cells
    public E poll() {
        for (;;) {
            long pos = lvConsumerIndex();
            int cell = (int) pos & mask;
            long lag = laSequence(cell) - (pos + 1);
            if (lag < 0) {
                return null; // nothing published at pos yet
            }
            if (lag > 0) {
                continue; // another consumer took pos (and released its cell) since this one read the head
            }
            if (casConsumerIndex(pos, pos + 1)) {
                E task = (E) laTask(cell);
                soTask(cell, null); // the queue holds no task it has handed out
                soSequence(cell, pos + cells);
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
            long pos = lvConsumerIndex();
            long lag = lvSequence((int) pos & mask) - (pos + 1);
            if (lag <= 0) {
                return lag < 0;
            }
        }
    }

    /** @return tasks queued now (exact when nobody is offering or polling) */
    public int size() {
        long h = lvConsumerIndex();
        long t = lvProducerIndex();
        return (int) Math.max(0, Math.min(bound, t - h));
    }

    /** @return tasks ever accepted */
    public long offered() {
        return lvProducerIndex();
    }

    /** @return tasks ever taken off the queue */
    public long taken() {
        return lvConsumerIndex();
    }

    /**
     * Claims the right to post a wake-up packet: true for exactly one caller until {@link #wakeTaken}
     * (or {@link #wakeFailed}); false while a wake-up is already on its way (one read, no write).
     */
    public boolean claimWake() {
        return lvWake() == 0 && casWake(0L, 1L);
    }

    /**
     * An I/O thread dequeued the wake-up packet: the next task offered needs a new one. Call before
     * draining the queue (a volatile store, ordered before the drain's reads).
     */
    public void wakeTaken() {
        svWake(0);
    }

    /** The wake-up claimed by {@link #claimWake} could not be posted: the next caller tries again. */
    public void wakeFailed() {
        svWake(0);
    }

    /** Takes every queued task and gives each to {@code sink} (at shutdown); returns how many. */
    public int drain(Consumer<? super E> sink) {
        int n = 0;
        E t;
        while ((t = poll()) != null) {
            sink.accept(t);
            n++;
        }
        return n;
    }
}
