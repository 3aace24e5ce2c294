package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.iocp4j.IoDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The channels under misuse and at the edges NIO.2 users expect (issue 14): cancelling a future, reads with
 * no room, pending I/O at the dispatcher's shutdown, interrupts, closed handles. On whichever backend this
 * platform has.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OverlappedMisuseTest {

    private static final long WATCHDOG_SECONDS = 30;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private IoDispatcher dispatcher;
    private final List<HandleChannel> channels = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dispatcher = IoDispatcher.builder().name("misuse-test").threads(2).trackFrees(true).build();
    }

    @AfterEach
    void stop() throws Exception {
        for (HandleChannel c : channels) {
            c.close(Duration.ofSeconds(WATCHDOG_SECONDS));
        }
        assertEquals(0, dispatcher.stats().outstandingOperations(), "every OVERLAPPED came back and was freed");
        dispatcher.shutdown();
        assertTrue(dispatcher.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
    }

    private <T extends HandleChannel> T track(T c) {
        channels.add(c);
        return c;
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WATCHDOG_SECONDS, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<?> f) {
        return assertThrows(ExecutionException.class, () -> await(f)).getCause();
    }

    /** Waits (with a watchdog) until {@code condition} holds. */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (!condition.getAsBoolean()) {
            if (end - System.nanoTime() < 0) {
                throw new AssertionError("watchdog: " + what + " never happened");
            }
            Thread.sleep(1);
        }
    }

    /** A connected pair: {@code [client, accepted peer]}, the client on {@code clientDispatcher}. */
    private OverlappedSocket[] connectedPair(IoDispatcher clientDispatcher) throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(clientDispatcher, server.localAddress())));
        return new OverlappedSocket[] {client, track(await(accepted))};
    }

    private static <V> CompletionHandler<V, Void> handler(CompletableFuture<V> f) {
        return new CompletionHandler<V, Void>() {
            @Override
            public void completed(V v, Void a) {
                f.complete(v);
            }

            @Override
            public void failed(Throwable t, Void a) {
                f.completeExceptionally(t);
            }
        };
    }

    // ---- 5: IoFuture.cancel ----

    @Test
    void cancellingAPendingReadsFutureAlwaysCancelsIt() throws Exception {
        OverlappedSocket peer = connectedPair(dispatcher)[1];
        ByteBuffer buf = ByteBuffer.allocateDirect(16);
        int rounds = 300;
        int refused = 0;
        int notCancelled = 0;
        for (int i = 0; i < rounds; i++) {
            IoFuture<Integer> f = peer.read(buf.clear());
            boolean cancelled = f.cancel(true);
            if (!cancelled) {
                refused++;
            }
            if (!f.isCancelled()) {
                notCancelled++;
            }
            // The packet still comes (995) and frees the OVERLAPPED; the next read waits for it.
            awaitTrue("the cancelled read's packet", () -> f.operation().isDone());
        }
        assertEquals(0, refused + notCancelled, "of " + rounds + " cancels of a read with no data in sight, "
                + refused + " returned false and " + notCancelled + " left the future not cancelled");
        IoFuture<Integer> last = peer.read(buf.clear());
        assertTrue(last.cancel(false));
        assertThrows(CancellationException.class, () -> await(last));
        awaitTrue("the last packet", () -> peer.outstanding() == 0);
    }

    // ---- 12: a read with no room ----

    @Test
    void aReadIntoAFullBufferCompletesAtOnceWithZero() throws Exception {
        OverlappedSocket peer = connectedPair(dispatcher)[1];
        ByteBuffer full = ByteBuffer.allocateDirect(8);
        full.position(8);
        IoFuture<Integer> f = peer.read(full);
        assertTrue(f.isDone(), "answered at once, as NIO.2, not a zero-byte wait for data");
        assertEquals(0, await(f));
        CompletableFuture<Integer> h = new CompletableFuture<>();
        peer.read(full, null, handler(h));
        assertTrue(h.isDone());
        assertEquals(0, await(h));
        CompletableFuture<Long> scatter = new CompletableFuture<>();
        peer.read(new ByteBuffer[] {full, ByteBuffer.allocateDirect(0)}, 0, 2, null, handler(scatter));
        assertTrue(scatter.isDone());
        assertEquals(0L, await(scatter));
        assertEquals(0, peer.outstanding());
        peer.shutdownInput();
        assertEquals(-1, await(peer.read(full)), "after shutdownInput: end of stream, as NIO.2");
    }

    // ---- 7: shutdown cancels pending I/O on the portable backend too ----

    @Test
    void shutdownCancelsAReadPendingOnABoundSocket() throws Exception {
        IoDispatcher other = IoDispatcher.builder().name("misuse-shutdown").threads(1)
                .shutdownTimeout(Duration.ofMillis(100)).build();
        OverlappedSocket client;
        try {
            client = connectedPair(other)[0];
        } catch (Exception | Error e) {
            other.shutdownNow();
            throw e;
        }
        IoFuture<Integer> pending = client.read(ByteBuffer.allocateDirect(16));
        other.shutdown();
        assertTrue(other.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertTrue(pending.isDone(), "the read pending at shutdown came back through its future");
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, failure(pending));
        assertEquals(1, other.cancelledAtShutdown());
        assertEquals(0, other.abandonedAtShutdown());
        assertEquals(0, client.outstanding());
    }
}
