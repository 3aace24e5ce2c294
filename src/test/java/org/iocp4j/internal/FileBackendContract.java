package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.iocp4j.WineGap;
import org.iocp4j.internal.windows.Win32File;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link FileBackend} must show, driven through the SPI itself with a real port of the
 * same backend, on real files: what {@code org.iocp4j.io.OverlappedFile} relies on. Subclasses name the
 * backend and its port; the codes asserted are the Win32 ones the SPI's Javadoc promises on both.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class FileBackendContract extends OverlappedContract {

    private static final int READ = Win32File.GENERIC_READ;
    private static final int READ_WRITE = Win32File.GENERIC_READ | Win32File.GENERIC_WRITE;
    private static final int SHARE_ALL = Win32File.FILE_SHARE_READ | Win32File.FILE_SHARE_WRITE
            | Win32File.FILE_SHARE_DELETE;

    @TempDir
    protected Path dir;
    private final List<Long> handles = new ArrayList<>();

    /** @return the backend under test */
    protected abstract FileBackend files();

    @AfterEach
    void closeFiles() {
        for (long h : handles) {
            files().close(h); // -6 for those a test closed itself
        }
    }

    private long openRaw(Path p, int access, int disposition) {
        return files().open(p.toString(), access, SHARE_ALL, disposition, 0, false);
    }

    /** Opens a file that must open, associated with the port under its handle as key. */
    protected long open(Path p, int access, int disposition) throws Exception {
        long h = openRaw(p, access, disposition);
        assertTrue(h > 0, "open " + p + ": " + h);
        handles.add(h);
        port.associate(h, h);
        return h;
    }

    private long fileOf(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, content.getBytes(StandardCharsets.US_ASCII));
        return open(p, READ_WRITE, Win32File.OPEN_EXISTING);
    }

    /** A write that must start: its packet. */
    private Packet write(long h, String s, long position) throws Exception {
        long o = op(position);
        assertStarted(files().write(h, direct(s), position, o), "write");
        return await(o);
    }

    /** A read that must start: its packet. */
    private Packet read(long h, ByteBuffer dst, long position) throws Exception {
        long o = op(position);
        assertStarted(files().read(h, dst, position, o), "read");
        return await(o);
    }

    // ---- open ----

    @Test
    void openingWhatIsNotThereFailsWith2ForAFileAnd3ForAFolder() {
        Path missing = dir.resolve("missing.txt");
        assertEquals(-Win32Errors.ERROR_FILE_NOT_FOUND, openRaw(missing, READ, Win32File.OPEN_EXISTING));
        assertEquals(-Win32Errors.ERROR_FILE_NOT_FOUND, openRaw(missing, READ_WRITE, Win32File.TRUNCATE_EXISTING));
        Path inMissingFolder = dir.resolve("no-such-folder").resolve("f.txt");
        assertEquals(-Win32Errors.ERROR_PATH_NOT_FOUND, openRaw(inMissingFolder, READ, Win32File.OPEN_EXISTING));
        assertEquals(-Win32Errors.ERROR_PATH_NOT_FOUND, openRaw(inMissingFolder, READ_WRITE, Win32File.CREATE_NEW));
        assertFalse(Files.exists(missing), "nothing was created");
    }

    @Test
    void createNewOfAFileThatExistsFailsWith80AndLeavesItAlone() throws Exception {
        Path p = dir.resolve("exists.txt");
        Files.write(p, new byte[] {1, 2, 3});
        assertEquals(-Win32Errors.ERROR_FILE_EXISTS, openRaw(p, READ_WRITE, Win32File.CREATE_NEW));
        assertEquals(3, Files.size(p));
    }

    @Test
    void aFolderDoesNotOpenAsAFile() {
        assertEquals(-Win32Errors.ERROR_ACCESS_DENIED, openRaw(dir, READ, Win32File.OPEN_EXISTING));
    }

    @Test
    void anUnknownDispositionFailsWith87() {
        Path p = dir.resolve("never.txt");
        assertEquals(-Win32Errors.ERROR_INVALID_PARAMETER, openRaw(p, READ_WRITE, 0));
        assertEquals(-Win32Errors.ERROR_INVALID_PARAMETER, openRaw(p, READ_WRITE, 6));
        assertFalse(Files.exists(p));
    }

    @Test
    void eachDispositionCreatesTruncatesOrKeepsAsWin32Says() throws Exception {
        Path fresh = dir.resolve("fresh.txt");
        assertEquals(0, files().size(open(fresh, READ_WRITE, Win32File.CREATE_NEW)), "CREATE_NEW creates");
        assertTrue(Files.exists(fresh));
        Path always = dir.resolve("always.txt");
        assertEquals(0, files().size(open(always, READ_WRITE, Win32File.OPEN_ALWAYS)), "OPEN_ALWAYS creates");
        assertTrue(Files.exists(always));

        String content = "0123456789";
        Path p = dir.resolve("kept.txt");
        Files.write(p, content.getBytes(StandardCharsets.US_ASCII));
        assertEquals(10, files().size(open(p, READ, Win32File.OPEN_EXISTING)), "OPEN_EXISTING keeps");
        assertEquals(10, files().size(open(p, READ_WRITE, Win32File.OPEN_ALWAYS)), "OPEN_ALWAYS keeps");
        assertEquals(0, files().size(open(p, READ_WRITE, Win32File.CREATE_ALWAYS)), "CREATE_ALWAYS truncates");
        Files.write(p, content.getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, files().size(open(p, READ_WRITE, Win32File.TRUNCATE_EXISTING)), "TRUNCATE_EXISTING truncates");
    }

    // ---- read and write ----

    @Test
    void writesAndReadsAtPositionsCarryTheirBytesInOnePacketEach() throws Exception {
        long h = open(dir.resolve("rw.bin"), READ_WRITE, Win32File.CREATE_NEW);
        assertEquals(new Packet(h, 12, 0), write(h, "hello, world", 0));
        assertEquals(new Packet(h, 1, 0), write(h, "W", 7));
        // Past 64 KiB: the position travels in the OVERLAPPED's Offset, not in a 16-bit field anywhere.
        assertEquals(new Packet(h, 3, 0), write(h, "end", 70_000));
        assertEquals(70_003, files().size(h));

        ByteBuffer dst = ByteBuffer.allocateDirect(5);
        assertEquals(new Packet(h, 5, 0), read(h, dst, 7));
        assertEquals("World", text(dst, 5));
        assertEquals(0, dst.position(), "the backend moves no position: the completion does");
        ByteBuffer hole = ByteBuffer.allocateDirect(4);
        assertEquals(new Packet(h, 4, 0), read(h, hole, 100));
        assertEquals("\0\0\0\0", text(hole, 4), "the gap a write past the end left reads as zeros");
        ByteBuffer tail = ByteBuffer.allocateDirect(3);
        assertEquals(new Packet(h, 3, 0), read(h, tail, 70_000));
        assertEquals("end", text(tail, 3));
    }

    @Test
    void aReadUsesTheBuffersRemainingBytesOnly() throws Exception {
        long h = fileOf("window.txt", "abcdefgh");
        ByteBuffer dst = ByteBuffer.allocateDirect(8);
        dst.position(2).limit(5);
        assertEquals(new Packet(h, 3, 0), read(h, dst, 0));
        assertEquals("abc", text(dst, 3), "into [position, limit)");
        assertEquals(2, dst.position());
        ByteBuffer src = direct("xxXYZxx");
        src.position(2).limit(5);
        long o = op(1);
        assertStarted(files().write(h, src, 1, o), "write");
        assertEquals(new Packet(h, 3, 0), await(o));
        assertEquals("aXYZefgh", new String(Files.readAllBytes(dir.resolve("window.txt")), StandardCharsets.US_ASCII));
    }

    @Test
    void aReadAtOrPastTheEndIs38WithNoBytesAndAShortReadStopsThere() throws Exception {
        long h = fileOf("ten.txt", "0123456789");
        ByteBuffer dst = ByteBuffer.allocateDirect(8);
        assertEquals(new Packet(h, 4, 0), read(h, dst, 6), "a read across the end: the bytes up to it");
        assertEquals("6789", text(dst, 4));
        for (long at : new long[] {10, 4096}) {
            long o = op(at);
            long r = files().read(h, ByteBuffer.allocateDirect(8), at, o);
            if (r == -Win32Errors.ERROR_HANDLE_EOF) {
                noPacketFor(o); // at once, as Windows may: no packet
            } else {
                assertEquals(PENDING, r, "a read at " + at + " of a 10-byte file: pending or 38 at once");
                assertEquals(new Packet(h, 0, Win32Errors.ERROR_HANDLE_EOF), await(o), "read at " + at);
            }
        }
    }

    @Test
    void aWriteThroughAReadOnlyHandleFailsAtOnceWith5() throws Exception {
        Path p = dir.resolve("ro.txt");
        Files.write(p, "abc".getBytes(StandardCharsets.US_ASCII));
        long h = open(p, READ, Win32File.OPEN_EXISTING);
        long o = op(0);
        assertEquals(-Win32Errors.ERROR_ACCESS_DENIED, files().write(h, direct("x"), 0, o));
        noPacketFor(o);
        assertEquals("abc", new String(Files.readAllBytes(p), StandardCharsets.US_ASCII));
    }

    @Test
    void aTruncateThroughAReadOnlyHandleFailsWith5() throws Exception {
        WineGap.READ_ONLY_TRUNCATE.assumeShownOn(backend());
        Path p = dir.resolve("ro.txt");
        Files.write(p, "abc".getBytes(StandardCharsets.US_ASCII));
        long h = open(p, READ, Win32File.OPEN_EXISTING);
        assertEquals(-Win32Errors.ERROR_ACCESS_DENIED, files().truncate(h, 1));
        assertEquals(-Win32Errors.ERROR_ACCESS_DENIED, files().truncate(h, 10));
        assertEquals("abc", new String(Files.readAllBytes(p), StandardCharsets.US_ASCII));
    }

    // ---- size, truncate, flush, sector size ----

    @Test
    void truncateShrinksAndGrowsAndFlushAnswers() throws Exception {
        long h = fileOf("sized.txt", "0123456789");
        assertEquals(10, files().size(h));
        assertEquals(0, files().truncate(h, 4));
        assertEquals(4, files().size(h));
        assertEquals(0, files().truncate(h, 4), "to the size it has: nothing to do");
        assertEquals(0, files().truncate(h, 8));
        assertEquals(8, files().size(h));
        ByteBuffer dst = ByteBuffer.allocateDirect(8);
        assertEquals(new Packet(h, 8, 0), read(h, dst, 0));
        assertEquals("0123\0\0\0\0", text(dst, 8), "what a truncate grew reads as zeros");
        assertEquals(0, files().flush(h));
    }

    @Test
    void theSectorSizeIsAPowerOfTwoAndAClosedHandleHasNone() throws Exception {
        WineGap.SECTOR_SIZE.assumeShownOn(backend());
        long h = fileOf("sector.txt", "abc");
        int sector = files().sectorSize(h);
        assertTrue(sector >= 512 && Integer.bitCount(sector) == 1, "a sector size: " + sector);
        assertEquals(0, files().close(h));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().sectorSize(h));
    }

    // ---- cancel ----

    @Test
    void cancellingNothingPendingFailsWith1168() throws Exception {
        long h = fileOf("idle.txt", "abc");
        long never = op();
        noPacketFor(never);
        assertEquals(-Win32Errors.ERROR_NOT_FOUND, files().cancel(h, never), "an OVERLAPPED never submitted");
        long done = op(0);
        assertStarted(files().read(h, ByteBuffer.allocateDirect(3), 0, done), "read");
        assertEquals(new Packet(h, 3, 0), await(done));
        assertEquals(-Win32Errors.ERROR_NOT_FOUND, files().cancel(h, done), "an operation that already completed");
    }

    @Test
    void cancellingEveryOperationWithNonePendingFailsWith1168() throws Exception {
        WineGap.CANCEL_NOTHING_PENDING.assumeShownOn(backend());
        long h = fileOf("none.txt", "abc");
        assertEquals(-Win32Errors.ERROR_NOT_FOUND, files().cancel(h, 0));
        assertEquals(new Packet(h, 3, 0), read(h, ByteBuffer.allocateDirect(3), 0));
        assertEquals(-Win32Errors.ERROR_NOT_FOUND, files().cancel(h, 0), "after an operation completed");
    }

    /**
     * A file operation may finish before its cancel reaches it (on Windows and here), so which ones a cancel
     * catches is a race; what holds every time: each posts one packet, a cancelled one says 995 with no bytes,
     * an uncancelled one carries its bytes, and a cancel that found nothing (1168) cancelled nothing.
     */
    @Test
    void aCancelledOperationPostsOnePacketWith995AndTheOthersCompleteNormally() throws Exception {
        int chunk = 64 << 10;
        int reads = 32;
        Path p = dir.resolve("big.bin");
        Files.write(p, new byte[chunk * reads]);
        long h = open(p, READ, Win32File.OPEN_EXISTING);
        long[] ops = new long[reads];
        for (int i = 0; i < reads; i++) {
            ops[i] = op((long) i * chunk);
            assertStarted(files().read(h, ByteBuffer.allocateDirect(chunk), (long) i * chunk, ops[i]), "read " + i);
        }
        int last = files().cancel(h, ops[reads - 1]);
        int all = files().cancel(h, 0);
        assertTrue(last == 0 || last == -Win32Errors.ERROR_NOT_FOUND, "cancel of one: " + last);
        assertTrue(all == 0 || all == -Win32Errors.ERROR_NOT_FOUND, "cancel of all: " + all);
        int aborted = 0;
        for (int i = 0; i < reads; i++) {
            Packet packet = await(ops[i]);
            if (packet.error == ABORTED) {
                assertEquals(new Packet(h, 0, ABORTED), packet, "read " + i);
                aborted++;
            } else {
                assertEquals(new Packet(h, chunk, 0), packet, "read " + i);
            }
        }
        if (last != 0 && all != 0) {
            assertEquals(0, aborted, "no cancel found anything, yet operations ended with 995");
        }
    }

    // ---- close ----

    @Test
    void aClosedHandleRefusesEveryCallWith6() throws Exception {
        long h = fileOf("closed.txt", "abc");
        assertEquals(0, files().close(h));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().close(h), "closed once");
        long r = op(0);
        long w = op(0);
        noPacketFor(r);
        noPacketFor(w);
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().read(h, ByteBuffer.allocateDirect(1), 0, r));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().write(h, direct("x"), 0, w));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().size(h));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().truncate(h, 0));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().flush(h));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().skipCompletionPortOnSuccess(h));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().cancel(h, 0));
        assertEquals(-Win32Errors.ERROR_INVALID_HANDLE, files().cancel(h, r));
    }

    // ---- skip-on-success ----

    /**
     * With skip-on-success set, an operation done at once posts no packet and one that is pending posts
     * one; either way the bytes are right. (Which of the two happens is the system's choice; the native
     * suite shows an operation done at once where the system completes at once.)
     */
    @Test
    void withSkipOnSuccessAnOperationDoneAtOncePostsNoPacketAndAPendingOneDoes() throws Exception {
        long h = fileOf("skip.txt", "0123456789");
        assertEquals(0, files().skipCompletionPortOnSuccess(h));
        assertEquals(0, files().skipCompletionPortOnSuccess(h), "set again: still set");
        for (int i = 0; i < 20; i++) {
            int at = i % 7;
            ByteBuffer dst = ByteBuffer.allocateDirect(3);
            long o = op(at);
            long r = files().read(h, dst, at, o);
            if (r >= 0) {
                noPacketFor(o);
                assertEquals(3, r);
            } else {
                assertEquals(PENDING, r);
                assertEquals(new Packet(h, 3, 0), await(o));
            }
            assertEquals(String.valueOf("0123456789".toCharArray(), at, 3), text(dst, 3));
        }
    }
}
