package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class BufferAddressesTest {

    /** A look-up that numbers each buffer it sees and counts its calls, refusing heap buffers as the real ones do. */
    private static final class Numbering {
        final Map<ByteBuffer, Long> numbers = new IdentityHashMap<>();
        final AtomicInteger calls = new AtomicInteger();

        long lookUp(ByteBuffer b) {
            calls.incrementAndGet();
            DirectBuffers.requireDirect(b);
            return numbers.computeIfAbsent(b, k -> 4096L * (numbers.size() + 1));
        }
    }

    @Test
    void aReusedBufferIsLookedUpOnce() {
        Numbering n = new Numbering();
        BufferAddresses cache = new BufferAddresses(n::lookUp);
        ByteBuffer b = ByteBuffer.allocateDirect(8);
        long first = cache.addressOf(b);
        for (int i = 0; i < 1000; i++) {
            assertEquals(first, cache.addressOf(b));
        }
        assertEquals(1, n.calls.get());
    }

    @Test
    void everyBufferGetsItsOwnAddressWhenTheyOutnumberTheEntries() {
        Numbering n = new Numbering();
        BufferAddresses cache = new BufferAddresses(n::lookUp);
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < BufferAddresses.SIZE * 4; i++) {
            buffers.add(ByteBuffer.allocateDirect(1));
        }
        for (int round = 0; round < 3; round++) {
            for (ByteBuffer b : buffers) {
                assertEquals(n.lookUp(b), cache.addressOf(b), "a colliding entry never answers for another buffer");
            }
        }
    }

    @Test
    void aHeapBufferReachesTheLookUpEveryTimeAndNullIsRefused() {
        Numbering n = new Numbering();
        BufferAddresses cache = new BufferAddresses(n::lookUp);
        ByteBuffer heap = ByteBuffer.allocate(8);
        assertThrows(IllegalArgumentException.class, () -> cache.addressOf(heap));
        assertThrows(IllegalArgumentException.class, () -> cache.addressOf(heap));
        assertEquals(2, n.calls.get(), "a refused buffer is never cached");
        assertThrows(NullPointerException.class, () -> cache.addressOf(null));
    }

    @Test
    void theCacheKeepsNoBufferAlive() throws InterruptedException {
        BufferAddresses cache = new BufferAddresses(b -> 1);
        ByteBuffer b = ByteBuffer.allocateDirect(8);
        cache.addressOf(b);
        WeakReference<ByteBuffer> ref = new WeakReference<>(b);
        b = null;
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "a buffer known only to the cache was collected");
    }
}
