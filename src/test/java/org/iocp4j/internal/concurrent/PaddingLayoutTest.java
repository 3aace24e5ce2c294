package org.iocp4j.internal.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Proof that the padding works: the offsets the running JVM gave each padded class, printed, and every hot
 * field at least {@value #GAP} bytes (two cache lines, for the adjacent-line prefetcher) from every other hot
 * field, from the cold ones and from the neighbouring objects. The JVM reorders a class's own fields, so
 * only padding in superclass layers can show this; the native leg runs it on JDK 11's field layout too.
 */
class PaddingLayoutTest {

    private static final int GAP = 128;

    @Test
    void taskQueueHotFieldsSitOnLinesOfTheirOwn() {
        assertPadded(MpmcTaskQueue.class, 4);
    }

    @Test
    void packetQueueHotFieldsSitOnLinesOfTheirOwn() {
        assertPadded(MpmcPacketQueue.class, 2);
    }

    @Test
    void singleWriterCounterValueSitsOnLinesOfItsOwn() {
        assertPadded(SingleWriterCounter.class, 1);
    }

    private static void assertPadded(Class<?> type, int hotFields) {
        FieldLayout layout = FieldLayout.of(type);
        System.out.println(layout);
        List<String> violations = layout.violations(GAP);
        violations.forEach(v -> System.out.println("  too close: " + v));
        assertEquals(hotFields, layout.hot().size(), () -> "hot fields of " + layout);
        assertTrue(violations.isEmpty(), () -> type.getSimpleName() + ": " + violations);
    }
}
