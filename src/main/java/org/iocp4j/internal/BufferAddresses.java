package org.iocp4j.internal;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * The addresses of the direct buffers a natives class was asked about lately, so a reused buffer (an
 * operation's, read into again and again) costs no JNI call ({@code GetDirectBufferAddress}) per operation:
 * one was about 3% of a page-cached 4 KiB read's CPU time on Linux, a JNI transition beside the system call.
 *
 * <p>Direct-mapped by identity hash, {@link #SIZE} entries, no lock: an entry is written whole (a new
 * object whose address is final) and read racily; a reader that sees another buffer's entry, or an entry
 * whose buffer the GC took, asks the natives class again. Entries hold their buffers weakly, so the cache
 * keeps no buffer, and so no native memory, alive. A direct buffer never moves, so an address found for a
 * buffer that is still the entry's referent is still its address.
 */
public final class BufferAddresses {

    /** Entries: a power of two, above the operations a program typically keeps in flight per process. */
    static final int SIZE = 512;

    private final Entry[] entries = new Entry[SIZE];
    private final ToLongFunction<ByteBuffer> lookUp;

    /** @param lookUp the natives class's checked address look-up, for a buffer not in the cache */
    public BufferAddresses(ToLongFunction<ByteBuffer> lookUp) {
        this.lookUp = lookUp;
    }

    /**
     * A cache over a natives class's raw {@code GetDirectBufferAddress} ({@code 0} for a buffer that is not
     * direct), checked as {@link DirectBuffers} checks every address: a heap or null-address buffer is
     * refused with its message, and never cached.
     *
     * @param address0 the natives class's {@code GetDirectBufferAddress}
     * @return the cache
     */
    public static BufferAddresses overNative(ToLongFunction<ByteBuffer> address0) {
        return new BufferAddresses(
                direct -> DirectBuffers.requireAddress(address0.applyAsLong(DirectBuffers.requireDirect(direct))));
    }

    /**
     * The address of {@code direct}'s element 0, from the cache or the look-up (whose exceptions pass
     * through: a heap buffer is never cached, so it always reaches the look-up's check).
     *
     * @throws NullPointerException if {@code direct} is null
     */
    public long addressOf(ByteBuffer direct) {
        Objects.requireNonNull(direct, "buffer");
        int index = System.identityHashCode(direct) & (SIZE - 1);
        Entry e = entries[index];
        if (e != null && e.get() == direct) {
            return e.address;
        }
        long address = lookUp.applyAsLong(direct);
        entries[index] = new Entry(direct, address);
        return address;
    }

    /** One buffer and its address. */
    private static final class Entry extends WeakReference<ByteBuffer> {
        final long address;

        Entry(ByteBuffer buffer, long address) {
            super(buffer);
            this.address = address;
        }
    }
}
