package org.iocp4j.internal.portable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Backend;
import org.iocp4j.Completion;
import org.iocp4j.CompletionPort;
import org.iocp4j.internal.OverlappedContract;
import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.windows.Win32Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PortableSockets} through its {@link SocketBackend} interface and a {@link PortableCompletionPort}:
 * the packets themselves, which {@code org.iocp4j.io} hides (it frees each OVERLAPPED on its first packet,
 * so a second packet, or a packet that never comes, shows up there only as a hang or a stray callback).
 * What only the portable backend promises lives here (every call pends: no operation completes at once;
 * the selector thread; queued accepts); what both backends promise is {@code SocketBackendContract}.
 *
 * <p>The fixture is the contract suites' ({@link OverlappedContract}): after each test every socket is
 * closed and the port drained, and each operation must have posted exactly one packet (or none, for a call
 * that failed at once).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PortableSocketsTest extends OverlappedContract {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final SocketBackend sockets = PortableSockets.INSTANCE;
    private final List<Long> handles = new ArrayList<>();

    @Override
    protected CompletionPort openPort() {
        return new PortableCompletionPort(1);
    }

    @Override
    protected Backend backend() {
        return Backend.PORTABLE;
    }

    /**
     * Closes every socket before the fixture drains the port: close() completes what was pending under the
     * socket's monitor before it returns, so every packet is in the port then.
     */
    @AfterEach
    void closeTheSockets() {
        for (long h : handles) {
            sockets.close(h); // -6 for those a test closed itself
        }
    }

    private Packet awaitSuccess(long overlapped) throws Exception {
        Packet p = await(overlapped);
        assertEquals(0, p.error, "error code of 0x" + Long.toHexString(overlapped));
        return p;
    }

    /** A new socket, associated with the port under its own handle as key. */
    private long socket() throws Exception {
        long h = sockets.socket(Win32Socket.AF_INET);
        assertTrue(h > 0, "socket: " + h);
        handles.add(h);
        port.associate(h, h);
        return h;
    }

    /** A socket bound to the wildcard address, port 0, as ConnectEx wants it. */
    private long wildcardBound() throws Exception {
        long c = socket();
        assertEquals(0, sockets.bind(c, new InetSocketAddress(0)));
        return c;
    }

    private long listener() throws Exception {
        long l = socket();
        assertEquals(0, sockets.bind(l, LOOPBACK));
        assertEquals(0, sockets.listen(l, 16));
        return l;
    }

    private InetSocketAddress addressOf(long socket) {
        int[] error = new int[1];
        InetSocketAddress a = sockets.localAddress(socket, error);
        assertNotNull(a, "getsockname: " + error[0]);
        return a;
    }

    private long connect(long listener) throws Exception {
        long client = wildcardBound();
        long o = op();
        assertEquals(PENDING, sockets.connect(client, addressOf(listener), o));
        Packet p = awaitSuccess(o);
        assertEquals(client, p.key);
        assertEquals(0, sockets.finishConnect(client));
        return client;
    }

    /** {@code [client, accepted]}: a connection through a fresh listener. */
    private long[] connectedPair() throws Exception {
        long l = listener();
        long accepted = socket();
        long o = op();
        assertEquals(PENDING, sockets.accept(l, accepted, 0, o));
        long client = connect(l);
        assertEquals(l, awaitSuccess(o).key, "an accept's packet goes to the listener's port and key");
        int[] error = new int[1];
        assertNotNull(sockets.finishAccept(l, accepted, 0, error), "finishAccept: " + error[0]);
        return new long[] {client, accepted};
    }

    private long recv(long socket, ByteBuffer... buffers) {
        long o = op();
        assertEquals(PENDING, sockets.recv(socket, buffers, 0, buffers.length, o));
        return o;
    }

    private long send(long socket, ByteBuffer... buffers) {
        long o = op();
        assertEquals(PENDING, sockets.send(socket, buffers, 0, buffers.length, o));
        return o;
    }

    // ---- one packet per operation, cancel, close ----

    @Test
    void everyOperationPostsOnePacketWithItsSocketsKeyAndItsBytes() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        // A recv that must wait (no data yet: finished by the selector thread) and a send that goes at once
        // (finished on this thread): both report through one packet each.
        ByteBuffer in = ByteBuffer.allocateDirect(16);
        long r = recv(peer, in);
        long s = send(client, direct("hello"));
        assertEquals(new Packet(client, 5, 0), await(s));
        assertEquals(new Packet(peer, 5, 0), await(r));
        assertEquals("hello", text(in, 5));
        assertEquals(0, in.position(), "the backend moves no position: the completion does");
        // Gather and scatter.
        long g = send(client, direct("ab"), direct("cde"));
        assertEquals(new Packet(client, 5, 0), await(g));
        ByteBuffer a = ByteBuffer.allocateDirect(1);
        ByteBuffer b = ByteBuffer.allocateDirect(8);
        assertEquals(new Packet(peer, 5, 0), await(recv(peer, a, b)));
        assertEquals("a", text(a, 1));
        assertEquals("bcde", text(b, 4));
        // End of stream: 0 bytes, no error, once.
        assertEquals(0, sockets.shutdown(client, Win32Socket.SD_SEND));
        assertEquals(new Packet(peer, 0, 0), await(recv(peer, ByteBuffer.allocateDirect(4))));
    }

    @Test
    void cancellingAQueuedOperationPostsOne995AndLeavesTheOthersQueued() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        ByteBuffer first = ByteBuffer.allocateDirect(8);
        long r1 = recv(peer, first);
        long r2 = recv(peer, ByteBuffer.allocateDirect(8));
        assertEquals(0, sockets.cancel(peer, r2));
        assertEquals(new Packet(peer, 0, ABORTED), await(r2));
        assertEquals(-Win32Errors.ERROR_NOT_FOUND, sockets.cancel(peer, r2), "a finished operation is not found");
        assertEquals(-Win32Errors.ERROR_NOT_FOUND, sockets.cancel(peer, 0x7_0000_0000L), "nor an unknown one");
        // The first read was not disturbed: it still takes the next data.
        await(send(client, direct("xyz")));
        assertEquals(new Packet(peer, 3, 0), await(r1));
        assertEquals("xyz", text(first, 3));
        // Cancel everything (overlapped 0): each pending operation once.
        long r3 = recv(peer, ByteBuffer.allocateDirect(8));
        long z = recv(peer); // a zero-byte read
        assertEquals(0, sockets.cancel(peer, 0));
        assertEquals(ABORTED, await(r3).error);
        assertEquals(ABORTED, await(z).error);
        assertEquals(-Win32Errors.ERROR_NOT_FOUND, sockets.cancel(peer, 0));
    }

    @Test
    void closingWithOperationsPendingAbortsEachOnceAndRefusesNewOnes() throws Exception {
        long[] pair = connectedPair();
        long peer = pair[1];
        long r1 = recv(peer, ByteBuffer.allocateDirect(8));
        long r2 = recv(peer, ByteBuffer.allocateDirect(8));
        long z = recv(peer);
        long l = listener();
        long a1 = op();
        long a2 = op();
        assertEquals(PENDING, sockets.accept(l, socket(), 0, a1));
        assertEquals(PENDING, sockets.accept(l, socket(), 0, a2));

        assertEquals(0, sockets.close(peer));
        assertEquals(0, sockets.close(l));
        for (long o : new long[] {r1, r2, z}) {
            assertEquals(new Packet(peer, 0, ABORTED), await(o));
        }
        for (long o : new long[] {a1, a2}) {
            assertEquals(new Packet(l, 0, ABORTED), await(o));
        }
        long late = op();
        noPacketFor(late);
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE,
                sockets.recv(peer, new ByteBuffer[] {ByteBuffer.allocateDirect(1)}, 0, 1, late));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, sockets.close(peer), "closed once");
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, sockets.cancel(peer, 0));
    }

    // ---- NIO's runtime exceptions become codes ----

    /**
     * A read or write while the connect is still in progress: NIO throws {@code NotYetConnectedException}, a
     * runtime exception, which must end the operation with 10057 rather than escape from the call. Holding
     * the socket's monitor keeps the selector thread from finishing the connect meanwhile (the monitor is
     * reentrant, so this thread's own calls still go through).
     */
    @Test
    void aRecvOrSendBeforeTheConnectFinishesCompletesWith10057() throws Exception {
        long l = listener();
        long client = wildcardBound();
        PortableSockets.Sock s = (PortableSockets.Sock) PortableHandles.lookup(client).resource();
        long c = op();
        long r;
        long w;
        synchronized (s) {
            assertEquals(PENDING, sockets.connect(client, addressOf(l), c));
            Assumptions.assumeTrue(s.channel.isConnectionPending(),
                    "this platform connected on loopback at once: no window for the test");
            r = recv(client, ByteBuffer.allocateDirect(4));
            w = send(client, direct("early"));
        }
        assertEquals(new Packet(client, 0, Win32Errors.WSAENOTCONN), await(r));
        assertEquals(new Packet(client, 0, Win32Errors.WSAENOTCONN), await(w));
        // The connect itself was not disturbed, and the socket works once it is up.
        awaitSuccess(c);
        long peer = socket();
        long a = op();
        assertEquals(PENDING, sockets.accept(l, peer, 0, a));
        awaitSuccess(a);
        assertEquals(new Packet(client, 2, 0), await(send(client, direct("ok"))));
        assertEquals(new Packet(peer, 2, 0), await(recv(peer, ByteBuffer.allocateDirect(4))));
    }

    /** A connect to an unresolved address: NIO's {@code UnresolvedAddressException} ends it with 11001. */
    @Test
    void aConnectToAnUnresolvedAddressCompletesWith11001() throws Exception {
        long client = wildcardBound();
        long c = op();
        assertEquals(PENDING, sockets.connect(client, InetSocketAddress.createUnresolved("nowhere.invalid", 80), c));
        assertEquals(new Packet(client, 0, Win32Errors.WSAHOST_NOT_FOUND), await(c));
    }

    // ---- a runtime exception on the selector thread ----

    /**
     * An operation whose attempt throws a runtime exception on the selector thread must still end, with an
     * error packet, and leave the socket's queue (and the thread) working for the operations behind it. The
     * exception comes from NIO here: an option value the socket stored while it had no channel (Winsock
     * would have checked it in {@code setsockopt}) is refused by {@code setOption} when the accept hands
     * the socket its channel.
     */
    @Test
    void aRuntimeExceptionInAnAttemptOnTheSelectorThreadFailsThatOperationOnly() throws Exception {
        long l = listener();
        long bad = socket();
        assertEquals(0, sockets.setOption(bad, Win32Socket.SOL_SOCKET, Win32Socket.SO_RCVBUF, -1));
        long good = socket();
        long a1 = op();
        long a2 = op();
        assertEquals(PENDING, sockets.accept(l, bad, 0, a1)); // no connection yet: both wait for the selector
        assertEquals(PENDING, sockets.accept(l, good, 0, a2));

        long client1 = connect(l);
        Packet failed = await(a1);
        assertEquals(l, failed.key);
        assertTrue(failed.error != 0, "an error code: " + failed);
        // The connection it took was closed, not leaked: its client reads end of stream (or a reset).
        Packet end = await(recv(client1, ByteBuffer.allocateDirect(4)));
        assertEquals(0, end.bytes);
        assertTrue(end.error == 0 || end.error == Win32Errors.WSAECONNRESET, "end of stream or reset: " + end);

        long client2 = connect(l);
        awaitSuccess(a2);
        assertEquals(new Packet(client2, 3, 0), await(send(client2, direct("abc"))));
        assertEquals(new Packet(good, 3, 0), await(recv(good, ByteBuffer.allocateDirect(4))));
        assertTrue(selectorThreadAlive(), "the selector thread carries on");
    }

    private static boolean selectorThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith(SocketReactor.DRIVER_NAME + "-") && t.isAlive());
    }

    // ---- zero-byte send ----

    /** {@code WSASend} of nothing completes with 0 bytes: with no buffer at all, or with empty ones. */
    @Test
    void aZeroByteSendCompletesWithZeroBytes() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        assertEquals(new Packet(client, 0, 0), await(send(client)));
        assertEquals(new Packet(client, 0, 0), await(send(client, ByteBuffer.allocateDirect(0))));
        assertEquals(new Packet(client, 0, 0), await(send(client, ByteBuffer.allocateDirect(0), ByteBuffer.allocateDirect(0))));
        // Nothing went on the wire: the next byte the peer reads is the next one sent.
        assertEquals(new Packet(client, 1, 0), await(send(client, direct("!"))));
        ByteBuffer in = ByteBuffer.allocateDirect(4);
        assertEquals(new Packet(peer, 1, 0), await(recv(peer, in)));
        assertEquals("!", text(in, 1));
    }

    // ---- zero-byte reads ----

    /**
     * A zero-byte read queued behind a recv: the selection that wakes the recv says "readable", but the recv
     * takes the data in the same pass, so the zero-byte read must not complete on that word; it waits for
     * data that is really there (or end of stream).
     */
    @Test
    void aZeroByteReadBehindARecvWaitsForDataThatIsReallyThere() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        ByteBuffer in = ByteBuffer.allocateDirect(8);
        long r = recv(peer, in); // no data yet: it queues, and the zero-byte read queues behind it
        long z = recv(peer);
        await(send(client, direct("four")));
        assertEquals(new Packet(peer, 4, 0), await(r));
        // The recv took every byte (8 bytes of room for 4): nothing is readable, so the zero-byte read still
        // waits. Its cancel meets it under the socket's monitor, after the pass that completed the recv.
        assertEquals(0, sockets.cancel(peer, z), "the zero-byte read is still pending");
        assertEquals(new Packet(peer, 0, ABORTED), await(z));

        // It does complete when data comes, and leaves the data for the next recv.
        long z2 = recv(peer);
        await(send(client, direct("x")));
        assertEquals(new Packet(peer, 0, 0), await(z2));
        ByteBuffer one = ByteBuffer.allocateDirect(4);
        assertEquals(new Packet(peer, 1, 0), await(recv(peer, one)));
        assertEquals("x", text(one, 1));
        // And at end of stream.
        long z3 = recv(peer);
        assertEquals(0, sockets.shutdown(client, Win32Socket.SD_SEND));
        assertEquals(new Packet(peer, 0, 0), await(z3));
        assertEquals(new Packet(peer, 0, 0), await(recv(peer, ByteBuffer.allocateDirect(4))), "end of stream");
    }

    // ---- a send cut short ----

    /** More than loopback's socket buffers hold while the peer reads nothing (they hold a few MiB). */
    private static final int BIG = 64 << 20;

    /**
     * A send that the peer's full window cut short, then cancelled: 995, and the bytes that did go, which
     * the peer then reads to the byte.
     */
    @Test
    void aCancelledPartlySentSendReportsTheBytesThatWent() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        long s = send(client, ByteBuffer.allocateDirect(BIG));
        assertEquals(0, sockets.cancel(client, s), "the send is still pending");
        Packet p = await(s);
        assertEquals(ABORTED, p.error);
        assertTrue(p.bytes > 0 && p.bytes < BIG, "some bytes went, not all: " + p);
        assertEquals(0, sockets.close(client)); // end of stream after what went
        assertEquals(p.bytes, readToEnd(peer));
    }

    /** The same when a close aborts the send. */
    @Test
    void aPartlySentSendAbortedByCloseReportsTheBytesThatWent() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        long s = send(client, ByteBuffer.allocateDirect(BIG));
        assertEquals(0, sockets.close(client));
        Packet p = await(s);
        assertEquals(ABORTED, p.error);
        assertTrue(p.bytes > 0 && p.bytes < BIG, "some bytes went, not all: " + p);
        assertEquals(p.bytes, readToEnd(peer));
    }

    /** Reads until end of stream: the byte count. */
    private long readToEnd(long socket) throws Exception {
        ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
        long total = 0;
        for (;;) {
            Packet p = await(recv(socket, in));
            assertEquals(0, p.error);
            if (p.bytes == 0) {
                return total;
            }
            total += p.bytes;
        }
    }

    // ---- accept into a socket that is not fresh ----

    /**
     * {@code AcceptEx} wants a socket neither bound nor connected, else it fails at once with 10022
     * (WSAEINVAL); the socket keeps what it had (here: its connection, which still works).
     */
    @Test
    void acceptIntoABoundOrConnectedSocketFailsAtOnceWith10022() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        long l = listener();
        long bound = socket();
        assertEquals(0, sockets.bind(bound, LOOPBACK));
        for (long into : new long[] {client, bound, l}) {
            long o = op();
            noPacketFor(o);
            assertEquals(-Win32Errors.WSAEINVAL, sockets.accept(l, into, 0, o));
        }
        long other = connect(l); // a connection for the listener: no refused accept took it
        long fresh = socket();
        long a = op();
        assertEquals(PENDING, sockets.accept(l, fresh, 0, a));
        awaitSuccess(a);
        assertEquals(new Packet(other, 1, 0), await(send(other, direct("o"))));
        assertEquals(new Packet(fresh, 1, 0), await(recv(fresh, ByteBuffer.allocateDirect(4))));
        assertEquals(new Packet(client, 1, 0), await(send(client, direct("c"))));
        ByteBuffer in = ByteBuffer.allocateDirect(4);
        assertEquals(new Packet(peer, 1, 0), await(recv(peer, in)));
        assertEquals("c", text(in, 1));
    }

    /**
     * Two accepts into one socket: the first gets the connection; the second, waiting behind it, finds the
     * socket connected and fails with 10022 without taking the next connection from the backlog.
     */
    @Test
    void aSecondAcceptIntoTheSameSocketFailsWith10022AndTakesNoConnection() throws Exception {
        long l = listener();
        long into = socket();
        long a1 = op();
        long a2 = op();
        assertEquals(PENDING, sockets.accept(l, into, 0, a1));
        assertEquals(PENDING, sockets.accept(l, into, 0, a2));
        long c1 = connect(l);
        awaitSuccess(a1);
        long c2 = connect(l);
        assertEquals(new Packet(l, 0, Win32Errors.WSAEINVAL), await(a2));
        long fresh = socket();
        long a3 = op();
        assertEquals(PENDING, sockets.accept(l, fresh, 0, a3));
        awaitSuccess(a3);
        int[] error = new int[1];
        InetSocketAddress[] ends = sockets.finishAccept(l, fresh, 0, error);
        assertNotNull(ends, "finishAccept: " + error[0]);
        assertEquals(addressOf(c2), ends[1], "the second connection went to the next accept");
        assertEquals(addressOf(c1), sockets.finishAccept(l, into, 0, error)[1]);
    }

    /**
     * An accept whose socket was closed while it waited ends with 995 when a connection comes, and leaves
     * that connection to the accept behind it instead of closing it.
     */
    @Test
    void anAcceptIntoAClosedSocketEndsWith995AndLeavesTheConnectionToTheNext() throws Exception {
        long l = listener();
        long doomed = socket();
        long next = socket();
        long a1 = op();
        long a2 = op();
        assertEquals(PENDING, sockets.accept(l, doomed, 0, a1));
        assertEquals(PENDING, sockets.accept(l, next, 0, a2));
        assertEquals(0, sockets.close(doomed)); // the accept is the listener's: it still waits
        long client = connect(l);
        assertEquals(new Packet(l, 0, ABORTED), await(a1));
        awaitSuccess(a2);
        int[] error = new int[1];
        InetSocketAddress[] ends = sockets.finishAccept(l, next, 0, error);
        assertNotNull(ends, "finishAccept: " + error[0]);
        assertEquals(addressOf(client), ends[1]);
    }

    // ---- skip-on-success ----

    /**
     * With {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}, a send or receive that succeeds at once returns its byte
     * count and posts nothing, as on Windows; one that has to wait still pends and posts its packet.
     */
    @Test
    void withSkipOnSuccessASendOrReceiveThatSucceedsAtOnceReturnsItsBytesAndPostsNoPacket() throws Exception {
        long[] pair = skippingPair();
        long client = pair[0];
        long peer = pair[1];
        assertEquals(0, PortablePlatform.INSTANCE.skipCompletionPortOnSuccess(client), "again: already set");

        long sent = op();
        noPacketFor(sent);
        assertEquals(3, sockets.send(client, new ByteBuffer[] {direct("abc")}, 0, 1, sent), "at once, with its bytes");
        ByteBuffer in = ByteBuffer.allocateDirect(8);
        assertEquals(new Packet(peer, 3, 0), await(recv(peer, in)), "the peer, not skipping, gets a packet");
        assertEquals("abc", text(in, 3));

        ByteBuffer got = ByteBuffer.allocateDirect(8);
        long waiting = op();
        assertEquals(PENDING, sockets.recv(client, new ByteBuffer[] {got}, 0, 1, waiting), "nothing to read yet");
        assertEquals(new Packet(peer, 2, 0), await(send(peer, direct("de"))));
        assertEquals(new Packet(client, 2, 0), await(waiting), "a receive that waited still posts its packet");
        assertEquals("de", text(got, 2));

        // Data already there: a zero-byte receive says so, then the receive takes it at once.
        assertEquals(new Packet(peer, 1, 0), await(send(peer, direct("f"))));
        assertEquals(new Packet(client, 0, 0), await(recv(client)));
        long atOnce = op();
        noPacketFor(atOnce);
        ByteBuffer last = ByteBuffer.allocateDirect(8);
        assertEquals(1, sockets.recv(client, new ByteBuffer[] {last}, 0, 1, atOnce));
        assertEquals("f", text(last, 1));
    }

    /**
     * After a receive found nothing at once, the next ones wait for the selector without failing a read first
     * (request/response traffic), until a receive fills {@code BULK_FILL} bytes or more: bulk data, with more
     * likely queued behind it. A small message that fills its buffer (an echo's) says nothing of the kind;
     * trying at once after it failed a read system call once per round trip.
     */
    @Test
    void afterAReceiveWaitedOnlyABulkFillMakesTheNextTryAtOnce() throws Exception {
        long[] pair = skippingPair();
        long client = pair[0];
        long peer = pair[1];
        ByteBuffer two = ByteBuffer.allocateDirect(2);
        long first = op();
        assertEquals(PENDING, sockets.recv(client, new ByteBuffer[] {two}, 0, 1, first), "nothing to read yet");
        assertEquals(new Packet(peer, 4, 0), await(send(peer, direct("abcd")))); // one segment: "cd" stays
        assertEquals(new Packet(client, 2, 0), await(first));
        ByteBuffer rest = ByteBuffer.allocateDirect(2);
        long second = op();
        assertEquals(PENDING, sockets.recv(client, new ByteBuffer[] {rest}, 0, 1, second),
                "a small fill: the next receive waits for the selector, though its data is there");
        assertEquals(new Packet(client, 2, 0), await(second));
        assertEquals("cd", text(rest, 2));

        int bulk = PortableSockets.BULK_FILL;
        ByteBuffer big = ByteBuffer.allocateDirect(bulk);
        long third = op();
        assertEquals(PENDING, sockets.recv(client, new ByteBuffer[] {big}, 0, 1, third), "still waiting for the selector");
        ByteBuffer twice = ByteBuffer.allocateDirect(2 * bulk);
        assertEquals(new Packet(peer, 2 * bulk, 0), await(send(peer, twice)));
        assertEquals(new Packet(client, bulk, 0), await(third));
        long fourth = op();
        noPacketFor(fourth);
        assertEquals(bulk, sockets.recv(client, new ByteBuffer[] {ByteBuffer.allocateDirect(bulk)}, 0, 1, fourth),
                "after a bulk fill the next receive tries at once, and the rest is there");
    }

    /** A connected pair whose first socket skips the port on success. */
    private long[] skippingPair() throws Exception {
        long[] pair = connectedPair();
        assertEquals(0, PortablePlatform.INSTANCE.skipCompletionPortOnSuccess(pair[0]));
        return pair;
    }

    @Test
    void skipOnSuccessOnAClosedSocketFailsWith6() {
        long h = sockets.socket(Win32Socket.AF_INET);
        assertEquals(0, sockets.close(h));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, PortablePlatform.INSTANCE.skipCompletionPortOnSuccess(h));
    }

    // ---- who turns the selector ----

    /**
     * Nobody polls the port: the reactor's driver thread still finishes the operation, so its packet is queued
     * for a later non-blocking poll (which never turns the selector itself).
     */
    @Test
    void withNobodyWaitingInAPortTheDriverFinishesOperations() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        long o = recv(client, ByteBuffer.allocateDirect(4));
        assertEquals(new Packet(peer, 1, 0), await(send(peer, direct("x"))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!packetCame(o) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(packetCame(o), "the driver finished the receive with nobody waiting in the port");
        assertEquals(new Packet(client, 1, 0), await(o));
    }

    /**
     * A port that two threads wait on has its sockets dealt over two reactors, one after the other, so each
     * thread can turn one; the two ends of a loopback connection go to one reactor, the first end's, so the
     * thread that sends finds the other end readable in its own next selection. Closing a connection's ends
     * forgets them.
     */
    @Test
    void socketsAreDealtOverAsManyReactorsAsThePortHasThreadsAndALoopbackConnectionsEndsShareOne()
            throws Exception {
        Assumptions.assumeTrue(PortableSockets.REACTOR_COUNT >= 2, "one CPU: one reactor");
        PortableSockets portable = PortableSockets.INSTANCE;
        int connectionsBefore = portable.loopbackConnections();
        CountDownLatch done = new CountDownLatch(1);
        Thread second = new Thread(() -> {
            try {
                port.poll(new Completion(), 0, TimeUnit.SECONDS); // associates, takes nothing
                done.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "second-port-thread");
        port.poll(new Completion(), 0, TimeUnit.SECONDS);
        second.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (((PortableCompletionPort) port).associatedThreads() < 2) {
                assertTrue(System.nanoTime() < deadline, "the second thread associates");
                Thread.sleep(1);
            }
            long l1 = listener();
            long l2 = listener();
            long a1 = socket();
            long o1 = op();
            assertEquals(PENDING, sockets.accept(l1, a1, 0, o1));
            assertEquals(PENDING, sockets.accept(l2, socket(), 0, op()));
            assertNotNull(portable.reactorOf(l1), "a waiting accept deals its listener a reactor");
            assertNotSame(portable.reactorOf(l1), portable.reactorOf(l2), "two threads, two reactors in turn");

            long client = connect(l1);
            awaitSuccess(o1);
            int[] error = new int[1];
            assertNotNull(sockets.finishAccept(l1, a1, 0, error), "finishAccept: " + error[0]);
            recv(client, ByteBuffer.allocateDirect(4));
            recv(a1, ByteBuffer.allocateDirect(4));
            assertSame(portable.reactorOf(client), portable.reactorOf(a1), "a loopback connection's ends share one");
            assertEquals(connectionsBefore + 2, portable.loopbackConnections(), "both ends are known");

            assertEquals(0, sockets.close(client));
            assertEquals(0, sockets.close(a1));
            assertEquals(connectionsBefore, portable.loopbackConnections(), "closed ends are forgotten");
        } finally {
            done.countDown();
            second.join(10_000);
        }
    }

    /**
     * A thread that waits in the port takes the selector from the driver and waits in it (leader/follower), so
     * the readiness it sees becomes a packet on the thread that then runs it: no other thread in between.
     */
    @Test
    void aThreadWaitingInThePortTakesTheSelectorAndGetsTheCompletionItFinished() throws Exception {
        long[] pair = connectedPair();
        long client = pair[0];
        long peer = pair[1];
        long o = recv(client, ByteBuffer.allocateDirect(4));
        SocketReactor reactor = PortableSockets.INSTANCE.reactorOf(client);
        assertNotNull(reactor, "a receive that waits opens the reactors and deals the socket one");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (reactor.owner() == null || !reactor.isDriver(reactor.owner())) {
            assertTrue(System.nanoTime() < deadline, "the driver takes the free selector");
            Thread.sleep(1);
        }
        CompletableFuture<Thread> taker = new CompletableFuture<>();
        Map<Long, Packet> taken = new ConcurrentHashMap<>();
        long sent = op();
        Thread waiter = new Thread(() -> {
            try {
                Completion c = new Completion();
                while (!(taken.containsKey(o) && taken.containsKey(sent)) && port.poll(c, 10, TimeUnit.SECONDS)) {
                    taken.put(c.overlappedAddress(), new Packet(c.key(), c.bytesTransferred(), c.errorCode()));
                }
                taker.complete(Thread.currentThread());
            } catch (Exception | AssertionError e) {
                taker.completeExceptionally(e);
            }
        }, "port-waiter");
        // This thread polled the port (the connection's packets) and counts as running there: with a limit of
        // one, the waiter could take nothing until it steps aside, as on Windows.
        port.blocking(() -> {
            waiter.start();
            while (reactor.owner() != waiter) {
                assertTrue(System.nanoTime() < deadline, "the waiting thread takes the selector from the driver: "
                        + reactor.owner());
                Thread.sleep(1);
            }
            // From here until its select returns, only the waiter can see the readiness and finish the receive.
            assertEquals(PENDING, sockets.send(peer, new ByteBuffer[] {direct("y")}, 0, 1, sent));
            return taker.get(10, TimeUnit.SECONDS);
        });
        waiter.join(10_000);
        // Taken by the waiter, not by this test's polls.
        noPacketFor(o);
        noPacketFor(sent);
        assertEquals(new Packet(client, 1, 0), taken.get(o), "the thread that turned the selector got the receive");
        assertEquals(new Packet(peer, 1, 0), taken.get(sent), "and the send's packet: the one waiter there was");
    }
}
