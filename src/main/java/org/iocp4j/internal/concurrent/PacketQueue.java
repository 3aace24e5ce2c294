package org.iocp4j.internal.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.Win32Layout;

/**
 * The portable port's lock-free packet queue: a bounded multi-producer, multi-consumer FIFO ring of
 * primitive columns (Dmitry Vyukov's sequence-numbered ring), so posting and taking need no lock and
 * allocate nothing.
 *
 * <p>Each cell has a sequence number: {@code pos} when the cell is free for the producer of position
 * {@code pos}, {@code pos + 1} once that producer published it, {@code pos + capacity} once its consumer
 * released it for the next lap. A producer claims a position with a CAS on the tail, a consumer claims
 * a run of published positions with one CAS on the head (a whole batch for the price of one CAS).
 *
 * <p>A full ring refuses ({@link #offer} returns false): the port then queues in its overflow ring under
 * its lock, so the port as a whole stays unbounded like the kernel's queue.
 */
public final class PacketQueue {

    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(PacketQueue.class, "head", long.class);
            TAIL = lookup.findVarHandle(PacketQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    private final long capacity;
    private final long[] sequences;
    private final long[] keys;
    private final long[] overlappeds;
    private final int[] bytes;
    private final int[] errors;

    // Head and tail on cache lines of their own: consumers CAS one, producers the other.
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private volatile long head;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    private volatile long tail;
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;

    /** @param capacity a power of two */
    public PacketQueue(int capacity) {
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

    /** Queues a packet; false if the ring is full (nothing was queued). */
    public boolean offer(long key, int byteCount, long overlapped, int error) {
        for (;;) {
            long pos = tail;
            int cell = (int) pos & mask;
            long seq = (long) SEQ.getAcquire(sequences, cell);
            long lag = seq - pos;
            if (lag == 0) {
                if (TAIL.compareAndSet(this, pos, pos + 1)) {
                    keys[cell] = key;
                    overlappeds[cell] = overlapped;
                    bytes[cell] = byteCount;
                    errors[cell] = error;
                    // Volatile, not just release: the port reads its waiter count next, and that read
                    // must not move above this publication (a Dekker pair with a thread about to wait).
                    SEQ.setVolatile(sequences, cell, pos + 1);
                    return true;
                }
            } else if (lag < 0) {
                return false; // the cell still holds last lap's packet: full
            }
            // else another producer took pos: read the tail again
        }
    }

    /**
     * Takes up to {@code max} packets, oldest first, into {@code OVERLAPPED_ENTRY}s at {@code entries}.
     *
     * @return how many were taken; 0 if none is published at the head
     */
    public int drainTo(long entries, int max) {
        for (;;) {
            long pos = head;
            int n = published(pos, max);
            if (n == 0) {
                return 0;
            }
            if (n < 0) {
                continue;
            }
            if (HEAD.compareAndSet(this, pos, pos + n)) {
                for (int i = 0; i < n; i++) {
                    int cell = (int) (pos + i) & mask;
                    long entry = entries + (long) i * Win32Layout.ENTRY_SIZE;
                    NativeMemory.putLong(entry + Win32Layout.ENTRY_KEY, keys[cell]);
                    NativeMemory.putLong(entry + Win32Layout.ENTRY_OVERLAPPED, overlappeds[cell]);
                    NativeMemory.putLong(entry + Win32Layout.ENTRY_STATUS, errors[cell]);
                    NativeMemory.putInt(entry + Win32Layout.ENTRY_BYTES, bytes[cell]);
                    SEQ.setRelease(sequences, cell, pos + i + capacity);
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
            long pos = head;
            int n = published(pos, 1);
            if (n == 0) {
                return -1;
            }
            if (n < 0) {
                continue;
            }
            if (HEAD.compareAndSet(this, pos, pos + 1)) {
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
        SEQ.setRelease(sequences, (int) pos & mask, pos + capacity);
    }

    /**
     * Whether a packet is published at the head. A volatile read, so a thread that announced itself as
     * a waiter and then sees false knows every producer that published before will see its announcement.
     */
    public boolean isEmpty() {
        for (;;) {
            long pos = head;
            long lag = (long) SEQ.getVolatile(sequences, (int) pos & mask) - (pos + 1);
            if (lag <= 0) {
                return lag < 0;
            }
            // the head moved on while this looked (its cell already released): not "empty", look again
        }
    }

    /** Packets queued or being queued now (approximate while producers and consumers run). */
    public int size() {
        long h = head;
        long t = tail;
        return (int) Math.max(0, Math.min(capacity, t - h));
    }

    /**
     * How many consecutive packets from {@code pos} are published, at most {@code max}; -1 if the head has
     * moved past {@code pos} meanwhile (read it again).
     */
    private int published(long pos, int max) {
        int n = 0;
        for (; n < max; n++) {
            long lag = (long) SEQ.getAcquire(sequences, (int) (pos + n) & mask) - (pos + n + 1);
            if (lag != 0) {
                // Past pos + 1 at the first cell: another consumer took pos and released its cell since
                // the head was read. That is a moved head, not an empty queue.
                return n == 0 && lag > 0 ? -1 : n;
            }
        }
        return n;
    }
}
