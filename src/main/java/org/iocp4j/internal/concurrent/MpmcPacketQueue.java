package org.iocp4j.internal.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.Win32Layout;

// Padded by inheritance, as MpmcTaskQueue is (its file says why; PaddingLayoutTest prints the offsets).

/** Padding before the cold fields: away from the previous object in the heap. */
abstract class MpmcPacketQueueL0Pad {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** What never changes after construction: the ring's columns and their size. */
abstract class MpmcPacketQueueColdFields extends MpmcPacketQueueL0Pad {
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);

    final int mask;
    final long capacity;
    private final long[] sequences;
    final long[] keys;
    final long[] overlappeds;
    final int[] bytes;
    final int[] errors;

    MpmcPacketQueueColdFields(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        this.mask = capacity - 1;
        this.capacity = capacity;
        this.sequences = new long[capacity];
        this.keys = new long[capacity];
        this.overlappeds = new long[capacity];
        this.bytes = new int[capacity];
        this.errors = new int[capacity];
        for (int i = 0; i < capacity; i++) {
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
}

/** Padding between the cold fields and the producers' index. */
abstract class MpmcPacketQueueL1Pad extends MpmcPacketQueueColdFields {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcPacketQueueL1Pad(int capacity) {
        super(capacity);
    }
}

/** The producers' index (the tail): every offer CASes it. */
abstract class MpmcPacketQueueProducerIndexField extends MpmcPacketQueueL1Pad {
    private static final VarHandle PRODUCER_INDEX =
            FieldHandles.of(MethodHandles.lookup(), MpmcPacketQueueProducerIndexField.class, "producerIndex", long.class);

    private volatile long producerIndex;

    MpmcPacketQueueProducerIndexField(int capacity) {
        super(capacity);
    }

    final long lvProducerIndex() {
        return producerIndex;
    }

    final boolean casProducerIndex(long expect, long update) {
        return PRODUCER_INDEX.compareAndSet(this, expect, update);
    }
}

/** Padding between the producers' index and the consumers'. */
abstract class MpmcPacketQueueL2Pad extends MpmcPacketQueueProducerIndexField {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcPacketQueueL2Pad(int capacity) {
        super(capacity);
    }
}

/** The consumers' index (the head): every drain or claim CASes it. */
abstract class MpmcPacketQueueConsumerIndexField extends MpmcPacketQueueL2Pad {
    private static final VarHandle CONSUMER_INDEX =
            FieldHandles.of(MethodHandles.lookup(), MpmcPacketQueueConsumerIndexField.class, "consumerIndex", long.class);

    private volatile long consumerIndex;

    MpmcPacketQueueConsumerIndexField(int capacity) {
        super(capacity);
    }

    final long lvConsumerIndex() {
        return consumerIndex;
    }

    final boolean casConsumerIndex(long expect, long update) {
        return CONSUMER_INDEX.compareAndSet(this, expect, update);
    }
}

/** Padding after the consumers' index: away from the next object in the heap. */
abstract class MpmcPacketQueueL3Pad extends MpmcPacketQueueConsumerIndexField {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;

    MpmcPacketQueueL3Pad(int capacity) {
        super(capacity);
    }
}

/**
 * The portable port's lock-free packet queue: a bounded multi-producer, multi-consumer FIFO ring of
 * primitive columns (Dmitry Vyukov's sequence-numbered ring), so posting and taking need no lock and
 * allocate nothing.
 *
 * <p>Each cell has a sequence number: {@code pos} when the cell is free for the producer of position
 * {@code pos}, {@code pos + 1} once that producer published it, {@code pos + capacity} once its consumer
 * released it for the next lap. A producer claims a position with a CAS on the tail, a consumer claims
 * a run of published positions with one CAS on the head (a whole batch for the price of one CAS). The
 * tail and the head sit on cache lines of their own (the layers above).
 *
 * <p>A full ring refuses ({@link #offer} returns false): the port then queues in its overflow ring under
 * its lock, so the port as a whole stays unbounded like the kernel's queue.
 */
public final class MpmcPacketQueue extends MpmcPacketQueueL3Pad {

    /** @param capacity a power of two */
    public MpmcPacketQueue(int capacity) {
        super(capacity);
    }

    /** Queues a packet; false if the ring is full (nothing was queued). */
    public boolean offer(long key, int byteCount, long overlapped, int error) {
        for (;;) {
            long pos = lvProducerIndex();
            int cell = (int) pos & mask;
            long lag = laSequence(cell) - pos;
            if (lag == 0) {
                if (casProducerIndex(pos, pos + 1)) {
                    keys[cell] = key;
                    overlappeds[cell] = overlapped;
                    bytes[cell] = byteCount;
                    errors[cell] = error;
                    // Volatile, not just release: the port reads its waiter count next, and that read
                    // must not move above this publication (a Dekker pair with a thread about to wait).
                    svSequence(cell, pos + 1);
                    return true;
                }
            } else if (lag < 0) {
                return false; // the cell still holds last lap's packet: full
            }
            // else another producer took pos: read the tail again
        }
    }

    /**
     * Takes up to {@code max} packets, oldest first, into the {@code OVERLAPPED_ENTRY}s of {@code entries}.
     *
     * @return how many were taken; 0 if none is published at the head
     */
    public int drainTo(ByteBuffer entries, int max) {
        for (;;) {
            long pos = lvConsumerIndex();
            int n = published(pos, max);
            if (n == 0) {
                return 0;
            }
            if (n < 0) {
                continue;
            }
            if (casConsumerIndex(pos, pos + n)) {
                for (int i = 0; i < n; i++) {
                    int cell = (int) (pos + i) & mask;
                    int entry = i * Win32Layout.ENTRY_SIZE;
                    NativeMemory.putLong(entries, entry + Win32Layout.ENTRY_KEY, keys[cell]);
                    NativeMemory.putLong(entries, entry + Win32Layout.ENTRY_OVERLAPPED, overlappeds[cell]);
                    NativeMemory.putLong(entries, entry + Win32Layout.ENTRY_STATUS, errors[cell]);
                    NativeMemory.putInt(entries, entry + Win32Layout.ENTRY_BYTES, bytes[cell]);
                    soSequence(cell, pos + i + capacity);
                }
                return n;
            }
        }
    }

    /**
     * Claims the oldest packet for a single-packet poll: read it with the {@code ...At} accessors, then
     * hand the cell back with {@link #release}.
     *
     * @return the claimed position, or -1 if none is published at the head
     */
    public long claimOne() {
        for (;;) {
            long pos = lvConsumerIndex();
            int n = published(pos, 1);
            if (n == 0) {
                return -1;
            }
            if (n < 0) {
                continue;
            }
            if (casConsumerIndex(pos, pos + 1)) {
                return pos;
            }
        }
    }

    /** The completion key of the packet at {@code pos}, a position {@link #claimOne} returned. */
    public long keyAt(long pos) {
        return keys[(int) pos & mask];
    }

    /** The byte count of the packet at {@code pos}, a position {@link #claimOne} returned. */
    public int bytesAt(long pos) {
        return bytes[(int) pos & mask];
    }

    /** The OVERLAPPED address of the packet at {@code pos}, a position {@link #claimOne} returned. */
    public long overlappedAt(long pos) {
        return overlappeds[(int) pos & mask];
    }

    /** The Win32 error of the packet at {@code pos}, a position {@link #claimOne} returned. */
    public int errorAt(long pos) {
        return errors[(int) pos & mask];
    }

    /** Gives the cell at {@code pos} back to the producers once its packet has been read. */
    public void release(long pos) {
        soSequence((int) pos & mask, pos + capacity);
    }

    /**
     * Whether a packet is published at the head. A volatile read, so a thread that announced itself as
     * a waiter and then sees false knows every producer that published before will see its announcement.
     */
    public boolean isEmpty() {
        for (;;) {
            long pos = lvConsumerIndex();
            long lag = lvSequence((int) pos & mask) - (pos + 1);
            if (lag <= 0) {
                return lag < 0;
            }
            // the head moved on while this looked (its cell already released): not "empty", look again
        }
    }

    /** Packets queued or being queued now (approximate while producers and consumers run). */
    public int size() {
        long h = lvConsumerIndex();
        long t = lvProducerIndex();
        return (int) Math.max(0, Math.min(capacity, t - h));
    }

    /**
     * How many consecutive packets from {@code pos} are published, at most {@code max}; -1 if the head has
     * moved past {@code pos} meanwhile (read it again).
     */
    private int published(long pos, int max) {
        int n = 0;
        for (; n < max; n++) {
            long lag = laSequence((int) (pos + n) & mask) - (pos + n + 1);
            if (lag != 0) {
                // Past pos + 1 at the first cell: another consumer took pos and released its cell since
                // the head was read. That is a moved head, not an empty queue.
                return n == 0 && lag > 0 ? -1 : n;
            }
        }
        return n;
    }
}
