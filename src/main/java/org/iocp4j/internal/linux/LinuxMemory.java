package org.iocp4j.internal.linux;

import java.nio.ByteBuffer;

import org.iocp4j.internal.BufferAddresses;

/**
 * The JNI native of {@code native/linux/LinuxMemory.c}: the address of a direct buffer as the JVM reports it
 * ({@code GetDirectBufferAddress}), the Linux twin of {@code Win32Memory}. The one native of
 * {@code libiocp4j.so} that takes an object; asked once per {@code NativeRegion} and once per buffer a file
 * operation uses, then answered from {@link BufferAddresses} while the buffer is reused.
 */
public final class LinuxMemory {

    private LinuxMemory() {
    }

    /** Buffers asked about lately: an operation's buffer, reused, is looked up in the JVM once. */
    private static final BufferAddresses ADDRESSES = BufferAddresses.overNative(LinuxMemory::address0);

    /** {@code GetDirectBufferAddress(buffer)}: the address of element 0, or 0 if it is not a direct buffer. */
    static native long address0(ByteBuffer buffer);

    /**
     * The real address of {@code direct}'s element 0 (not its position). The caller keeps the buffer
     * reachable for as long as the address is used.
     *
     * @throws IllegalArgumentException if the buffer is not direct (a heap buffer moves with the GC)
     * @throws UnsatisfiedLinkError     if the library is not loaded
     */
    public static long addressOf(ByteBuffer direct) {
        return ADDRESSES.addressOf(direct);
    }
}
