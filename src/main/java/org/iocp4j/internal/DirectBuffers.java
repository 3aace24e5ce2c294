package org.iocp4j.internal;

import java.nio.ByteBuffer;

/**
 * The checks around a direct buffer's address that both natives classes ({@code Win32Memory} for the DLL,
 * {@code LinuxMemory} for {@code libiocp4j.so}) make around their {@code GetDirectBufferAddress}.
 */
public final class DirectBuffers {

    private DirectBuffers() {
    }

    /**
     * @param buffer a buffer for native I/O
     * @return {@code buffer}
     * @throws IllegalArgumentException if it is not direct (a heap buffer moves with the GC)
     */
    public static ByteBuffer requireDirect(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer: native I/O needs memory the GC never moves"
                    + " (ByteBuffer.allocateDirect)");
        }
        return buffer;
    }

    /**
     * @param address what {@code GetDirectBufferAddress} returned for a direct buffer
     * @return {@code address}
     * @throws IllegalArgumentException if it is 0: the JVM gives no address for that buffer
     */
    public static long requireAddress(long address) {
        if (address == 0) {
            throw new IllegalArgumentException("the JVM gives no address for this direct buffer");
        }
        return address;
    }
}
