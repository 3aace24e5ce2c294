package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.IocpException;
import org.iocp4j.Win32Error;
import org.iocp4j.internal.Win32Errors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channels under misuse and at the edges NIO.2 users expect (issue 14): cancelling a future, reads with
 * no room, pending I/O at the dispatcher's shutdown, interrupts, closed handles. On whichever backend this
 * platform has.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OverlappedMisuseTest extends ChannelTestBase {

    OverlappedMisuseTest() {
        super("misuse-test");
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

    // ---- 6: interrupts never close or poison a channel ----

    @Test
    void anInterruptedCallerLeavesTheFileOpenAndReadable(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("interrupted.bin");
        Files.write(p, "0123456789".getBytes());
        OverlappedFile file = track(OverlappedFile.open(dispatcher, p, StandardOpenOption.READ, StandardOpenOption.WRITE));
        long size;
        Thread.currentThread().interrupt();
        try {
            size = file.size();
            file.flush();
            file.truncate(10);
            file.write(direct("ab".getBytes()), 10); // the write's start must not touch the file on this thread
        } finally {
            assertTrue(Thread.interrupted(), "the caller's interrupt status is kept, not consumed");
        }
        assertEquals(10, size);
        assertTrue(file.isOpen());
        ByteBuffer b = ByteBuffer.allocateDirect(16);
        awaitTrue("the write", () -> file.outstanding() == 0);
        assertEquals(12, await(file.read(b, 0)), "the file still reads");
        assertEquals(12, file.size());
    }

    @Test
    void aHandlerThatLeavesItsInterruptSetDoesNotPoisonTheFile(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("handler.bin");
        Files.write(p, "0123456789".getBytes());
        OverlappedFile file = track(OverlappedFile.open(dispatcher, p, StandardOpenOption.READ));
        CompletableFuture<Long> sizeInHandler = new CompletableFuture<>();
        file.read(ByteBuffer.allocateDirect(4), 0, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
                Thread.currentThread().interrupt(); // and left set, as careless code does
                try {
                    sizeInHandler.complete(file.size());
                } catch (Exception e) {
                    sizeInHandler.completeExceptionally(e);
                }
            }

            @Override
            public void failed(Throwable t, Void a) {
                sizeInHandler.completeExceptionally(t);
            }
        });
        assertEquals(10L, await(sizeInHandler));
        for (int i = 0; i < 4; i++) { // whichever I/O thread runs them
            assertEquals(4, await(file.read(ByteBuffer.allocateDirect(4), 0)), "read " + i);
        }
        assertTrue(file.isOpen());
    }

    // ---- 9: closed channels, null options, directories ----

    @Test
    void localAddressOfAClosedSocketIsAClosedChannel() throws Exception {
        OverlappedSocket client = connectedPair(dispatcher)[0];
        assertTrue(client.localAddress().getPort() > 0);
        client.close();
        assertThrows(ClosedChannelException.class, client::localAddress);
    }

    @Test
    void aNullOptionIsANullPointer() throws Exception {
        OverlappedSocket client = connectedPair(dispatcher)[0];
        assertThrows(NullPointerException.class, () -> client.setOption(null, 1));
        assertThrows(NullPointerException.class, () -> client.getOption(null));
    }

    @Test
    void bindingTheHandleOfAClosedFileIsAnInvalidHandle(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(dispatcher.port().backend() == Backend.PORTABLE,
                "on Windows a closed handle's value is reused at once (Wine shows it): binding it could bind another");
        Path p = dir.resolve("closed.bin");
        Files.write(p, new byte[1]);
        OverlappedFile file = OverlappedFile.open(dispatcher, p, StandardOpenOption.READ);
        file.close();
        IocpException e = assertThrows(IocpException.class, () -> dispatcher.bind(file.handle()));
        assertEquals(Win32Errors.ERROR_INVALID_HANDLE, e.errorCode());
    }

    @Test
    void openingADirectoryIsRefusedAtOpenWithAccessDenied(@TempDir Path dir) throws Exception {
        List<Set<StandardOpenOption>> modes = List.of(Set.of(StandardOpenOption.READ), Set.of(StandardOpenOption.WRITE),
                Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE));
        for (Set<StandardOpenOption> mode : modes) {
            IOException e = assertThrows(IOException.class, () -> track(OverlappedFile.open(dispatcher, dir, mode)),
                    "CreateFileW refuses a directory without FILE_FLAG_BACKUP_SEMANTICS");
            assertInstanceOf(AccessDeniedException.class, e, mode.toString());
            assertEquals(Win32Errors.ERROR_ACCESS_DENIED, assertInstanceOf(Win32Error.class, e).errorCode());
            assertTrue(e.getMessage().contains("error 5") && e.getMessage().contains("it is a directory"),
                    "the code, and why: " + e.getMessage());
            assertEquals(dir.toAbsolutePath().toString(), ((AccessDeniedException) e).getFile());
        }
    }
}
