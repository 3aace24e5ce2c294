package org.iocp4j.internal.portable;

import java.nio.ByteBuffer;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.Win32Layout;

/**
 * The portable port's packet queue: a FIFO ring of primitive columns that grows by doubling and never
 * allocates per packet once grown. Not thread-safe: {@link PortableCompletionPort} guards it with its lock.
 * Unpadded on purpose: one thread at a time touches it, and reads its fields together.
 */
final class PacketRing {

    private static final int INITIAL_CAPACITY = 256;

    private long[] keys;
    private long[] overlappeds;
    private int[] bytes;
    private int[] errors;
    private int head;
    private int size;

    PacketRing() {
        allocate(INITIAL_CAPACITY);
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        overlappeds = new long[capacity];
        bytes = new int[capacity];
        errors = new int[capacity];
    }

    int size() {
        return size;
    }

    void add(long key, int byteCount, long overlapped, int error) {
        if (size == keys.length) {
            grow();
        }
        int tail = (head + size) & (keys.length - 1);
        keys[tail] = key;
        overlappeds[tail] = overlapped;
        bytes[tail] = byteCount;
        errors[tail] = error;
        size++;
    }

    long headKey() {
        return keys[head];
    }

    long headOverlapped() {
        return overlappeds[head];
    }

    int headBytes() {
        return bytes[head];
    }

    int headError() {
        return errors[head];
    }

    void removeHead() {
        head = (head + 1) & (keys.length - 1);
        size--;
    }

    /**
     * Moves up to {@code max} packets into the {@code OVERLAPPED_ENTRY}s of {@code entries}, from entry
     * {@code first} on; returns how many.
     */
    int drainTo(ByteBuffer entries, int first, int max) {
        int n = Math.min(max, size);
        for (int i = 0; i < n; i++) {
            int entry = (first + i) * Win32Layout.ENTRY_SIZE;
            NativeMemory.putLong(entries, entry + Win32Layout.ENTRY_KEY, keys[head]);
            NativeMemory.putLong(entries, entry + Win32Layout.ENTRY_OVERLAPPED, overlappeds[head]);
            NativeMemory.putLong(entries, entry + Win32Layout.ENTRY_STATUS, errors[head]);
            NativeMemory.putInt(entries, entry + Win32Layout.ENTRY_BYTES, bytes[head]);
            removeHead();
        }
        return n;
    }

    /** Drops every packet and shrinks back, so a closed port holds no large arrays. */
    void clear() {
        head = 0;
        size = 0;
        allocate(INITIAL_CAPACITY);
    }

    private void grow() {
        int capacity = keys.length;
        if (capacity >= 1 << 30) {
            throw new OutOfMemoryError("the portable completion port holds 2^30 packets");
        }
        long[] k = keys;
        long[] o = overlappeds;
        int[] b = bytes;
        int[] e = errors;
        allocate(capacity << 1);
        for (int i = 0; i < size; i++) {
            int from = (head + i) & (capacity - 1);
            keys[i] = k[from];
            overlappeds[i] = o[from];
            bytes[i] = b[from];
            errors[i] = e[from];
        }
        head = 0;
    }
}
