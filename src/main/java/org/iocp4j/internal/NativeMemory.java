package org.iocp4j.internal;

import java.lang.ref.Cleaner;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

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

    /** Where {@code java.nio.Buffer} keeps a direct buffer's base address. */
    private static final long BUFFER_ADDRESS_OFFSET = bufferAddressOffset();

    private static long bufferAddressOffset() {
        try {
            return UNSAFE.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("java.nio.Buffer has no address field: " + e);
        }
    }

    /**
     * The base address of a direct buffer's memory (its element 0, not its position). The caller keeps
     * the buffer reachable for as long as the address is used.
     */
    public static long addressOf(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return UNSAFE.getLong(direct, BUFFER_ADDRESS_OFFSET);
    }

    /** Writes {@code s} as UTF-16 with a terminating NUL at {@code address} ({@code 2 * (length + 1)} bytes). */
    public static void putUtf16z(long address, String s) {
        for (int i = 0; i < s.length(); i++) {
            UNSAFE.putChar(address + 2L * i, s.charAt(i));
        }
        UNSAFE.putChar(address + 2L * s.length(), (char) 0);
    }

    public static byte getByte(long address) {
        return UNSAFE.getByte(address);
    }

    public static void putByte(long address, byte value) {
        UNSAFE.putByte(address, value);
    }

    public static short getShort(long address) {
        return UNSAFE.getShort(address);
    }

    public static void putShort(long address, short value) {
        UNSAFE.putShort(address, value);
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

    /**
     * Runs {@code action} once {@code owner} becomes unreachable (or earlier through the returned
     * {@code clean()}). The action must not refer to {@code owner}, or it never becomes unreachable.
     */
    public static Cleaner.Cleanable whenUnreachable(Object owner, Runnable action) {
        return CLEANER.register(owner, action);
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
