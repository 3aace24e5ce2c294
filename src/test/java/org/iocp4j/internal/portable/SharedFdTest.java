package org.iocp4j.internal.portable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.iocp4j.internal.linux.LinuxFile;
import org.iocp4j.internal.linux.LinuxLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SharedFd}'s descriptors of their own per thread slot: same file, separate opens, closed together. */
class SharedFdTest {

    @TempDir
    Path dir;

    /** Two threads in different slots read the same bytes through different descriptors; close closes both. */
    @Test
    void threadsOfTwoSlotsReadTheSameFileThroughTheirOwnDescriptors() throws Exception {
        assumeTrue(LinuxLibrary.isLoaded(), "needs libiocp4j.so: " + LinuxLibrary.status());
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2, "one CPU: one descriptor");
        Path p = dir.resolve("shared.bin");
        byte[] content = new byte[8192];
        Arrays.fill(content, (byte) 7);
        content[4096] = 42;
        Files.write(p, content);
                int fd = LinuxFile.open(p.toString().getBytes(StandardCharsets.UTF_8), LinuxFile.O_RDONLY);
        assertTrue(fd >= 0, "open: errno " + -fd);
        SharedFd shared = new SharedFd(fd, true, LinuxFile.O_RDONLY);

        // Two threads whose ids fall in different slots (threads made meanwhile elsewhere may skip ids).
        int[] used = new int[2];
        byte[][] read = new byte[2][];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        int slots = Math.min(SharedFd.MAX_DESCRIPTORS, cpus);
        for (int i = 0; i < 2; i++) {
            int me = i;
            Runnable read1 = () -> {
                try {
                    assertTrue(shared.acquire());
                    try {
                        used[me] = shared.mine();
                        assertEquals(used[me], shared.mine(), "the same descriptor each time");
                        ByteBuffer b = ByteBuffer.allocateDirect(4096);
                        assertEquals(4096, LinuxFile.read(used[me], b, 0, 4096));
                        read[me] = new byte[4096];
                        b.get(read[me]);
                    } finally {
                        shared.release();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            };
            do {
                readers[i] = new Thread(read1);
            } while (i == 1 && readers[1].getId() % slots == readers[0].getId() % slots);
        }
        for (Thread t : readers) {
            t.start();
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertNotEquals(used[0], used[1], "threads of two slots, two descriptors");
        assertArrayEquals(Arrays.copyOfRange(content, 4096, 8192), read[0]);
        assertArrayEquals(read[0], read[1], "the same file through both");
        assertEquals(2, shared.descriptors());
        assertEquals(2, descriptorsOn(p));

        assertTrue(shared.close());
        assertEquals(0, descriptorsOn(p), "both closed with the handle");
        assertTrue(!shared.acquire(), "no use after close");
    }

    /** A use taken on one thread and given back on another (a device thread's task) still closes at the last release. */
    @Test
    void aUseGivenBackOnAnotherThreadClosesTheDescriptorAtTheLastRelease() throws Exception {
        assumeTrue(LinuxLibrary.isLoaded(), "needs libiocp4j.so: " + LinuxLibrary.status());
        Path p = dir.resolve("handed.bin");
        Files.write(p, new byte[4096]);
                int fd = LinuxFile.open(p.toString().getBytes(StandardCharsets.UTF_8), LinuxFile.O_RDONLY);
        assertTrue(fd >= 0, "open: errno " + -fd);
        SharedFd shared = new SharedFd(fd, true, LinuxFile.O_RDONLY);
        assertTrue(shared.acquire());
        assertTrue(shared.close());
        assertTrue(!shared.close(), "a second close says it was closed already");
        assertTrue(shared.isClosed());
        assertTrue(!shared.acquire(), "no new use once closed");
        assertEquals(1, descriptorsOn(p), "a use is held: the descriptor stays open");
        Thread other = new Thread(shared::release);
        other.start();
        other.join();
        assertEquals(0, descriptorsOn(p), "the last use, given back on another thread, closed it");
    }

    /**
     * Threads on every slot read while another thread closes: no read ever meets a closed (or reused)
     * descriptor, and everything is closed once the last reader gives its use back.
     */
    @Test
    void readsRacingACloseNeverMeetAClosedDescriptor() throws Exception {
        assumeTrue(LinuxLibrary.isLoaded(), "needs libiocp4j.so: " + LinuxLibrary.status());
        Path p = dir.resolve("race.bin");
        byte[] content = new byte[4096];
        Arrays.fill(content, (byte) 9);
        Files.write(p, content);
                for (int round = 0; round < 20; round++) {
            int fd = LinuxFile.open(p.toString().getBytes(StandardCharsets.UTF_8), LinuxFile.O_RDONLY);
            assertTrue(fd >= 0, "open: errno " + -fd);
            SharedFd shared = new SharedFd(fd, true, LinuxFile.O_RDONLY);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] readers = new Thread[4];
            for (int i = 0; i < readers.length; i++) {
                readers[i] = new Thread(() -> {
                    ByteBuffer b = ByteBuffer.allocateDirect(4096);
                    byte[] got = new byte[4096];
                    try {
                        while (shared.acquire()) {
                            try {
                                b.clear();
                                assertEquals(4096, LinuxFile.read(shared.mine(), b, 0, 0), "a read under a use");
                                b.get(got); // the read leaves the position where it was
                                assertArrayEquals(content, got, "the file's bytes, not another file's");
                            } finally {
                                shared.release();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                readers[i].start();
            }
            Thread.sleep(2);
            assertTrue(shared.close());
            for (Thread t : readers) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("round " + round, failure.get());
            }
            assertEquals(0, descriptorsOn(p), "round " + round + ": every descriptor closed");
        }
    }

    /**
     * Descriptors of this process open on {@code file}: counted by what each one points at, since other
     * tests' descriptors open and close meanwhile (a cleaner closing a channel), which a count of all would see.
     */
    private static long descriptorsOn(Path file) throws IOException {
        Path target = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(target);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        }
    }
}
