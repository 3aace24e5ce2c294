package org.iocp4j.jna;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the {@code FILE_NOTIFY_INFORMATION} records {@code ReadDirectoryChangesW} wrote into a buffer.
 * <pre>
 *   typedef struct _FILE_NOTIFY_INFORMATION {
 *     DWORD NextEntryOffset;   //  0: bytes to the next record, 0 for the last
 *     DWORD Action;            //  4: FILE_ACTION_*
 *     DWORD FileNameLength;    //  8: in bytes, not characters; no terminating NUL
 *     WCHAR FileName[1];       // 12: UTF-16LE, relative to the watched directory
 *   } FILE_NOTIFY_INFORMATION; // records DWORD-aligned on Windows, packed under Wine 8
 * </pre>
 * Every offset and length is checked against the bytes the packet reported: a bad record is an
 * {@code IOException}, never a read past them.
 */
final class NotifyRecords {

    static final int NEXT_ENTRY_OFFSET = 0;
    static final int ACTION = 4;
    static final int FILE_NAME_LENGTH = 8;
    static final int FILE_NAME = 12;

    private NotifyRecords() {
    }

    /**
     * Appends the events of the first {@code bytes} bytes of {@code buffer} to {@code into}, skipping
     * actions this version does not know.
     *
     * @param buffer    the buffer (its position, limit and order are ignored)
     * @param bytes     the byte count of the packet
     * @param directory the watched directory, for the events
     * @param into      where the events go
     * @throws IOException if a record does not fit in {@code bytes} or its offsets make no sense
     */
    static void parse(ByteBuffer buffer, int bytes, Path directory, List<DirectoryEvent> into) throws IOException {
        ByteBuffer b = buffer.order() == ByteOrder.LITTLE_ENDIAN ? buffer
                : buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (bytes < 0 || bytes > b.capacity()) {
            throw new IOException("ReadDirectoryChangesW reported " + Integer.toUnsignedString(bytes)
                    + " bytes for a buffer of " + b.capacity());
        }
        int at = 0;
        for (;;) {
            if (bytes - at < FILE_NAME) {
                throw malformed(at, bytes, "a record header does not fit");
            }
            int next = b.getInt(at + NEXT_ENTRY_OFFSET);
            int action = b.getInt(at + ACTION);
            int length = b.getInt(at + FILE_NAME_LENGTH);
            if (length < 0 || (length & 1) != 0 || length > bytes - at - FILE_NAME) {
                throw malformed(at, bytes, "FileNameLength " + Integer.toUnsignedString(length));
            }
            char[] name = new char[length / 2];
            for (int i = 0; i < name.length; i++) {
                name[i] = b.getChar(at + FILE_NAME + 2 * i);
            }
            DirectoryEvent.Kind kind = DirectoryEvent.Kind.ofAction(action);
            if (kind != null) {
                into.add(new DirectoryEvent(directory, kind, new String(name)));
            }
            if (next == 0) {
                return;
            }
            // Windows DWORD-aligns the records; Wine 8 packs them (NextEntryOffset 14 for a one-character
            // name), so only overlap and overrun are refused, and the reads do not assume alignment.
            if (next < FILE_NAME + length || next > bytes - at) {
                throw malformed(at, bytes, "NextEntryOffset " + Integer.toUnsignedString(next));
            }
            at += next;
        }
    }

    private static IOException malformed(int at, int bytes, String what) {
        return new IOException("malformed FILE_NOTIFY_INFORMATION at offset " + at + " of " + bytes + " bytes: " + what);
    }
}
