package org.iocp4j.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.Iocp;
import org.iocp4j.IocpException;
import org.iocp4j.LeakDetection;
import org.iocp4j.jna.DirectoryEvent.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectoryWatcher} on real directories: the events of real changes, and its lifetime (the
 * OVERLAPPED freed by the cancelled call's packet, never before; close from anywhere, any number of times).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectoryWatcherTest {

    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path dir;
    private IoDispatcher dispatcher;
    /** Every event any listener of the test saw, for failure messages. */
    private final List<DirectoryEvent> seen = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<DirectoryEvent> events = new LinkedBlockingQueue<>();

    @BeforeEach
    void open() throws IOException {
        dispatcher = IoDispatcher.builder().name("watch-test").threads(2).build();
    }

    @AfterEach
    void close() {
        dispatcher.close();
        assertEquals(0, dispatcher.cancelledAtShutdown(), "the watcher cancelled its own call, not the dispatcher");
        assertEquals(0, dispatcher.abandonedAtShutdown());
        assertEquals(0, dispatcher.callbackFailures(), "the watcher's callback never threw");
    }

    private DirectoryWatcher.Listener collect() {
        return e -> {
            seen.add(e);
            events.add(e);
        };
    }

    private DirectoryWatcher watch(DirectoryWatcher.Builder b) throws IOException {
        Win32Only.assume("ReadDirectoryChangesW");
        return b.start(collect());
    }

    /**
     * Waits for {@code kind name}; MODIFIED events in between are skipped (Windows reports a write as one or
     * more, depending on how the file system flushes), anything else fails.
     */
    private void expect(Kind kind, String name) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (;;) {
            DirectoryEvent e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            assertNotNull(e, () -> "no " + kind + " " + name + " within " + WAIT_SECONDS + " s; seen: " + seen);
            if (e.kind() == kind && e.name().equals(name)) {
                assertEquals(dir.toAbsolutePath().resolve(name), e.path());
                return;
            }
            assertEquals(Kind.MODIFIED, e.kind(), () -> "expected " + kind + " " + name + "; seen: " + seen);
        }
    }

    /** Nothing but MODIFIED for {@code millis}. */
    private void expectQuiet(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        DirectoryEvent e;
        while ((e = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
            assertEquals(Kind.MODIFIED, e.kind(), () -> "expected nothing; seen: " + seen);
        }
    }

    private void awaitSubmitted(long count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (dispatcher.stats().submittedOperations() != count && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertEquals(count, dispatcher.stats().submittedOperations());
    }

    @Test
    void createModifyRenameAndDeleteArriveInOrderWithTheirNames() throws Exception {
        try (DirectoryWatcher w = watch(DirectoryWatcher.on(dispatcher, dir))) {
            assertEquals(dir.toAbsolutePath(), w.directory());
            Path a = Files.write(dir.resolve("a.txt"), "one".getBytes(StandardCharsets.UTF_8));
            expect(Kind.CREATED, "a.txt");
            Files.write(a, "two".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
            expect(Kind.MODIFIED, "a.txt");
            Path b = Files.move(a, dir.resolve("b \u00e9.txt"));
            expect(Kind.RENAMED_FROM, "a.txt");
            expect(Kind.RENAMED_TO, "b \u00e9.txt");
            Files.delete(b);
            expect(Kind.DELETED, "b \u00e9.txt");
            Files.createDirectory(dir.resolve("sub"));
            expect(Kind.CREATED, "sub");
            assertEquals(0, w.listenerFailures());
            assertFalse(w.isClosed());
        }
    }

    @Test
    void aSubtreeWatchNamesChangesBelowTheDirectory() throws Exception {
        try (DirectoryWatcher w = watch(DirectoryWatcher.on(dispatcher, dir).subtree(true))) {
            Path sub = Files.createDirectory(dir.resolve("sub"));
            expect(Kind.CREATED, "sub");
            Files.write(sub.resolve("inner.txt"), new byte[1]);
            expect(Kind.CREATED, "sub\\inner.txt");
            Files.move(sub.resolve("inner.txt"), dir.resolve("top.txt"));
            expect(Kind.RENAMED_FROM, "sub\\inner.txt");
            expect(Kind.RENAMED_TO, "top.txt");
            Files.delete(dir.resolve("top.txt"));
            expect(Kind.DELETED, "top.txt");
            assertEquals(0, w.listenerFailures());
        }
    }

    @Test
    void aSubtreeWatchCoversDirectoriesThatExistedBeforeIt() throws Exception {
        JnaWineGap.SUBTREE_EXISTING_DIRECTORIES.assumeShown();
        Path sub = Files.createDirectories(dir.resolve("sub").resolve("deeper"));
        try (DirectoryWatcher w = watch(DirectoryWatcher.on(dispatcher, dir).subtree(true))) {
            Files.write(sub.resolve("inner.txt"), new byte[1]);
            expect(Kind.CREATED, "sub\\deeper\\inner.txt");
            assertFalse(w.isClosed());
        }
    }

    @Test
    void aWatchWithoutTheSubtreeSeesNothingBelow() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        try (DirectoryWatcher w = watch(DirectoryWatcher.on(dispatcher, dir)
                .changes(EnumSet.of(DirectoryWatcher.Change.FILE_NAME)))) {
            Files.write(sub.resolve("inner.txt"), new byte[1]);
            Files.write(dir.resolve("marker"), new byte[1]);
            expect(Kind.CREATED, "marker"); // after the change below, so that one would have come first
            assertFalse(w.isClosed());
        }
    }

    @Test
    void closeCancelsThePendingCallAndItsPacketFreesTheOverlapped() throws Exception {
        long leaksBefore = LeakDetection.reportedLeaks();
        DirectoryWatcher w = watch(DirectoryWatcher.on(dispatcher, dir));
        assertEquals(1, dispatcher.stats().outstandingOperations(), "one OVERLAPPED per watch");
        awaitSubmitted(1);
        w.close();
        assertTrue(w.isClosed(), "close() waited for the cancelled call's packet");
        assertEquals(0, dispatcher.stats().outstandingOperations(), "freed by its packet");
        assertEquals(0, dispatcher.stats().submittedOperations());
        assertTrue(dispatcher.outstandingOlderThan(Duration.ZERO).isEmpty());
        Files.write(dir.resolve("after-close"), new byte[1]);
        Thread.sleep(200);
        assertTrue(events.isEmpty(), () -> "an event after close: " + seen);
        w = null;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(leaksBefore, LeakDetection.reportedLeaks(), "a leak reported");
        assertEquals(0, dispatcher.leakedOverlapped());
    }

    @Test
    void closeTwiceAndFromManyThreadsAtOnceIsHarmless() throws Exception {
        DirectoryWatcher w = watch(DirectoryWatcher.on(dispatcher, dir));
        awaitSubmitted(1);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> closers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                w.close();
            });
            t.start();
            closers.add(t);
        }
        go.countDown();
        for (Thread t : closers) {
            t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertFalse(t.isAlive());
        }
        assertTrue(w.isClosed());
        w.close();
        w.close();
        assertEquals(0, dispatcher.stats().outstandingOperations());
    }

    @Test
    void theListenerMayCloseTheWatcherAndSeesNothingAfter() throws Exception {
        Win32Only.assume("ReadDirectoryChangesW");
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<DirectoryWatcher> self = new CompletableFuture<>();
        DirectoryWatcher w = DirectoryWatcher.on(dispatcher, dir).start(e -> {
            seen.add(e);
            calls.incrementAndGet();
            self.get().close(); // returns at once here: the watch ends when this callback returns
        });
        self.complete(w);
        for (int i = 0; i < 5; i++) {
            Files.write(dir.resolve("f" + i), new byte[1]); // several events, maybe in one packet
        }
        assertTrue(w.awaitClosed(WAIT_SECONDS, TimeUnit.SECONDS), () -> "seen: " + seen);
        assertEquals(1, calls.get(), () -> "events after close(): " + seen);
        assertEquals(0, dispatcher.stats().outstandingOperations());
        w.close();
    }

    @Test
    void aListenerThatThrowsIsCountedAndTheWatchGoesOn() throws Exception {
        Win32Only.assume("ReadDirectoryChangesW");
        try (DirectoryWatcher w = DirectoryWatcher.on(dispatcher, dir).start(e -> {
            seen.add(e);
            if (e.name().startsWith("boom")) {
                throw new IllegalStateException("the listener's own bug");
            }
            events.add(e);
        })) {
            Files.write(dir.resolve("boom"), new byte[1]);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (w.listenerFailures() == 0 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertTrue(w.listenerFailures() >= 1, () -> "seen: " + seen);
            Files.write(dir.resolve("fine"), new byte[1]);
            expect(Kind.CREATED, "fine");
            assertFalse(w.isClosed());
        }
    }

    @Test
    void changesThatOverflowTheBufferAreReportedAsAnOverflow() throws Exception {
        Win32Only.assume("ReadDirectoryChangesW");
        CountDownLatch release = new CountDownLatch(1);
        try (DirectoryWatcher w = DirectoryWatcher.on(dispatcher, dir).bufferSize(64).start(e -> {
            seen.add(e);
            events.add(e);
            release.await(WAIT_SECONDS, TimeUnit.SECONDS); // hold the watch while changes pile up
        })) {
            // A 40-character name takes 92 bytes in a record: more than the 64-byte buffer holds.
            Files.write(dir.resolve("x".repeat(40)), new byte[1]);
            DirectoryEvent first = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(first, "no event at all");
            assertEquals(Kind.OVERFLOW, first.kind(), () -> "seen: " + seen);
            assertEquals("", first.name());
            assertEquals(dir.toAbsolutePath(), first.path());
            release.countDown();
            assertFalse(w.isClosed(), "an overflow does not end the watch");
        }
    }

    @Test
    void deletingTheWatchedDirectoryEndsTheWatchAndSaysWhy() throws Exception {
        Win32Only.assume("ReadDirectoryChangesW");
        JnaWineGap.WATCHED_DIRECTORY_DELETED.assumeShown();
        Path watched = Files.createDirectory(dir.resolve("watched"));
        CompletableFuture<IOException> stopped = new CompletableFuture<>();
        DirectoryWatcher w = DirectoryWatcher.on(dispatcher, watched).start(new DirectoryWatcher.Listener() {
            @Override
            public void changed(DirectoryEvent e) {
                seen.add(e);
            }

            @Override
            public void stopped(IOException cause) {
                stopped.complete(cause);
            }
        });
        Files.delete(watched);
        IOException cause = stopped.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(cause instanceof IocpException, cause::toString);
        assertTrue(w.awaitClosed(WAIT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, dispatcher.stats().outstandingOperations());
        w.close();
    }

    @Test
    void aMissingDirectoryOrAFileIsRefusedWithTheJdksExceptions() throws Exception {
        Win32Only.assume("CreateFileW");
        assertThrows(NoSuchFileException.class,
                () -> DirectoryWatcher.on(dispatcher, dir.resolve("missing")).start(collect()));
        Path file = Files.write(dir.resolve("file"), new byte[1]);
        assertThrows(NotDirectoryException.class, () -> DirectoryWatcher.on(dispatcher, file).start(collect()));
        assertEquals(0, dispatcher.stats().outstandingOperations(), "nothing held after a refused start");
    }

    @Test
    void offWindowsOrOnThePortableBackendStartSaysItIsAWindowsApi() {
        assumeTrue(Iocp.backend() == Backend.PORTABLE, "the portable backend only");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> DirectoryWatcher.on(dispatcher, dir).start(collect()));
        assertTrue(e.getMessage().contains("Windows API"), e.getMessage());
        assertEquals(0, dispatcher.stats().outstandingOperations());
    }

    @Test
    void theBuilderRefusesBadOptions() {
        DirectoryWatcher.Builder b = DirectoryWatcher.on(dispatcher, dir);
        assertThrows(IllegalArgumentException.class, () -> b.bufferSize(63));
        assertThrows(IllegalArgumentException.class, () -> b.bufferSize((16 << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> b.changes(EnumSet.noneOf(DirectoryWatcher.Change.class)));
        assertThrows(NullPointerException.class, () -> b.start(null));
        assertThrows(NullPointerException.class, () -> DirectoryWatcher.on(dispatcher, null));
        assertNull(DirectoryEvent.Kind.ofAction(6));
    }
}
