package org.iocp4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one place iocp4j reads and writes off-heap memory (as Agrona's buffers are), so that a
 * move to the JDK's foreign-memory API later changes this file and {@link NativeRegion} only.
 *
 * <p>Every off-heap block is a direct {@link ByteBuffer} (a {@link NativeRegion}), read and written at byte
 * offsets from its start through the JDK's {@code byteBufferViewVarHandle}s in native byte order: plain,
 * volatile and compare-and-set access, with no {@code sun.misc.Unsafe} (terminally deprecated; JDK 24 and
 * later warn on its first use). The view handles ignore the buffer's own byte order and position, and
 * check the offset against the buffer's limit: a wrong offset is an {@link IndexOutOfBoundsException},
 * never a write into someone else's memory. Volatile and CAS access need an offset whose address is
 * aligned to the access's size; every layout here keeps its 8-byte words 8-byte aligned.
 *
 * <p>The handles are {@code static final}, and callers keep their buffer in a {@code final} field: the JIT
 * then compiles an access to the buffer's address plus the offset, behind one bounds check
 * ({@code DispatcherBenchmark} and {@code PortBenchmark} watch the hot paths that go through here).
 */
public final class NativeMemory {

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());
    private static final VarHandle CHAR = MethodHandles.byteBufferViewVarHandle(char[].class, ByteOrder.nativeOrder());
    private static final Cleaner CLEANER = Cleaner.create();

    private NativeMemory() {
    }

    public static long getLong(ByteBuffer memory, int offset) {
        return (long) LONG.get(memory, offset);
    }

    public static void putLong(ByteBuffer memory, int offset, long value) {
        LONG.set(memory, offset, value);
    }

    /** A volatile read of the 8-byte-aligned long at {@code offset}. */
    public static long getLongVolatile(ByteBuffer memory, int offset) {
        return (long) LONG.getVolatile(memory, offset);
    }

    /** A volatile write of the 8-byte-aligned long at {@code offset}. */
    public static void putLongVolatile(ByteBuffer memory, int offset, long value) {
        LONG.setVolatile(memory, offset, value);
    }

    /** An atomic compare-and-set of the 8-byte-aligned long at {@code offset}, with volatile semantics. */
    public static boolean compareAndSetLong(ByteBuffer memory, int offset, long expected, long value) {
        return LONG.compareAndSet(memory, offset, expected, value);
    }

    public static int getInt(ByteBuffer memory, int offset) {
        return (int) INT.get(memory, offset);
    }

    public static void putInt(ByteBuffer memory, int offset, int value) {
        INT.set(memory, offset, value);
    }

    public static short getShort(ByteBuffer memory, int offset) {
        return (short) SHORT.get(memory, offset);
    }

    public static void putShort(ByteBuffer memory, int offset, short value) {
        SHORT.set(memory, offset, value);
    }

    public static byte getByte(ByteBuffer memory, int offset) {
        return memory.get(offset);
    }

    public static void putByte(ByteBuffer memory, int offset, byte value) {
        memory.put(offset, value);
    }

    /** Writes {@code s} as UTF-16 with a terminating NUL at {@code offset} ({@code 2 * (length + 1)} bytes). */
    public static void putUtf16z(ByteBuffer memory, int offset, String s) {
        for (int i = 0; i < s.length(); i++) {
            CHAR.set(memory, offset + 2 * i, s.charAt(i));
        }
        CHAR.set(memory, offset + 2 * s.length(), (char) 0);
    }

    /** Reads {@code length} UTF-16 code units starting at {@code offset}. */
    public static String getUtf16(ByteBuffer memory, int offset, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = (char) CHAR.get(memory, offset + 2 * i);
        }
        return new String(chars);
    }

    /**
     * Runs {@code action} once {@code owner} becomes unreachable (or earlier through the returned
     * {@code clean()}). The action must not refer to {@code owner}, or it never becomes unreachable.
     */
    public static Cleaner.Cleanable whenUnreachable(Object owner, Runnable action) {
        return CLEANER.register(owner, action);
    }
}
