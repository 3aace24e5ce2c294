package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Backend;
import org.iocp4j.Completion;
import org.iocp4j.CompletionPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the SPI contract suites share: a real completion port of the backend under test, off-heap
 * OVERLAPPEDs (as {@code NativeOverlapped} lays them out, {@link Win32Layout}), and the packets that come
 * for them, counted. After each test (once the subclass closed its handles) the port is drained, and each
 * operation must have posted exactly one packet, each call that failed at once none.
 *
 * <p>An OVERLAPPED is freed only once its packet came or its call failed at once: until then the kernel may
 * still write it. A test that failed with an operation still pending leaks that OVERLAPPED, on purpose.
 */
public abstract class OverlappedContract {

    /** Bounds the waits for packets that should come, only so that a bug fails the test instead of hanging it. */
    protected static final long WATCHDOG_SECONDS = 20;
    /** A call's result when its operation is pending: a packet comes. */
    protected static final long PENDING = -Win32Errors.ERROR_IO_PENDING;
    protected static final int ABORTED = Win32Errors.ERROR_OPERATION_ABORTED;

    protected CompletionPort port;
    /** Operations that must post exactly one packet, and calls that failed at once (or skipped the port). */
    private final Set<Long> expectOne = new LinkedHashSet<>();
    private final Set<Long> expectNone = new LinkedHashSet<>();
    /** The OVERLAPPEDs made for the test, by address. */
    private final Map<Long, NativeRegion> overlappeds = new LinkedHashMap<>();
    /** Memory an operation's call writes besides its OVERLAPPED (AcceptEx's addresses): freed with it. */
    private final Map<Long, NativeRegion> memoryOf = new HashMap<>();
    /**
     * Memory of operations whose packet never came: the kernel may still write it, so it stays reachable for
     * the life of the test JVM (a failing test must not turn into a corrupted heap).
     */
    private static final List<NativeRegion> KEPT = new ArrayList<>();
    /** Every packet taken from the port so far, by OVERLAPPED address. */
    private final Map<Long, List<Packet>> packets = new HashMap<>();

    /** Opens a port of the backend under test. */
    protected abstract CompletionPort openPort() throws IOException;

    /** @return the backend under test */
    protected abstract Backend backend();

    /** One packet, copied out of the port. */
    public static final class Packet {
        public final long key;
        public final int bytes;
        public final int error;

        public Packet(long key, int bytes, int error) {
            this.key = key;
            this.bytes = bytes;
            this.error = error;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof Packet)) {
                return false;
            }
            Packet o = (Packet) other;
            return key == o.key && bytes == o.bytes && error == o.error;
        }

        @Override
        public int hashCode() {
            return Objects.hash(key, bytes, error);
        }

        @Override
        public String toString() {
            return "Packet[key=" + key + ", bytes=" + bytes + ", error=" + error + "]";
        }
    }

    @BeforeEach
    void openThePort() throws IOException {
        port = openPort();
    }

    @AfterEach
    void drainAndCount() throws Exception {
        try {
            // Closing a handle completes what was pending on it, perhaps a little later: wait (bounded) for
            // the packets still expected, then take whatever else is queued.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
            Completion c = new Completion();
            for (long o : expectOne) {
                while (count(o) == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !port.poll(c, left, TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    record(c);
                }
            }
            while (port.poll(c, 0, TimeUnit.SECONDS)) {
                record(c);
            }
            for (long o : expectOne) {
                assertEquals(1, count(o), "packets for operation 0x" + Long.toHexString(o));
            }
            for (long o : expectNone) {
                assertEquals(0, count(o), "packets for the call 0x" + Long.toHexString(o) + " that posts none");
            }
            for (long o : packets.keySet()) {
                assertTrue(expectOne.contains(o) || expectNone.contains(o),
                        "a packet for no operation: 0x" + Long.toHexString(o));
            }
        } finally {
            port.close();
            for (Map.Entry<Long, NativeRegion> e : overlappeds.entrySet()) {
                long o = e.getKey();
                if (count(o) == 0 && !expectNone.contains(o)) {
                    synchronized (KEPT) {
                        KEPT.add(e.getValue());
                        NativeRegion m = memoryOf.get(o);
                        if (m != null) {
                            KEPT.add(m);
                        }
                    }
                }
            }
        }
    }

    private int count(long overlapped) {
        List<Packet> l = packets.get(overlapped);
        return l == null ? 0 : l.size();
    }

    private void record(Completion c) {
        packets.computeIfAbsent(c.overlappedAddress(), k -> new ArrayList<>())
                .add(new Packet(c.key(), c.bytesTransferred(), c.errorCode()));
    }

    /** A fresh zeroed OVERLAPPED for an operation that must post exactly one packet. */
    protected long op() {
        return op(0);
    }

    /** A fresh OVERLAPPED whose offset is {@code position}, for a file operation. */
    protected long op(long position) {
        NativeRegion region = NativeRegion.allocate(Win32Layout.OVERLAPPED_SIZE);
        NativeMemory.putInt(region.memory(), Win32Layout.OVERLAPPED_OFFSET, (int) position);
        NativeMemory.putInt(region.memory(), Win32Layout.OVERLAPPED_OFFSET_HIGH, (int) (position >>> 32));
        long o = region.address();
        overlappeds.put(o, region);
        expectOne.add(o);
        return o;
    }

    /** {@code bytes} of zeroed native memory the operation of {@code overlapped} may write, freed with it. */
    protected long memoryFor(long overlapped, int bytes) {
        NativeRegion m = NativeRegion.allocate(bytes);
        memoryOf.put(overlapped, m);
        return m.address();
    }

    /** For a call that failed at once, or completed at once on a handle that skips the port: no packet. */
    protected void noPacketFor(long overlapped) {
        expectOne.remove(overlapped);
        expectNone.add(overlapped);
    }

    /**
     * An overlapped call's result as the SPI promises it: pending, or done at once (its packet still comes,
     * the handle not skipping the port). Anything else fails the test.
     */
    protected static void assertStarted(long result, String call) {
        assertTrue(result == PENDING || result >= 0, call + " neither pending nor done: " + result);
    }

    /** The packet of {@code overlapped}, waiting for it if need be (and keeping the others that come meanwhile). */
    protected Packet await(long overlapped) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        Completion c = new Completion();
        while (count(overlapped) == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !port.poll(c, left, TimeUnit.NANOSECONDS)) {
                fail("no packet for 0x" + Long.toHexString(overlapped) + " within " + WATCHDOG_SECONDS + " s");
            }
            record(c);
        }
        return packets.get(overlapped).get(0);
    }

    /** Whether a packet for {@code overlapped} came (looking only at what is queued now). */
    protected boolean packetCame(long overlapped) throws IOException {
        Completion c = new Completion();
        while (port.poll(c, 0, TimeUnit.SECONDS)) {
            record(c);
        }
        return count(overlapped) > 0;
    }

    /** {@code s} in ASCII, in a direct buffer ready to send or write. */
    protected static ByteBuffer direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** The first {@code bytes} of {@code b} from its position, as ASCII text. */
    protected static String text(ByteBuffer b, int bytes) {
        byte[] out = new byte[bytes];
        b.duplicate().get(out);
        return new String(out, StandardCharsets.US_ASCII);
    }
}
