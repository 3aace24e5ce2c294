package org.iocp4j.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The FILE_NOTIFY_INFORMATION reader on buffers laid out as the kernel lays them: runs everywhere. */
class NotifyRecordsTest {

    private static final Path DIR = Paths.get("watched").toAbsolutePath();

    /** Writes one record at {@code at}; returns where the next (DWORD-aligned) one starts. */
    private static int record(ByteBuffer b, int at, int action, String name, boolean last) {
        int length = name.length() * 2;
        int size = (NotifyRecords.FILE_NAME + length + 3) & ~3;
        b.putInt(at, last ? 0 : size).putInt(at + 4, action).putInt(at + 8, length);
        for (int i = 0; i < name.length(); i++) {
            b.putChar(at + 12 + 2 * i, name.charAt(i));
        }
        return at + size;
    }

    private static ByteBuffer buffer() {
        return ByteBuffer.allocateDirect(512).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static List<DirectoryEvent> parse(ByteBuffer b, int bytes) throws IOException {
        List<DirectoryEvent> events = new ArrayList<>();
        NotifyRecords.parse(b, bytes, DIR, events);
        return events;
    }

    @Test
    void readsEveryRecordInOrderWithUtf16NamesAndSkipsUnknownActions() throws Exception {
        ByteBuffer b = buffer();
        int at = record(b, 0, 1, "a.txt", false);
        at = record(b, at, 9, "unknown-action", false);
        at = record(b, at, 4, "old name", false);
        at = record(b, at, 5, "sub\\n\u00e9w \u6f22.txt", false);
        at = record(b, at, 3, "x", true);
        int bytes = at - 2; // the last record's padding is not part of the count
        b.order(ByteOrder.BIG_ENDIAN); // the reader must not depend on the caller's order
        List<DirectoryEvent> events = parse(b, bytes);
        assertEquals("[CREATED a.txt, RENAMED_FROM old name, RENAMED_TO sub\\n\u00e9w \u6f22.txt, MODIFIED x]",
                events.toString());
        assertEquals(DIR.resolve("a.txt"), events.get(0).path());
        assertEquals(DIR, events.get(0).directory());
        assertEquals(5, events.get(2).kind().action());
    }

    @Test
    void packedRecordsAsWineWritesThemAreRead() throws Exception {
        // Wine 8 does not pad a record to a DWORD: "a" then "bcd" at offset 14, as its ReadDirectoryChangesW wrote.
        ByteBuffer b = buffer();
        b.putInt(0, 14).putInt(4, 1).putInt(8, 2).putChar(12, 'a');
        b.putInt(14, 0).putInt(18, 3).putInt(22, 6).putChar(26, 'b').putChar(28, 'c').putChar(30, 'd');
        assertEquals("[CREATED a, MODIFIED bcd]", parse(b, 32).toString());
    }

    @Test
    void aRecordWithAnEmptyNameIsRead() throws Exception {
        ByteBuffer b = buffer();
        record(b, 0, 2, "", true);
        List<DirectoryEvent> events = parse(b, NotifyRecords.FILE_NAME);
        assertEquals(1, events.size());
        assertEquals(DirectoryEvent.Kind.DELETED, events.get(0).kind());
        assertEquals(DIR, events.get(0).path());
    }

    @Test
    void aNameLongerThanTheBytesReportedIsRefusedNotReadPastThem() {
        ByteBuffer b = buffer();
        record(b, 0, 1, "abcdef", true);
        IOException e = assertThrows(IOException.class, () -> parse(b, NotifyRecords.FILE_NAME + 10));
        assertTrue(e.getMessage().contains("FileNameLength 12"), e.getMessage());
    }

    @Test
    void badOffsetsAndLengthsAreRefused() {
        ByteBuffer b = buffer();
        int next = record(b, 0, 1, "ab", false);
        record(b, next, 1, "cd", true);
        int bytes = next + 16;
        b.putInt(0, next + 64); // past the bytes
        assertThrows(IOException.class, () -> parse(b, bytes));
        b.putInt(0, 6); // inside its own header
        assertThrows(IOException.class, () -> parse(b, bytes));
        b.putInt(0, 15); // inside its own name ("ab": 12 + 4 bytes)
        assertThrows(IOException.class, () -> parse(b, bytes));
        b.putInt(0, next);
        b.putInt(8, 3); // an odd byte count cannot be UTF-16
        assertThrows(IOException.class, () -> parse(b, bytes));
        b.putInt(8, -2);
        assertThrows(IOException.class, () -> parse(b, bytes));
        assertThrows(IOException.class, () -> parse(b, 8), "a header cut short");
        assertThrows(IOException.class, () -> parse(b, 513), "more bytes than the buffer holds");
    }
}
