package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.IoDispatcher;
import org.iocp4j.Win32Error;
import org.iocp4j.WineGap;
import org.iocp4j.internal.windows.NativeFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Overlapped files through the public API, on whichever backend this platform has. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OverlappedFileTest {

    private static final long WATCHDOG_SECONDS = 20;

    @TempDir
    Path dir;
    private IoDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        dispatcher = IoDispatcher.builder().name("file-test").threads(2).trackFrees(true).build();
    }

    @AfterEach
    void stop() throws Exception {
        dispatcher.shutdown();
        assertTrue(dispatcher.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WATCHDOG_SECONDS, TimeUnit.SECONDS);
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocateDirect(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    private static int codeOf(Throwable t) {
        return assertInstanceOf(Win32Error.class, t).errorCode();
    }

    @Test
    void randomOffsetWritesAndReadsAgreeWithFileChannel() throws Exception {
        Path p = dir.resolve("random.bin");
        Random random = new Random(42);
        int size = 1 << 20;
        byte[] expected = new byte[size];
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW)) {
            // 256 writes of random blocks at random offsets, all in flight together.
            List<IoFuture<Integer>> writes = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                // Writes in flight together may land in any order: each gets its own stripe, at a random
                // length, so the stripes' ends (and the file's) fall at odd offsets.
                int length = 1 + random.nextInt(size / 256);
                int offset = i * (size / 256);
                byte[] block = new byte[length];
                random.nextBytes(block);
                System.arraycopy(block, 0, expected, offset, length);
                ByteBuffer src = direct(block);
                writes.add(f.write(src, offset));
                lengths.add(length);
            }
            for (int i = 0; i < writes.size(); i++) {
                assertEquals(lengths.get(i), await(writes.get(i)));
            }
            assertEquals(255L * (size / 256) + lengths.get(255), f.size());
        }
        byte[] onDisk = new byte[size];
        try (FileChannel c = FileChannel.open(p)) {
            ByteBuffer all = ByteBuffer.wrap(onDisk);
            while (all.hasRemaining() && c.read(all) > 0) {
                // read it all
            }
        }
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p)) {
            long length = f.size();
            for (int i = 0; i < 500; i++) {
                int at = random.nextInt((int) length);
                int want = 1 + random.nextInt(16384);
                ByteBuffer dst = ByteBuffer.allocateDirect(want);
                int n = await(f.read(dst, at));
                assertEquals(Math.min(want, length - at), n, "bytes read at " + at);
                assertEquals(n, dst.position(), "the position moved by the count");
                byte[] got = new byte[n];
                dst.flip().get(got);
                assertArrayEquals(Arrays.copyOfRange(onDisk, at, at + n), got, "bytes at " + at);
                assertArrayEquals(Arrays.copyOfRange(expected, at, at + n), got, "bytes at " + at);
            }
        }
    }

    @Test
    void handlersRunOnTheDispatchersThreadsWithTheAttachment() throws Exception {
        Path p = dir.resolve("h.bin");
        Files.write(p, new byte[] {1, 2, 3, 4});
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p)) {
            CompletableFuture<String> seen = new CompletableFuture<>();
            IoOperation op = f.read(ByteBuffer.allocateDirect(8), 1, "att", new CompletionHandler<Integer, String>() {
                @Override
                public void completed(Integer n, String a) {
                    seen.complete(n + " " + a + " " + Thread.currentThread().getName());
                }

                @Override
                public void failed(Throwable t, String a) {
                    seen.completeExceptionally(t);
                }
            });
            String s = await(seen);
            assertTrue(s.startsWith("3 att "), s);
            assertTrue(s.contains("file-test"), "ran on an I/O thread of the dispatcher: " + s);
            assertTrue(op.isDone());
            assertFalse(op.cancel(), "nothing to cancel once done");
        }
    }

    /**
     * An operation says it is done only once its result is made: the buffer's position has moved by then.
     * (It used to say so from the moment its completion was claimed, before the position moved.)
     */
    @Test
    void anOperationIsDoneOnlyOnceItsBufferPositionHasMoved() throws Exception {
        Path p = dir.resolve("done.bin");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CompletionHandler<Integer, Void> handler = new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer n, Void a) {
            }

            @Override
            public void failed(Throwable t, Void a) {
                failure.compareAndSet(null, t);
            }
        };
        ByteBuffer b = ByteBuffer.allocateDirect(8);
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            for (int i = 0; i < 5_000; i++) {
                b.clear();
                IoOperation op = f.write(b, 0, null, handler);
                while (!op.isDone()) {
                    Thread.onSpinWait();
                }
                assertEquals(8, b.position(), "write " + i + ": done before its position moved");
            }
        }
        assertEquals(null, failure.get());
    }

    @Test
    void endOfFileIsMinusOneAndBeyondFourGibWorks() throws Exception {
        Path p = dir.resolve("sparse.bin");
        long far = (5L << 30) + 123; // above 4 GiB: OffsetHigh must be right
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p, StandardOpenOption.WRITE, StandardOpenOption.READ,
                StandardOpenOption.CREATE, StandardOpenOption.SPARSE)) {
            assertEquals(5, await(f.write(direct("hello".getBytes()), far)));
            assertEquals(far + 5, f.size());
            ByteBuffer dst = ByteBuffer.allocateDirect(16);
            assertEquals(5, await(f.read(dst, far)));
            assertEquals("hello", new String(bytes(dst)));
            assertEquals(-1, await(f.read(ByteBuffer.allocateDirect(16), far + 5)), "at the end");
            assertEquals(-1, await(f.read(ByteBuffer.allocateDirect(16), far + 1000)), "past the end");
            assertEquals(0, await(f.read(ByteBuffer.allocateDirect(0), 0)), "no room, no bytes, no end");
            f.truncate(10);
            assertEquals(10, f.size());
            f.flush();
        }
    }

    @Test
    void aPathLongerThanMaxPathOpensAsWithTheJdk() throws Exception {
        // Beyond 260 characters (MAX_PATH) in all: CreateFileW refuses such a path (3) unless it carries the
        // \\?\ prefix, which the JDK adds past 247; Wine 8 does not enforce the limit, Windows does.
        Path deep = dir.toAbsolutePath();
        for (int i = 0; deep.toString().length() <= 300; i++) {
            deep = deep.resolve(i + "-" + "d".repeat(40));
        }
        Files.createDirectories(deep);
        Path p = deep.resolve("long.bin");
        assertTrue(p.toString().length() > 300, p.toString());
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW)) {
            assertEquals(p.toString(), f.path(), "the path as the caller knows it");
            assertEquals(5, await(f.write(direct("hello".getBytes()), 0)));
            ByteBuffer dst = ByteBuffer.allocateDirect(8);
            assertEquals(5, await(f.read(dst, 0)));
            assertEquals("hello", new String(bytes(dst)));
        }
        assertArrayEquals("hello".getBytes(), Files.readAllBytes(p), "the same file, as the JDK sees it");
        Files.createDirectory(deep.resolve("sub"));
        try (OverlappedFile f = OverlappedFile.open(dispatcher, deep.resolve("sub").resolve("..").resolve("long.bin"))) {
            assertEquals(5, f.size(), "and it opens again through a \"..\" (which \\\\?\\ leaves to the caller)");
        }
    }

    @Test
    void longWin32PathsGetThePrefixTheJdkGivesThem() {
        String drive = "C:\\" + "d".repeat(244);
        assertEquals(247, drive.length());
        assertEquals(drive, NativeFiles.forWin32Calls(drive), "247 characters: as they are");
        String longer = drive + "\\f";
        assertEquals("\\\\?\\" + longer, NativeFiles.forWin32Calls(longer));
        String unc = "\\\\server\\share\\" + "d".repeat(250);
        assertEquals("\\\\?\\UNC\\server\\share\\" + "d".repeat(250), NativeFiles.forWin32Calls(unc));
        String pipe = "\\\\.\\pipe\\" + "p".repeat(250);
        assertEquals(pipe, NativeFiles.forWin32Calls(pipe), "a device name is no file path");
        String prefixed = "\\\\?\\" + longer;
        assertEquals(prefixed, NativeFiles.forWin32Calls(prefixed), "prefixed once");
    }

    /** {@code FILE_ATTRIBUTE_SPARSE_FILE}, in the raw attributes the JDK's {@code dos:attributes} returns on Windows. */
    private static final int FILE_ATTRIBUTE_SPARSE_FILE = 0x200;

    @Test
    void sparseMarksANewFileSparseSoAWriteFarAwayAllocatesNothingBefore() throws Exception {
        WineGap.SPARSE_FILES.assumeShownOn(dispatcher.port().backend());
        Path sparse = dir.resolve("sparse-new.bin");
        Path plain = dir.resolve("plain.bin");
        try (OverlappedFile f = OverlappedFile.open(dispatcher, sparse, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.SPARSE);
             OverlappedFile g = OverlappedFile.open(dispatcher, plain, StandardOpenOption.WRITE,
                     StandardOpenOption.CREATE_NEW)) {
            assertEquals(5, await(f.write(direct("hello".getBytes()), 5L << 30)));
            assertEquals(5, await(g.write(direct("hello".getBytes()), 0)));
        }
        assertEquals((5L << 30) + 5, Files.size(sparse));
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Windows"),
                "FILE_ATTRIBUTE_SPARSE_FILE exists on Windows only (here " + System.getProperty("os.name") + ")");
        assertEquals(FILE_ATTRIBUTE_SPARSE_FILE, (int) Files.getAttribute(sparse, "dos:attributes")
                & FILE_ATTRIBUTE_SPARSE_FILE, "opened with SPARSE: FSCTL_SET_SPARSE");
        assertEquals(0, (int) Files.getAttribute(plain, "dos:attributes") & FILE_ATTRIBUTE_SPARSE_FILE,
                "opened without SPARSE");
    }

    private static byte[] bytes(ByteBuffer b) {
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void openErrorsAreTheJdkTypesWithTheirCodes() throws Exception {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> OverlappedFile.open(dispatcher, dir.resolve("none.bin")));
        assertEquals(2, codeOf(missing));
        assertEquals(3, codeOf(assertThrows(NoSuchFileException.class,
                () -> OverlappedFile.open(dispatcher, dir.resolve("no-dir").resolve("x.bin")))));
        Path p = dir.resolve("exists.bin");
        Files.write(p, new byte[1]);
        assertEquals(80, codeOf(assertThrows(FileAlreadyExistsException.class,
                () -> OverlappedFile.open(dispatcher, p, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW))));
        assertThrows(UnsupportedOperationException.class,
                () -> OverlappedFile.open(dispatcher, p, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    @Test
    void writingAReadOnlyFileFailsWithAccessDenied() throws Exception {
        Path p = dir.resolve("ro.bin");
        Files.write(p, new byte[4]);
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p, StandardOpenOption.READ)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(f.write(direct(new byte[2]), 0)));
            assertInstanceOf(AccessDeniedException.class, e.getCause());
            assertEquals(5, codeOf(e.getCause()));
            assertEquals(0, f.outstanding());
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingStarts() throws Exception {
        Path p = dir.resolve("args.bin");
        Files.write(p, new byte[8192]);
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p, FileOpenOption.UNBUFFERED)) {
            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> f.read(ByteBuffer.allocate(8), 0));
            assertTrue(heap.getMessage().contains("allocateDirect"), heap.getMessage());
            assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocateDirect(8).asReadOnlyBuffer(), 0));
            assertThrows(IllegalArgumentException.class, () -> f.read(ByteBuffer.allocateDirect(8), -1));
            int sector = f.sectorSize();
            ByteBuffer aligned = ByteBuffer.allocateDirect(2 * sector).alignedSlice(sector).limit(sector);
            IllegalArgumentException pos = assertThrows(IllegalArgumentException.class, () -> f.read(aligned, 512 + 1));
            assertTrue(pos.getMessage().contains("position 513"), pos.getMessage());
            IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
                    () -> f.read(aligned.duplicate().limit(100), 0));
            assertTrue(len.getMessage().contains("length 100"), len.getMessage());
            assertEquals(sector, await(f.read(aligned, 0)), "an aligned unbuffered read works");
            assertEquals(0, f.outstanding());
        }
    }

    @Test
    void operationsAfterCloseFailWithClosedChannelException() throws Exception {
        Path p = dir.resolve("closed.bin");
        Files.write(p, new byte[4]);
        OverlappedFile f = OverlappedFile.open(dispatcher, p);
        f.close();
        assertFalse(f.isOpen());
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(f.read(ByteBuffer.allocateDirect(4), 0)));
        assertInstanceOf(ClosedChannelException.class, e.getCause());
        assertThrows(ClosedChannelException.class, f::size);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        f.read(ByteBuffer.allocateDirect(4), 0, null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer result, Void a) {
            }

            @Override
            public void failed(Throwable t, Void a) {
                failed.set(t);
            }
        });
        assertInstanceOf(ClosedChannelException.class, failed.get(), "the handler hears at once");
        f.close(); // twice is fine
    }

    @Test
    void closeWithOperationsInFlightAccountsForEveryOne() throws Exception {
        Path p = dir.resolve("busy.bin");
        Files.write(p, new byte[1 << 16]);
        OverlappedFile f = OverlappedFile.open(dispatcher, p);
        int n = 2000;
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger aborted = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            f.read(ByteBuffer.allocateDirect(512), (i * 512L) % (1 << 16), null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer r, Void a) {
                    completed.incrementAndGet();
                    all.countDown();
                }

                @Override
                public void failed(Throwable t, Void a) {
                    (t instanceof Win32Exceptions.AsynchronousClose ? aborted : other).incrementAndGet();
                    all.countDown();
                }
            });
        }
        assertEquals(0, f.close(Duration.ofSeconds(WATCHDOG_SECONDS)), "every operation came back");
        assertTrue(all.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        assertEquals(n, completed.get() + aborted.get(), "each read completed or was cancelled with 995");
        assertEquals(0, other.get());
        assertEquals(0, f.outstanding());
        assertEquals(0, dispatcher.stats().outstandingOperations(), "every OVERLAPPED was freed");
    }

    @Test
    void aThrowingHandlerIsCountedAndTheFileCarriesOn() throws Exception {
        Path p = dir.resolve("throw.bin");
        Files.write(p, new byte[4]);
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p)) {
            long before = dispatcher.callbackFailures();
            CountDownLatch ran = new CountDownLatch(1);
            f.read(ByteBuffer.allocateDirect(4), 0, null, new CompletionHandler<Integer, Void>() {
                @Override
                public void completed(Integer r, Void a) {
                    ran.countDown();
                    throw new IllegalStateException("deliberately thrown by the test");
                }

                @Override
                public void failed(Throwable t, Void a) {
                }
            });
            assertTrue(ran.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            assertEquals(4, await(f.read(ByteBuffer.allocateDirect(4), 0)), "the next read works");
            // The count rises just after the handler threw, on its I/O thread: wait for it (bounded).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
            while (dispatcher.callbackFailures() == before && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(before + 1, dispatcher.callbackFailures());
        }
    }

    @Test
    void skipOnSuccessStillCompletesEveryOperation() throws Exception {
        Path p = dir.resolve("skip.bin");
        Files.write(p, "0123456789".getBytes());
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p, FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS)) {
            assertTrue(f.skipsCompletionPortOnSuccess());
            for (int i = 0; i < 100; i++) {
                ByteBuffer dst = ByteBuffer.allocateDirect(3);
                assertEquals(3, await(f.read(dst, i % 7)));
                assertEquals(String.valueOf(i % 7).charAt(0), (char) dst.get(0));
            }
            assertEquals(-1, await(f.read(ByteBuffer.allocateDirect(3), 10)));
        }
    }

    @Test
    void aCancelledFutureIsCancelledAndFreesItsOverlapped() throws Exception {
        Path p = dir.resolve("cancel.bin");
        Files.write(p, new byte[4096]);
        try (OverlappedFile f = OverlappedFile.open(dispatcher, p)) {
            List<IoFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(f.read(ByteBuffer.allocateDirect(4096), 0));
            }
            int cancelled = 0;
            for (IoFuture<Integer> fu : futures) {
                if (fu.cancel(true)) {
                    cancelled++;
                    assertTrue(fu.isCancelled());
                }
            }
            f.close(Duration.ofSeconds(WATCHDOG_SECONDS));
            for (IoFuture<Integer> fu : futures) {
                assertTrue(fu.isDone());
            }
            assertEquals(0, dispatcher.stats().outstandingOperations(), "cancelled or not, every OVERLAPPED came back ("
                    + cancelled + " futures cancelled)");
        }
    }
}
