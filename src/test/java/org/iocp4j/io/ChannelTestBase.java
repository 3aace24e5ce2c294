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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.iocp4j.IoDispatcher;
import org.iocp4j.Win32Error;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the channel tests share: a two-thread dispatcher per test, the channels a test opened closed after it,
 * and the check that every OVERLAPPED came back and was freed; futures awaited under a watchdog.
 */
abstract class ChannelTestBase {

    static final long WATCHDOG_SECONDS = 30;
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final String name;
    private final List<HandleChannel> channels = new ArrayList<>();
    IoDispatcher dispatcher;

    ChannelTestBase(String name) {
        this.name = name;
    }

    @BeforeEach
    void startDispatcher() throws Exception {
        dispatcher = IoDispatcher.builder().name(name).threads(2).trackFrees(true).build();
    }

    @AfterEach
    void stopDispatcher() throws Exception {
        for (HandleChannel c : channels) {
            c.close(Duration.ofSeconds(WATCHDOG_SECONDS));
        }
        assertEquals(0, dispatcher.stats().outstandingOperations(), "every OVERLAPPED came back and was freed");
        dispatcher.shutdown();
        assertTrue(dispatcher.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
    }

    /** Closes {@code c} after the test. */
    <T extends HandleChannel> T track(T c) {
        channels.add(c);
        return c;
    }

    /** A connected pair: {@code [client, accepted peer]}, the client on {@code clientDispatcher}. */
    OverlappedSocket[] connectedPair(IoDispatcher clientDispatcher) throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = server.accept();
        OverlappedSocket client = track(await(OverlappedSocket.connect(clientDispatcher, server.localAddress())));
        return new OverlappedSocket[] {client, track(await(accepted))};
    }

    /** A connected pair on the test's dispatcher: {@code [client, accepted peer]}. */
    OverlappedSocket[] connectedPair() throws Exception {
        return connectedPair(dispatcher);
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WATCHDOG_SECONDS, TimeUnit.SECONDS);
    }

    static Throwable failure(CompletableFuture<?> f) {
        return assertThrows(ExecutionException.class, () -> await(f)).getCause();
    }

    static int codeOf(Throwable t) {
        return assertInstanceOf(Win32Error.class, t).errorCode();
    }

    static ByteBuffer direct(byte[] bytes) {
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    /** The bytes between 0 and the position (flips {@code b}). */
    static byte[] bytes(ByteBuffer b) {
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A NIO.2 handler that completes {@code f}. */
    static <V> CompletionHandler<V, Void> handler(CompletableFuture<V> f) {
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
}
