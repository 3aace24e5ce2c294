package org.iocp4j.internal.windows;

import java.nio.ByteBuffer;

import org.iocp4j.internal.BufferAddresses;

/**
 * The JNI native of {@code native/Win32Memory.c}: the address of a direct buffer, as the JVM itself
 * reports it ({@code GetDirectBufferAddress}), so that Java never reads {@code java.nio.Buffer}'s private
 * {@code address} field.
 *
 * <p>The one native that takes an object. Asked once per {@link org.iocp4j.internal.NativeRegion}, and once
 * per user buffer on the native backend, then answered from {@link BufferAddresses} while the buffer is
 * reused; the C layer's other functions keep taking addresses as {@code long}s.
 */
public final class Win32Memory {

    private Win32Memory() {
    }

    /** Buffers asked about lately: an operation's buffer, reused, is looked up in the JVM once. */
    private static final BufferAddresses ADDRESSES = BufferAddresses.overNative(Win32Memory::address0);

    /** {@code GetDirectBufferAddress(buffer)}: the address of element 0, or 0 if it is not a direct buffer. */
    static native long address0(ByteBuffer buffer);

    /**
     * The address of {@code direct}'s element 0 (not its position). The caller keeps the buffer reachable
     * for as long as the address is used.
     *
     * @throws IllegalArgumentException if the buffer is not direct (a heap buffer moves with the GC)
     * @throws UnsatisfiedLinkError     if the DLL is not loaded
     */
    public static long addressOf(ByteBuffer direct) {
        return ADDRESSES.addressOf(direct);
    }
}
