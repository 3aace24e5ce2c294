package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.WineGap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Overlapped sockets through the public API, on whichever backend this platform has. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OverlappedSocketTest extends ChannelTestBase {

    OverlappedSocketTest() {
        super("socket-test");
    }

    /** Echoes every connection until its end of stream, then closes it; one read and one write in flight. */
    private void serveEcho(OverlappedServerSocket server) {
        server.accept(null, new CompletionHandler<OverlappedSocket, Void>() {
            @Override
            public void completed(OverlappedSocket s, Void a) {
                track(s);
                server.accept(null, this);
                echo(s, ByteBuffer.allocateDirect(16 * 1024));
            }

            @Override
            public void failed(Throwable t, Void a) {
                // the server closed
            }
        });
    }

    private static void echo(OverlappedSocket s, ByteBuffer buf) {
        s.read(buf.clear(), null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
                if (n < 0) {
                    s.close();
                    return;
                }
                buf.flip();
                s.write(buf, null, new CompletionHandler<Integer, Void>() {
                    @Override
                    public void completed(Integer w, Void a2) {
                        echo(s, buf);
                    }

                    @Override
                    public void failed(Throwable t, Void a2) {
                        s.close();
                    }
                });
            }

            @Override
            public void failed(Throwable t, Void a) {
                s.close();
            }
        });
    }

    /** Reads until {@code expected} bytes have come, then completes with them. */
    private static CompletableFuture<byte[]> readAll(OverlappedSocket s, int expected) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        ByteBuffer all = ByteBuffer.allocateDirect(expected);
        s.read(all, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
                if (n < 0) {
                    done.completeExceptionally(new AssertionError("end of stream after " + all.position() + " bytes"));
                } else if (all.hasRemaining()) {
                    s.read(all, null, this);
                } else {
                    byte[] out = new byte[expected];
                    all.flip().get(out);
                    done.complete(out);
                }
            }

            @Override
            public void failed(Throwable t, Void a) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    @Test
    void echoServerWithAHundredClientsOfOneMibEachByteForByte() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK, 512, 8));
        serveEcho(server);
        int clients = 100;
        int size = 1 << 20;
        List<CompletableFuture<Boolean>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            byte[] data = new byte[size];
            new Random(c).nextBytes(data);
            CompletableFuture<Boolean> result = OverlappedSocket.connect(dispatcher, server.localAddress())
                    .thenCompose(s -> {
                        track(s);
                        CompletableFuture<byte[]> back = readAll(s, size);
                        s.write(direct(data)); // concurrently with the reads: the echo needs both to flow
                        return back.thenApply(got -> {
                            assertArrayEquals(data, got);
                            s.close();
                            return true;
                        });
                    });
            results.add(result);
        }
        for (CompletableFuture<Boolean> r : results) {
            assertTrue(r.get(120, TimeUnit.SECONDS));
        }
    }

    @Test
    void skipOnSuccessSocketsStillEchoEveryByte() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        serveEcho(server);
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        client.skipCompletionPortOnSuccess();
        assertTrue(client.skipsCompletionPortOnSuccess());
        for (int i = 0; i < 50; i++) {
            byte[] data = ("message " + i).getBytes();
            CompletableFuture<byte[]> back = readAll(client, data.length);
            await(client.write(direct(data)));
            assertArrayEquals(data, await(back));
        }
    }

    /**
     * Skip-on-success: a send that completes at once runs its handler on the calling thread, before {@code write}
     * returns, and without it the handler runs on an I/O thread, after the packet. On Windows (and Wine) a small
     * send on an idle connection completes at once; so it does on the portable backend, where a send the socket
     * buffer takes is done at once.
     */
    @Test
    void withSkipOnSuccessASendThatCompletesAtOnceRunsItsHandlerOnTheCallingThread() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        OverlappedSocket client = pair[0];
        Thread caller = Thread.currentThread();

        CompletableFuture<Thread> viaPort = new CompletableFuture<>();
        client.write(direct("one".getBytes()), null, threadOf(viaPort));
        assertTrue(await(viaPort) != caller, "without skip-on-success: on an I/O thread");

        client.skipCompletionPortOnSuccess();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<Thread> atOnce = new CompletableFuture<>();
            client.write(direct("two".getBytes()), null, threadOf(atOnce));
            assertTrue(atOnce.isDone(), "the handler ran before write returned");
            assertEquals(caller, atOnce.get());
        }
        ByteBuffer in = ByteBuffer.allocateDirect(64);
        int n = 0;
        while (n < 3 + 10 * 3) {
            n += await(pair[1].read(in));
        }
        assertEquals(33, n, "every byte arrived once");
    }

    /**
     * A chain of sends that complete at once, each started by the last one's handler, deeper than the 16 that
     * nest: the first {@link InlineCompletions#MAX_RUN} handlers run on the calling thread before the first
     * write returns (the deeper ones once the stack has unwound, not through the port), with the stack
     * bounded; then the write returns, and the rest of the chain goes on on the dispatcher's I/O threads
     * (an endless chain would otherwise never give the caller back). Every send completes once.
     */
    @Test
    void aChainOfAtOnceCompletionsRunsItsShareOnTheCallingThreadWithABoundedStackThenMovesToTheIoThreads()
            throws Exception {
        OverlappedSocket[] pair = connectedPair();
        OverlappedSocket client = pair[0];
        client.skipCompletionPortOnSuccess();
        Thread caller = Thread.currentThread();
        int chain = 3 * InlineCompletions.MAX_RUN;
        Thread[] ranOn = new Thread[chain + 1];
        AtomicInteger ran = new AtomicInteger();
        int[] ranHere = new int[1]; // the caller's own count: I/O threads may run the rest before write returns
        CountDownLatch all = new CountDownLatch(chain);
        int[] deepest = new int[1];
        CompletionHandler<Integer, Integer> next = new CompletionHandler<Integer, Integer>() {
            @Override
            public void completed(Integer bytes, Integer i) {
                ranOn[i] = Thread.currentThread();
                ran.incrementAndGet();
                if (Thread.currentThread() == caller) {
                    ranHere[0]++;
                    deepest[0] = Math.max(deepest[0], Thread.currentThread().getStackTrace().length);
                }
                if (i < chain) {
                    client.write(direct(new byte[] {1}), i + 1, this);
                }
                all.countDown();
            }

            @Override
            public void failed(Throwable t, Integer i) {
                ranOn[i] = null;
                all.countDown();
            }
        };
        int base = Thread.currentThread().getStackTrace().length;
        client.write(direct(new byte[] {1}), 1, next);
        assertEquals(InlineCompletions.MAX_RUN, ranHere[0], "handlers run on the calling thread before the first"
                + " write returned");
        assertTrue(all.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), all.getCount() + " sends never completed");
        assertEquals(chain, ran.get(), "a handler ran twice");
        for (int i = 1; i <= chain; i++) {
            if (i <= InlineCompletions.MAX_RUN) {
                assertEquals(caller, ranOn[i], "send " + i + " ran on the calling thread");
            } else {
                assertTrue(ranOn[i] != null && ranOn[i] != caller, "send " + i + " ran on an I/O thread");
            }
        }
        assertTrue(deepest[0] - base < 40 * InlineCompletions.MAX_DEPTH,
                "the stack stayed bounded: " + (deepest[0] - base) + " frames for a chain of " + chain);
        ByteBuffer in = ByteBuffer.allocateDirect(chain);
        int n = 0;
        while (n < chain) {
            n += await(pair[1].read(in));
        }
        assertEquals(chain, n, "every byte arrived once");
    }

    private static CompletionHandler<Integer, Void> threadOf(CompletableFuture<Thread> ran) {
        return new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer bytes, Void a) {
                ran.complete(Thread.currentThread());
            }

            @Override
            public void failed(Throwable t, Void a) {
                ran.completeExceptionally(t);
            }
        };
    }

    @Test
    void scatterAndGatherMoveEveryBufferInOrder() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        OverlappedSocket peer = track(await(accepted));
        assertEquals(client.localAddress(), peer.remoteAddress());
        assertEquals(server.localAddress().getPort(), client.remoteAddress().getPort());

        ByteBuffer[] out = {direct("abc".getBytes()), direct("defgh".getBytes())};
        CompletableFuture<Long> wrote = new CompletableFuture<>();
        client.write(out, 0, 2, null, handler(wrote));
        assertEquals(8L, await(wrote));
        assertFalse(out[0].hasRemaining() || out[1].hasRemaining());

        ByteBuffer[] in = {ByteBuffer.allocateDirect(2), ByteBuffer.allocateDirect(6)};
        long got = 0;
        while (got < 8) {
            CompletableFuture<Long> read = new CompletableFuture<>();
            peer.read(in, 0, 2, null, handler(read));
            got += await(read);
        }
        assertEquals("ab", new String(bytes(in[0])));
        assertEquals("cdefgh", new String(bytes(in[1])));
    }

    @Test
    void zeroByteReadWaitsForDataWithoutABufferAndEndOfStreamIsMinusOne() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        OverlappedSocket peer = track(await(accepted));
        IoFuture<Integer> readable = peer.awaitReadable();
        assertFalse(readable.isDone());
        await(client.write(direct("x".getBytes())));
        assertEquals(0, await(readable));
        ByteBuffer one = ByteBuffer.allocateDirect(4);
        assertEquals(1, await(peer.read(one)));
        client.shutdownOutput();
        assertEquals(-1, await(peer.read(ByteBuffer.allocateDirect(4))), "end of stream");
    }

    @Test
    void aResetPeerIsAConnectionResetWithItsCode() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        OverlappedSocket peer = track(await(accepted));
        IoFuture<Integer> pending = peer.read(ByteBuffer.allocateDirect(16));
        client.setOption(StandardSocketOptions.SO_LINGER, 0);
        client.close(); // linger 0: an abortive close, the peer sees a reset
        Throwable t = failure(pending);
        assertInstanceOf(SocketException.class, t);
        int code = codeOf(t);
        assertTrue(code == 64 || code == 10054, "64 or 10054: " + code);
    }

    @Test
    void aRefusedConnectIsAConnectExceptionWithItsCode() throws Exception {
        InetSocketAddress nobody;
        OverlappedServerSocket s = OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK);
        nobody = s.localAddress();
        s.close();
        Throwable t = failure(OverlappedSocket.connect(dispatcher, nobody));
        assertInstanceOf(ConnectException.class, t);
        int code = codeOf(t);
        assertTrue(code == 1225 || code == 10061, "1225 or 10061: " + code);
    }

    @Test
    void closeWithAReadPendingAbortsItAndClosesCleanly() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        track(await(accepted));
        IoFuture<Integer> pending = client.read(ByteBuffer.allocateDirect(16));
        IoFuture<Integer> idle = client.awaitReadable();
        assertEquals(2, client.outstanding());
        assertEquals(0, client.close(Duration.ofSeconds(WATCHDOG_SECONDS)), "both came back");
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, failure(pending));
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, failure(idle));
        assertInstanceOf(ClosedChannelException.class, failure(client.read(ByteBuffer.allocateDirect(1))));
    }

    @Test
    void cancellingOneReadLeavesTheSocketUsable() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        OverlappedSocket peer = track(await(accepted));
        CompletableFuture<Integer> first = new CompletableFuture<>();
        IoOperation op = peer.read(ByteBuffer.allocateDirect(8), null, handler(first));
        assertTrue(op.cancel());
        Throwable t = failure(first);
        assertEquals(995, codeOf(t));
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, t);
        assertTrue(op.isDone());
        assertFalse(op.cancel());
        await(client.write(direct("hi".getBytes())));
        ByteBuffer b = ByteBuffer.allocateDirect(8);
        assertEquals(2, await(peer.read(b)));
        WineGap.CANCEL_NOTHING_PENDING.assumeShownOn(dispatcher.port().backend()); // the rest of the test ran
        assertFalse(peer.cancelAll(), "nothing left to cancel");
    }

    @Test
    void closingTheServerFailsWaitingAcceptsAndRefusesNewOnes() throws Exception {
        OverlappedServerSocket server = OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK, 16, 3);
        assertEquals(3, server.pendingAccepts());
        IoFuture<OverlappedSocket> waiting = server.accept();
        assertEquals(0, server.close(Duration.ofSeconds(WATCHDOG_SECONDS)), "every AcceptEx came back");
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, failure(waiting));
        assertInstanceOf(ClosedChannelException.class, failure(server.accept()));
    }

    @Test
    void connectionsArrivingBeforeAcceptAreKeptForIt() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK, 16, 4));
        List<OverlappedSocket> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // more than the pending accepts: the backlog holds the rest
            clients.add(track(await(OverlappedSocket.connect(dispatcher, server.localAddress()))));
        }
        Set<Integer> clientPorts = new HashSet<>();
        for (OverlappedSocket c : clients) {
            clientPorts.add(c.localAddress().getPort());
        }
        Set<Integer> acceptedPorts = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            OverlappedSocket s = track(await(server.accept()));
            acceptedPorts.add(s.remoteAddress().getPort());
        }
        assertEquals(clientPorts, acceptedPorts, "each client accepted once, with its own address");
    }

    @Test
    void optionsRoundTrip() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        track(await(accepted));
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        assertTrue(client.getOption(StandardSocketOptions.TCP_NODELAY));
        client.setOption(StandardSocketOptions.TCP_NODELAY, false);
        assertFalse(client.getOption(StandardSocketOptions.TCP_NODELAY));
        client.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        assertTrue(client.getOption(StandardSocketOptions.SO_KEEPALIVE));
        client.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
        assertTrue(client.getOption(StandardSocketOptions.SO_RCVBUF) > 0);
        assertThrows(UnsupportedOperationException.class, () -> client.setOption(StandardSocketOptions.IP_TOS, 1));
    }

    @Test
    void ipv6LoopbackEchoes() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        OverlappedServerSocket server;
        try {
            server = track(OverlappedServerSocket.open(dispatcher, v6));
        } catch (IOException e) {
            Assumptions.abort("no IPv6 loopback here: " + e);
            return;
        }
        serveEcho(server);
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        assertTrue(client.remoteAddress().getAddress() instanceof Inet6Address);
        CompletableFuture<byte[]> back = readAll(client, 5);
        await(client.write(direct("hello".getBytes())));
        assertArrayEquals("hello".getBytes(), await(back));
    }

    @Test
    void readsAfterShutdownInputAreEndOfStream() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        OverlappedSocket client = pair[0];
        OverlappedSocket peer = pair[1];
        peer.shutdownInput();
        peer.shutdownInput(); // again: nothing to do, as in NIO
        assertEquals(-1, await(peer.read(ByteBuffer.allocateDirect(4))), "end of stream, not WSAESHUTDOWN");
        CompletableFuture<Long> scatter = new CompletableFuture<>();
        peer.read(new ByteBuffer[] {ByteBuffer.allocateDirect(2), ByteBuffer.allocateDirect(2)}, 0, 2, null, handler(scatter));
        assertEquals(-1L, await(scatter));
        assertEquals(0, await(peer.awaitReadable()), "readable: the next read says end of stream");
        await(peer.write(direct("out".getBytes()))); // the other direction still works
        assertArrayEquals("out".getBytes(), await(readAll(client, 3)));
        assertEquals(0, peer.outstanding());
    }

    @Test
    void writesAfterShutdownOutputFailWithAClosedChannelAndTheSocketStaysUsable() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        OverlappedSocket client = pair[0];
        OverlappedSocket peer = pair[1];
        client.shutdownOutput();
        client.shutdownOutput();
        Throwable t = failure(client.write(direct("late".getBytes())));
        assertInstanceOf(ClosedChannelException.class, t);
        assertEquals(10058, codeOf(t), "WSAESHUTDOWN");
        CompletableFuture<Long> gather = new CompletableFuture<>();
        client.write(new ByteBuffer[] {direct("a".getBytes())}, 0, 1, null, handler(gather));
        assertInstanceOf(ClosedChannelException.class, failure(gather));
        assertTrue(client.isOpen());
        assertEquals(-1, await(peer.read(ByteBuffer.allocateDirect(4))), "the peer sees end of stream, nothing late");
        await(peer.write(direct("back".getBytes())));
        assertArrayEquals("back".getBytes(), await(readAll(client, 4)));
    }

    @Test
    void listeningOnAnAddressInUseIsABindExceptionWithItsCode() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IOException e = assertThrows(IOException.class, () -> track(OverlappedServerSocket.open(dispatcher, server.localAddress())));
        assertInstanceOf(BindException.class, e);
        assertEquals(10048, codeOf(e), "WSAEADDRINUSE");
        assertTrue(e.getMessage().startsWith("bind failed: error 10048 ("), "the call, the code, its text: " + e.getMessage());
    }

    @Test
    void listeningOnAnAddressNotThisMachinesIsABindExceptionWithItsCode() throws Exception {
        InetSocketAddress elsewhere = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0); // TEST-NET-1, RFC 5737
        IOException e = assertThrows(IOException.class, () -> track(OverlappedServerSocket.open(dispatcher, elsewhere)));
        assertInstanceOf(BindException.class, e);
        assertEquals(10049, codeOf(e), "WSAEADDRNOTAVAIL");
        assertTrue(e.getMessage().startsWith("bind failed: error 10049 ("), "the call, the code, its text: " + e.getMessage());
    }

    @Test
    void heapBuffersAreRefusedWithAClearMessage() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        track(await(accepted));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.read(ByteBuffer.allocate(4)));
        assertTrue(e.getMessage().contains("allocateDirect"));
        assertEquals(0, client.outstanding());
    }
}
