package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.iocp4j.IoDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Switching skip-on-success on while operations are in flight: the kernel decides per call whether a packet
 * comes, from the mode at the time of the call, so a switch under an operation would leave Java expecting a
 * packet that never comes (a hang) or completing inline one whose packet still comes (a stray packet). It is
 * refused unless the channel is idle, on both backends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SkipCompletionPortOnSuccessTest {

    private static final long WATCHDOG_SECONDS = 20;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @TempDir
    Path dir;
    /** One I/O thread and no more: a task that holds it keeps every packet in the port's queue. */
    private IoDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        dispatcher = IoDispatcher.builder().name("skip-test").threads(1).trackFrees(true).build();
    }

    @AfterEach
    void stop() throws Exception {
        assertEquals(0, dispatcher.stats().outstandingOperations(), "every OVERLAPPED came back and was freed");
        dispatcher.shutdown();
        assertTrue(dispatcher.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WATCHDOG_SECONDS, TimeUnit.SECONDS);
    }

    /** Occupies the dispatcher's only I/O thread until the returned latch opens (or the watchdog). */
    private CountDownLatch holdTheIoThread() throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        dispatcher.execute(() -> {
            running.countDown();
            try {
                release.await(WATCHDOG_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(running.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "the holding task started");
        return release;
    }

    @Test
    void aFileRefusesTheSwitchWhileAReadIsInFlightAndTheReadStillCompletes() throws Exception {
        Path p = dir.resolve("skip.bin");
        Files.write(p, "0123456789".getBytes());
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p)) {
            CountDownLatch release = holdTheIoThread();
            ByteBuffer dst = ByteBuffer.allocateDirect(4);
            IoFuture<Integer> read;
            try {
                // Its packet waits in the port behind the held thread: the read is in flight until it is handled.
                read = f.read(dst, 2);
                assertEquals(1, f.outstanding());
                IllegalStateException e = assertThrows(IllegalStateException.class, f::skipCompletionPortOnSuccess);
                assertTrue(e.getMessage().contains("1 operation"), e.getMessage());
                assertFalse(f.skipsCompletionPortOnSuccess(), "the mode did not change");
            } finally {
                release.countDown();
            }
            assertEquals(4, await(read), "the read in flight completes normally, by its packet");
            assertEquals("2345", new String(bytes(dst)));
            assertEquals(0, dispatcher.stats().outstandingOperations());
        }
    }

    @Test
    void anIdleFileSwitchesAndThenCompletesEveryOperation() throws Exception {
        Path p = dir.resolve("idle.bin");
        Files.write(p, "0123456789".getBytes());
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p)) {
            assertEquals(3, await(f.read(ByteBuffer.allocateDirect(3), 0)), "a read before the switch");
            f.skipCompletionPortOnSuccess();
            assertTrue(f.skipsCompletionPortOnSuccess());
            f.skipCompletionPortOnSuccess(); // again: already set, nothing to do
            for (int i = 0; i < 50; i++) {
                ByteBuffer dst = ByteBuffer.allocateDirect(3);
                assertEquals(3, await(f.read(dst, i % 7)));
                assertEquals((char) ('0' + i % 7), (char) dst.get(0));
            }
            assertEquals(-1, await(f.read(ByteBuffer.allocateDirect(3), 10)));
        }
    }

    @Test
    void aClosedFileRefusesTheSwitchWithClosedChannelException() throws Exception {
        Path p = dir.resolve("closed.bin");
        Files.write(p, new byte[1]);
        OverlappedFile f = OverlappedFile.open(dispatcher, p);
        f.close();
        assertThrows(ClosedChannelException.class, f::skipCompletionPortOnSuccess);
    }

    @Test
    void aSocketRefusesTheSwitchWhileAReceiveIsPendingAndTheReceiveStillCompletes() throws Exception {
        try (OverlappedServerSocket server = OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK)) {
            IoFuture<OverlappedSocket> accepted = server.accept();
            try (OverlappedSocket client = await(OverlappedSocket.connect(dispatcher, server.localAddress()));
                 OverlappedSocket peer = await(accepted)) {
                ByteBuffer dst = ByteBuffer.allocateDirect(16);
                IoFuture<Integer> receive = client.read(dst); // nothing sent yet: it stays pending
                assertEquals(1, client.outstanding());
                IllegalStateException e = assertThrows(IllegalStateException.class, client::skipCompletionPortOnSuccess);
                assertTrue(e.getMessage().contains("1 operation"), e.getMessage());
                assertFalse(client.skipsCompletionPortOnSuccess(), "the mode did not change");

                assertEquals(5, await(peer.write(ByteBuffer.allocateDirect(5).put("hello".getBytes()).flip())));
                assertEquals(5, await(receive), "the pending receive completes normally");
                assertEquals("hello", new String(bytes(dst)));

                client.skipCompletionPortOnSuccess(); // idle now: allowed
                assertTrue(client.skipsCompletionPortOnSuccess());
                for (int i = 0; i < 20; i++) {
                    String word = "w" + i;
                    assertEquals(word.length(), await(peer.write(ByteBuffer.allocateDirect(8).put(word.getBytes()).flip())));
                    ByteBuffer in = ByteBuffer.allocateDirect(8);
                    int n = 0;
                    while (n < word.length()) { // a stream: the word may come in parts
                        n += await(client.read(in));
                    }
                    assertEquals(word, new String(bytes(in)));
                }
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
