package org.iocp4j.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

import org.iocp4j.internal.linux.LinuxLibrary;
import org.iocp4j.internal.linux.LinuxMemory;
import org.iocp4j.internal.windows.NativeLibraryLoader;
import org.iocp4j.internal.windows.Win32Memory;

/**
 * A zeroed block of off-heap memory: a direct {@link ByteBuffer}, read and written through
 * {@link NativeMemory} at offsets from its start, and the address the block has for native code.
 *
 * <p><b>Addresses.</b> Where the DLL is loaded (the native backend), {@link #address()} is the buffer's real
 * address, asked of the JVM once per region through JNI ({@code GetDirectBufferAddress}): the kernel
 * writes there. So it is where {@code libiocp4j.so} is loaded (the portable backend on Linux, whose file
 * calls go through it), so that no synthetic address can ever reach a system call. Where neither is (the
 * portable backend elsewhere, or its NIO fallback), nothing outside Java ever dereferences an
 * address, so the address is synthetic: unique for the life of the process (never reused, never 0),
 * aligned as the memory is, and in a range no x86-64 process can map ({@code 2^62} up, a non-canonical
 * address), so even a synthetic address passed to a kernel by mistake fails there instead of writing
 * someone's memory. The choice is made per region when it is allocated, after the DLL was tried, so a
 * region always carries a real address in a process where native code may use it.
 *
 * <p><b>Lifetime.</b> The memory belongs to the buffer: the JDK frees it once the buffer (and every view
 * of it) is unreachable, never earlier. An owner that must keep memory the kernel may still write keeps
 * the buffer reachable (see {@code OverlappedSlab}); there is no explicit free, so no use after free.
 */
public final class NativeRegion {

    /** Where synthetic addresses start: non-canonical on x86-64 (4- and 5-level paging alike), positive. */
    static final long SYNTHETIC_BASE = 1L << 62;
    /** Synthetic regions are this far apart at least (a page): an address just past one is in no other. */
    private static final int SYNTHETIC_GAP = 4096;
    private static final AtomicLong NEXT_SYNTHETIC = new AtomicLong(SYNTHETIC_BASE);

    private final ByteBuffer memory;
    private final long address;

    private NativeRegion(ByteBuffer memory, long address) {
        this.memory = memory;
        this.address = address;
    }

    /**
     * Allocates {@code bytes} of zeroed memory aligned to 8 bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public static NativeRegion allocate(int bytes) {
        return allocate(bytes, 8);
    }

    /**
     * Allocates {@code bytes} of zeroed memory whose first byte is aligned to {@code alignment}.
     *
     * @param bytes     the size, positive
     * @param alignment a power of two from 8 to 4096
     * @throws IllegalArgumentException if an argument is out of range
     * @throws OutOfMemoryError         if the direct memory limit is reached
     */
    public static NativeRegion allocate(int bytes, int alignment) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        if (alignment < 8 || alignment > SYNTHETIC_GAP || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two from 8 to 4096: " + alignment);
        }
        long rounded = ((long) bytes + alignment - 1) & -alignment;
        if (rounded + alignment - 1 > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too large for one region: " + bytes + " bytes");
        }
        ByteBuffer raw = ByteBuffer.allocateDirect((int) rounded + alignment - 1); // zeroed by the JDK
        // alignedSlice aligns the real address (Java 9+); the slice keeps `raw`, and so the memory, reachable.
        ByteBuffer memory = raw.alignedSlice(alignment).limit((int) rounded).slice().order(ByteOrder.nativeOrder());
        return new NativeRegion(memory, NativeLibraryLoader.isLoaded() ? Win32Memory.addressOf(memory)
                : LinuxLibrary.isLoaded() ? LinuxMemory.addressOf(memory) : synthetic(rounded));
    }

    private static long synthetic(long bytes) {
        long span = (bytes + SYNTHETIC_GAP - 1) / SYNTHETIC_GAP * SYNTHETIC_GAP + SYNTHETIC_GAP;
        return NEXT_SYNTHETIC.getAndAdd(span);
    }

    /**
     * The memory: position 0, capacity the size rounded up to the alignment, native byte order. Keep it in
     * a {@code final} field; it keeps the memory alive.
     */
    public ByteBuffer memory() {
        return memory;
    }

    /** The address of byte 0, for native code (real where a native library is loaded, else synthetic: see above). */
    public long address() {
        return address;
    }

    /** The usable size in bytes. */
    public int size() {
        return memory.capacity();
    }

    /** Whether {@link #address()} is synthetic (no DLL nor Linux library in this process). */
    public boolean isSynthetic() {
        return address >= SYNTHETIC_BASE;
    }
}
