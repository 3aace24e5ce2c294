package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.Win32Error;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sockets whose backend calls a test breaks or interleaves with (a {@link ForwardingSocketBackend} over this
 * platform's backend): a close that lands while a connect or accept completes, and an accept that keeps
 * failing. On whichever backend this platform has.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OverlappedSocketRaceTest extends ChannelTestBase {

    OverlappedSocketRaceTest() {
        super("socket-race-test");
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WATCHDOG_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("watchdog: the test thread never published its side");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The accept context names the listener: were the listener's handle closed (and its value reused, as
     * Wine shows at once) before {@code SO_UPDATE_ACCEPT_CONTEXT}, the option would name another socket. A
     * close that lands while the accept completes must find the accept still counted in flight.
     */
    @Test
    void closingTheServerWhileAnAcceptCompletesKeepsTheListenerOpenForTheAcceptContext() throws Exception {
        AtomicReference<OverlappedServerSocket> server = new AtomicReference<>();
        CountDownLatch published = new CountDownLatch(1);
        AtomicInteger outstandingSeen = new AtomicInteger(-1);
        AtomicReference<Boolean> listenerOpen = new AtomicReference<>();
        CountDownLatch looked = new CountDownLatch(1);
        ForwardingSocketBackend closing = new ForwardingSocketBackend(OverlappedSocket.backendOf(dispatcher)) {
            @Override
            public InetSocketAddress[] finishAccept(long listener, long accepted, long addresses, int[] errors) {
                await(published);
                OverlappedServerSocket s = server.get();
                outstandingSeen.set(s.outstanding());
                s.close(Duration.ZERO); // on an I/O thread: close does not wait
                listenerOpen.set(delegate.localAddress(listener, new int[1]) != null);
                looked.countDown(); // close failed the waiting accept already: the test may be reading
                return super.finishAccept(listener, accepted, addresses, errors);
            }
        };
        OverlappedServerSocket s = OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK, 16, 1, closing);
        server.set(s);
        IoFuture<OverlappedSocket> accepted = s.accept();
        published.countDown();
        track(await(OverlappedSocket.connect(dispatcher, s.localAddress())));
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, failure(accepted), "closed while waiting");
        await(looked);
        assertEquals(Boolean.TRUE, listenerOpen.get(), "the listener's handle outlives the accept context");
        assertEquals(1, outstandingSeen.get(), "the completing accept still counts as in flight");
        assertEquals(0, s.close(Duration.ofSeconds(WATCHDOG_SECONDS)));
    }

    /** As above for {@code SO_UPDATE_CONNECT_CONTEXT}: the connect completes on a handle close has not taken. */
    @Test
    void closingASocketWhileItsConnectCompletesKeepsItsHandleOpenForTheConnectContext() throws Exception {
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        AtomicReference<IoOperation> connecting = new AtomicReference<>();
        CountDownLatch published = new CountDownLatch(1);
        AtomicInteger outstandingSeen = new AtomicInteger(-1);
        AtomicReference<Boolean> handleOpen = new AtomicReference<>();
        ForwardingSocketBackend closing = new ForwardingSocketBackend(OverlappedSocket.backendOf(dispatcher)) {
            @Override
            public int finishConnect(long socket) {
                await(published);
                HandleChannel s = ((PendingIo<?>) connecting.get()).channel;
                outstandingSeen.set(s.outstanding());
                s.close(Duration.ZERO);
                handleOpen.set(delegate.localAddress(socket, new int[1]) != null);
                return super.finishConnect(socket);
            }
        };
        CompletableFuture<OverlappedSocket> connected = new CompletableFuture<>();
        connecting.set(OverlappedSocket.connect(dispatcher, server.localAddress(), null,
                new CompletionHandler<OverlappedSocket, Void>() {
                    @Override
                    public void completed(OverlappedSocket s, Void a) {
                        connected.complete(s);
                    }

                    @Override
                    public void failed(Throwable t, Void a) {
                        connected.completeExceptionally(t);
                    }
                }, closing));
        published.countDown();
        Throwable t = failure(connected);
        assertEquals(Boolean.TRUE, handleOpen.get(), "the socket's handle outlives the connect context");
        assertEquals(1, outstandingSeen.get(), "the completing connect still counts as in flight");
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, t, "closed while connecting");
        assertEquals(995, ((Win32Error) t).errorCode());
    }

    /**
     * An accept that fails every time, asynchronously (each is cancelled as soon as it is posted), with
     * nobody calling accept: the server must not re-post it in a loop. Counted, not timed: the bound holds
     * however slow the machine (a slower one makes fewer attempts), and a loop makes thousands.
     */
    @Test
    void aPersistentAcceptErrorBacksOffIsCountedAndReachesTheNextAcceptCaller() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean broken = new AtomicBoolean(true);
        ForwardingSocketBackend failing = new ForwardingSocketBackend(OverlappedSocket.backendOf(dispatcher)) {
            @Override
            public int accept(long listener, long accepted, long addresses, long overlapped) {
                attempts.incrementAndGet();
                int r = delegate.accept(listener, accepted, addresses, overlapped);
                if (r == -997 && broken.get()) {
                    delegate.cancel(listener, overlapped); // its packet comes with 995
                }
                return r;
            }
        };
        OverlappedServerSocket server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK, 16, 1, failing));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
        while (attempts.get() < 3) {
            assertTrue(System.nanoTime() - deadline < 0, "watchdog: the accept never failed three times");
            Thread.sleep(5);
        }
        int before = attempts.get();
        Thread.sleep(1000);
        int during = attempts.get() - before;
        assertTrue(during <= 20, "re-posted " + during + " times in a second: a loop, not a back-off");
        assertTrue(server.acceptFailures() >= 3);
        Throwable t = failure(server.accept());
        assertNotNull(t);
        assertInstanceOf(Win32Error.class, t);
        assertEquals(995, ((Win32Error) t).errorCode(), "the failure nobody heard reaches the next accept()");

        broken.set(false); // the back-off ends with the error: the next post accepts
        OverlappedSocket client = track(await(OverlappedSocket.connect(dispatcher, server.localAddress())));
        OverlappedSocket peer = null;
        for (int i = 0; i < 3 && peer == null; i++) { // an accept failing as the error ended leaves one more unheard
            try {
                peer = track(await(server.accept()));
            } catch (ExecutionException e) {
                assertInstanceOf(Win32Exceptions.AsynchronousClose.class, e.getCause());
            }
        }
        assertNotNull(peer, "accepting again once the error stopped");
        assertEquals(client.localAddress(), peer.remoteAddress());
    }
}
