package org.iocp4j.internal;

import java.lang.ref.Cleaner;
import java.lang.reflect.Field;

import sun.misc.Unsafe;

/**
 * The one place iocp4j touches raw off-heap memory (Agrona's {@code UnsafeBuffer} idea), so that a move
 * to the JDK's foreign-memory API later changes this file only.
 *
 * <p>Addresses are plain {@code long}s. Nothing here checks bounds: callers own the layout and check
 * indices before computing an address. Memory from {@link #allocateZeroed} is 8-byte aligned (malloc).
 */
public final class NativeMemory {

    private static final Unsafe UNSAFE = loadUnsafe();
    private static final Cleaner CLEANER = Cleaner.create();

    private NativeMemory() {
    }

    private static Unsafe loadUnsafe() {
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError(
                    "iocp4j needs sun.misc.Unsafe (module jdk.unsupported) for off-heap memory: " + e);
        }
    }

    /** Allocates {@code bytes} of zeroed off-heap memory; release it with {@link #free}. */
    public static long allocateZeroed(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        long address = UNSAFE.allocateMemory(bytes);
        UNSAFE.setMemory(address, bytes, (byte) 0);
        return address;
    }

    /** Frees memory from {@link #allocateZeroed}; {@code 0} is ignored. */
    public static void free(long address) {
        if (address != 0) {
            UNSAFE.freeMemory(address);
        }
    }

    /**
     * Frees {@code address} when {@code owner} becomes unreachable, or earlier through the returned
     * {@code clean()}, whichever comes first: exactly once either way. Only for memory the kernel never
     * writes on its own (an OVERLAPPED that may be pending is never freed this way).
     */
    public static Cleaner.Cleanable freeWhenUnreachable(Object owner, long address) {
        return CLEANER.register(owner, () -> free(address));
    }

    /** A volatile read of the 8-byte-aligned long at {@code address}. */
    public static long getLongVolatile(long address) {
        return UNSAFE.getLongVolatile(null, address);
    }

    /** A volatile write of the 8-byte-aligned long at {@code address}. */
    public static void putLongVolatile(long address, long value) {
        UNSAFE.putLongVolatile(null, address, value);
    }

    /** An atomic compare-and-set of the 8-byte-aligned long at {@code address}, with volatile semantics. */
    public static boolean compareAndSetLong(long address, long expected, long value) {
        return UNSAFE.compareAndSwapLong(null, address, expected, value);
    }

    public static long getLong(long address) {
        return UNSAFE.getLong(address);
    }

    public static void putLong(long address, long value) {
        UNSAFE.putLong(address, value);
    }

    public static int getInt(long address) {
        return UNSAFE.getInt(address);
    }

    public static void putInt(long address, int value) {
        UNSAFE.putInt(address, value);
    }

    /** Reads {@code length} UTF-16 code units starting at {@code address}. */
    public static String getUtf16(long address, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = UNSAFE.getChar(address + 2L * i);
        }
        return new String(chars);
    }
}
