package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.internal.linux.LinuxLibrary;
import org.iocp4j.internal.portable.PortableFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable backend's files through the public API, on both of its paths: {@code libiocp4j.so} (at-once
 * reads on the caller's thread) and the NIO fallback ({@code -Diocp4j.linux.library=false}, which the build
 * runs as a second leg). Skipped on the native backend, whose files are Windows'.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PortableFileIoTest {

    private static final long WATCHDOG_SECONDS = 20;
    private static final byte[] DATA = "0123456789abcdef".getBytes();

    @TempDir
    Path dir;
    private IoDispatcher dispatcher;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        dispatcher = IoDispatcher.builder().name("portable-file-test").threads(1).trackFrees(true).build();
        assumeTrue(dispatcher.stats().backend() == Backend.PORTABLE, "the portable backend's files only");
        file = Files.write(dir.resolve("data.bin"), DATA);
    }

    @AfterEach
    void stop() throws Exception {
        assertEquals(0, dispatcher.stats().outstandingOperations(), "every OVERLAPPED came back and was freed");
        dispatcher.shutdown();
        assertTrue(dispatcher.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
    }

    /** Where and when a read's handler ran. */
    private static final class Observed implements CompletionHandler<Integer, Object> {
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Thread> thread = new AtomicReference<>();
        final AtomicReference<Object> outcome = new AtomicReference<>();

        @Override
        public void completed(Integer result, Object attachment) {
            thread.set(Thread.currentThread());
            outcome.set(result);
            done.countDown();
        }

        @Override
        public void failed(Throwable exc, Object attachment) {
            thread.set(Thread.currentThread());
            outcome.set(exc);
            done.countDown();
        }

        Object await() throws InterruptedException {
            assertTrue(done.await(WATCHDOG_SECONDS, TimeUnit.SECONDS), "the handler ran");
            return outcome.get();
        }
    }

    /** Which path this JVM's portable files take: the library, unless forced off or not loadable here. */
    @Test
    void theLibraryIsUsedUnlessTheFallbackIsForcedOrItCannotLoad() {
        boolean forcedOff = "false".equals(System.getProperty(LinuxLibrary.ENABLED_PROPERTY));
        assertEquals(LinuxLibrary.isLoaded(), PortableFiles.INSTANCE.usesLinuxLibrary(), LinuxLibrary.status());
        if (forcedOff) {
            assertFalse(PortableFiles.INSTANCE.usesLinuxLibrary(), "-Diocp4j.linux.library=false forces NIO");
            assertTrue(LinuxLibrary.status().contains(LinuxLibrary.ENABLED_PROPERTY), LinuxLibrary.status());
        } else if (System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux")
                && System.getProperty("os.arch").equals("amd64") && Runtime.version().feature() < 24
                && PortableFileIoTest.class.getResource("/META-INF/native/linux-x86_64/libiocp4j.so") != null) {
            assertTrue(PortableFiles.INSTANCE.usesLinuxLibrary(), "the build's libiocp4j.so loads here: "
                    + LinuxLibrary.status());
        }
    }

    @Test
    void withSkipOnSuccessACachedReadCompletesOnTheCallingThreadBeforeReadReturnsWithNoPacket() throws Exception {
        assumeTrue(PortableFiles.INSTANCE.usesLinuxLibrary(), "at-once completions need libiocp4j.so: "
                + LinuxLibrary.status());
        try (OverlappedFile f = OverlappedFile.open(dispatcher, file, StandardOpenOption.READ,
                FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS)) {
            assertTrue(f.skipsCompletionPortOnSuccess());
            ByteBuffer dst = ByteBuffer.allocateDirect(DATA.length);
            long dequeued = dispatcher.stats().dequeuedPackets();
            Observed handler = new Observed();
            f.read(dst, 0, null, handler);
            assertEquals(0, handler.done.getCount(), "the handler ran before read() returned");
            assertSame(Thread.currentThread(), handler.thread.get(), "on the calling thread");
            assertEquals(DATA.length, handler.outcome.get());
            byte[] got = new byte[DATA.length];
            dst.flip().get(got);
            assertArrayEquals(DATA, got);
            assertEquals(dequeued, dispatcher.stats().dequeuedPackets(), "no packet went through the port");

            Observed eof = new Observed();
            f.read(ByteBuffer.allocateDirect(4), DATA.length, null, eof);
            assertEquals(-1, eof.await(), "end of file at once: -1, inline too");
            assertSame(Thread.currentThread(), eof.thread.get());
        }
    }

    @Test
    void withoutSkipOnSuccessTheReadsPacketStillComesAndItsHandlerRunsOnTheDispatcher() throws Exception {
        try (OverlappedFile f = OverlappedFile.open(dispatcher, file, StandardOpenOption.READ)) {
            ByteBuffer dst = ByteBuffer.allocateDirect(DATA.length);
            long dequeued = dispatcher.stats().dequeuedPackets();
            Observed handler = new Observed();
            f.read(dst, 0, null, handler);
            assertEquals(DATA.length, handler.await());
            assertNotSame(Thread.currentThread(), handler.thread.get(), "on a dispatcher thread");
            assertTrue(dispatcher.stats().dequeuedPackets() > dequeued, "its packet went through the port");
        }
    }

    @Test
    void skipOnSuccessIsAcceptedOnBothPathsAndOnNioNothingCompletesInline() throws Exception {
        try (OverlappedFile f = OverlappedFile.open(dispatcher, file, StandardOpenOption.READ)) {
            f.skipCompletionPortOnSuccess();
            Observed handler = new Observed();
            f.read(ByteBuffer.allocateDirect(DATA.length), 0, null, handler);
            assertEquals(DATA.length, handler.await());
            if (!PortableFiles.INSTANCE.usesLinuxLibrary()) {
                assertNotSame(Thread.currentThread(), handler.thread.get(), "NIO completes on the device: a packet");
            }
        }
    }

    /**
     * A FileChannel closes itself when a thread with its interrupt status set calls into it; a Win32 handle
     * does not, and neither may a portable one, on either path.
     */
    @Test
    void anInterruptedCallerDoesNotCloseTheFile() throws Exception {
        try (OverlappedFile f = OverlappedFile.open(dispatcher, file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            Observed first = new Observed();
            Thread.currentThread().interrupt();
            try {
                f.read(ByteBuffer.allocateDirect(DATA.length), 0, null, first);
                assertEquals(DATA.length, f.size(), "size with the interrupt status set");
                f.flush();
                assertTrue(Thread.currentThread().isInterrupted(), "the caller's interrupt status is kept");
            } finally {
                Thread.interrupted();
            }
            assertEquals(DATA.length, first.await(), "the read made with the interrupt status set");
            Observed second = new Observed();
            ByteBuffer dst = ByteBuffer.allocateDirect(4);
            f.read(dst, 4, null, second);
            assertEquals(4, second.await(), "a later read: the file is still open");
            assertEquals('4', dst.get(0));
            Observed write = new Observed();
            f.write(ByteBuffer.allocateDirect(2).put(new byte[] {'x', 'y'}).flip(), DATA.length, null, write);
            assertEquals(2, write.await(), "and a write");
            assertEquals(DATA.length + 2, f.size());
        }
    }

    @Test
    void aWriteThenReadBackOfALargeBufferThroughEitherPath() throws Exception {
        Path big = dir.resolve("big.bin");
        byte[] data = new byte[3 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        try (OverlappedFile f = OverlappedFile.open(dispatcher, big, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE, FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS)) {
            ByteBuffer src = ByteBuffer.allocateDirect(data.length).put(data).flip();
            assertEquals(data.length, f.write(src, 0).get(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            assertFalse(src.hasRemaining());
            ByteBuffer dst = ByteBuffer.allocateDirect(data.length);
            assertEquals(data.length, f.read(dst, 0).get(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            byte[] got = new byte[data.length];
            dst.flip().get(got);
            assertArrayEquals(data, got);
            f.truncate(10);
            assertEquals(10, f.size());
            f.truncate(1 << 20);
            assertEquals(1 << 20, f.size(), "truncate extends too, as SetEndOfFile");
        }
    }
}
