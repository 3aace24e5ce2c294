package org.iocp4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.Win32Layout;

/**
 * A reusable off-heap array of {@code OVERLAPPED_ENTRY}s that
 * {@link CompletionPort#poll(CompletionBatch, long, java.util.concurrent.TimeUnit)} fills, read through
 * flyweight accessors: polling into it and reading it allocate nothing.
 *
 * <p>The memory has the layout of {@code OVERLAPPED_ENTRY[capacity]} (32 bytes each) so the native
 * backend hands it straight to {@code GetQueuedCompletionStatusEx}; after the call each entry's
 * {@code Internal} field holds the operation's Win32 error code rather than the kernel's NTSTATUS.
 *
 * <p>A batch is used by one thread at a time. Polling into a batch another thread is filling, or
 * closing a batch while a poll fills it, cannot corrupt memory: the first throws
 * {@link IllegalStateException}, the second takes effect once the poll has returned. The memory is a
 * direct buffer the batch holds: the JDK frees it once the batch is unreachable, so no poll, not even one
 * racing a close, can write freed memory.
 */
public final class CompletionBatch implements AutoCloseable {

    /** The largest capacity accepted (64 MiB of entries would be absurd; 1 Mi entries is 32 MiB). */
    public static final int MAX_CAPACITY = 1 << 20;

    private static final int IDLE = 0;
    private static final int FILLING = 1;
    private static final int CLOSE_PENDING = 2;
    private static final int CLOSED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CompletionBatch.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final NativeRegion region;
    /** The entries: {@link #region}'s buffer, kept in a field of its own for the accessors (hot). */
    private final ByteBuffer entries;
    private volatile int state;
    private int size;

    private CompletionBatch(int capacity) {
        this.capacity = capacity;
        this.region = NativeRegion.allocate(capacity * Win32Layout.ENTRY_SIZE);
        this.entries = region.memory();
    }

    /**
     * Allocates a batch of {@code capacity} entries off-heap.
     *
     * @param capacity the most packets one poll can return, 1 to {@link #MAX_CAPACITY}
     * @return the batch; close it when done (its memory goes with it once unreachable)
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static CompletionBatch allocate(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be between 1 and " + MAX_CAPACITY + ": " + capacity);
        }
        return new CompletionBatch(capacity);
    }

    /**
     * The number of entries the batch holds.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The number of packets the last poll returned.
     *
     * @return 0 to {@link #capacity()}
     */
    public int size() {
        return size;
    }

    /**
     * The completion key of entry {@code i}.
     *
     * @param i an index below {@link #size()}
     * @return the key
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #size()}
     */
    public long key(int i) {
        return NativeMemory.getLong(entries, entry(i) + Win32Layout.ENTRY_KEY);
    }

    /**
     * The {@code OVERLAPPED} address of entry {@code i}, 0 for a packet posted without one.
     *
     * @param i an index below {@link #size()}
     * @return the address
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #size()}
     */
    public long overlappedAddress(int i) {
        return NativeMemory.getLong(entries, entry(i) + Win32Layout.ENTRY_OVERLAPPED);
    }

    /**
     * The bytes transferred for entry {@code i}, an unsigned {@code DWORD}.
     *
     * @param i an index below {@link #size()}
     * @return the byte count
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #size()}
     */
    public int bytesTransferred(int i) {
        return NativeMemory.getInt(entries, entry(i) + Win32Layout.ENTRY_BYTES);
    }

    /**
     * The Win32 error code of entry {@code i}'s operation, 0 on success.
     *
     * @param i an index below {@link #size()}
     * @return the error code
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #size()}
     */
    public int errorCode(int i) {
        return (int) NativeMemory.getLong(entries, entry(i) + Win32Layout.ENTRY_STATUS);
    }

    /**
     * Whether entry {@code i}'s operation succeeded.
     *
     * @param i an index below {@link #size()}
     * @return true if {@link #errorCode(int)} is 0
     * @throws IndexOutOfBoundsException if {@code i} is not below {@link #size()}
     */
    public boolean isSuccess(int i) {
        return errorCode(i) == 0;
    }

    /**
     * Closes the batch: no poll fills it again, and its memory goes once the batch is unreachable.
     * Harmless to call twice. If a poll is filling the batch, the close takes effect when that poll
     * returns.
     */
    @Override
    public void close() {
        for (;;) {
            int s = state;
            if (s == CLOSED || s == CLOSE_PENDING) {
                return;
            }
            if (s == IDLE && STATE.compareAndSet(this, IDLE, CLOSED)) {
                size = 0;
                return;
            }
            if (s == FILLING && STATE.compareAndSet(this, FILLING, CLOSE_PENDING)) {
                return;
            }
        }
    }

    /** The offset of entry {@code i}. */
    private int entry(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("entry " + i + " of a batch holding " + size);
        }
        return i * Win32Layout.ENTRY_SIZE;
    }

    /**
     * Claims the batch for a poll (a port, through {@link PortHolders}), returning its memory; pair with
     * {@link #endFill}.
     */
    NativeRegion beginFill() {
        if (!STATE.compareAndSet(this, IDLE, FILLING)) {
            throw new IllegalStateException(state == FILLING
                    ? "another thread is polling into this batch" : "the batch is closed");
        }
        size = 0;
        return region;
    }

    /** Publishes {@code filled} entries and releases the claim, closing the batch if close() came meanwhile. */
    void endFill(int filled) {
        size = filled;
        if (!STATE.compareAndSet(this, FILLING, IDLE)) {
            // close() was called during the poll: the poll is over, so it takes effect now.
            size = 0;
            state = CLOSED;
        }
    }
}
