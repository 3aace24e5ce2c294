package org.iocp4j.internal.portable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The portable handle table: lookups by index, and pages let go once all their handles are closed. */
class HandleTableTest {

    @Test
    void entriesAreFoundByTheirIndexUntilRemoved() {
        HandleTable<String> t = new HandleTable<>();
        String a = t.add(i -> "entry " + i);
        String b = t.add(i -> "entry " + i);
        assertEquals("entry 0", a);
        assertEquals("entry 1", b);
        assertSame(a, t.get(0));
        assertSame(b, t.get(1));
        assertNull(t.get(2), "not issued yet");
        assertNull(t.get(-1));
        assertNull(t.get(Long.MAX_VALUE));
        assertSame(a, t.remove(0));
        assertNull(t.remove(0), "removed once");
        assertNull(t.get(0));
        assertEquals(1, t.size());
        assertEquals(2, t.issued());
    }

    /**
     * A process that opens and closes sockets for ever keeps only the pages of handles still open: values
     * are never reused, so a page whose every value was issued and closed can go.
     */
    @Test
    void aPageGoesOnceEveryHandleInItWasIssuedAndClosed() {
        HandleTable<Long> t = new HandleTable<>();
        int total = 5 * HandleTable.PAGE + 7;
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            t.add(Long::valueOf);
        }
        assertEquals(6, t.pages());
        for (long i = 0; i < total; i++) {
            if (i == 2L * HandleTable.PAGE + 5) {
                kept.add(i); // one open handle keeps its page
                continue;
            }
            t.remove(i);
        }
        assertEquals(2, t.pages(), "the page with the open handle, and the last one, still being issued");
        assertEquals(Long.valueOf(2L * HandleTable.PAGE + 5), t.get(kept.get(0)));
        for (int i = total; i < 6 * HandleTable.PAGE; i++) {
            t.remove(t.add(Long::valueOf).longValue());
        }
        assertEquals(1, t.pages(), "the last page was issued to its end and closed");
        assertEquals(1, t.size());
    }
}
