package org.iocp4j.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The dispatcher's reserved keys, the slot word and the batch cursor: each packing round-trips. */
class PacketKeyTest {

    @Test
    void aPostedKeyCarriesItsGeneration() {
        for (long generation : new long[] {1, 2, 0x7FFF_FFFFL, 1L << 61}) {
            long key = PacketKey.posted(generation);
            assertTrue(PacketKey.isPosted(key));
            assertEquals(generation, PacketKey.generation(key));
        }
        assertFalse(PacketKey.isPosted(7), "a bound handle's key");
    }

    @Test
    void onlyAddressLessReservedKeysAreTheDispatchersOwn() {
        assertEquals(PacketKey.DEFERRED, PacketKey.kind(PacketKey.DEFERRED_KEY, 0));
        assertEquals(PacketKey.TASKS, PacketKey.kind(PacketKey.TASKS_KEY, 0));
        // A generation-1 post carries its OVERLAPPED's address, so it never reads as the task wake-up.
        assertEquals(PacketKey.TASKS_KEY, PacketKey.posted(1));
        assertEquals(PacketKey.OPERATION, PacketKey.kind(PacketKey.posted(1), 0x1000));
        assertEquals(PacketKey.OPERATION, PacketKey.kind(7, 0), "foreign, found so by the slab");
        assertEquals(PacketKey.OPERATION, PacketKey.kind(7, 0x1000));
    }

    @Test
    void theSlotWordKeepsStateAndGenerationApart() {
        for (int state : new int[] {SlotWord.FREE, SlotWord.ALLOCATED, SlotWord.SUBMITTED, SlotWord.COMPLETED}) {
            long word = SlotWord.of(123_456_789_012L, state);
            assertEquals(state, SlotWord.state(word));
            assertEquals(123_456_789_012L, SlotWord.generation(word));
        }
    }

    @Test
    void theBatchCursorKeepsSizeAndNextApart() {
        long cursor = BatchCursor.of(64, 10);
        assertEquals(64, BatchCursor.size(cursor));
        assertEquals(10, BatchCursor.next(cursor));
        assertEquals(54, BatchCursor.unclaimed(cursor));
        assertEquals(11, BatchCursor.next(cursor + 1), "claiming one entry is an increment");
        assertEquals(0, BatchCursor.unclaimed(BatchCursor.of(64, 64)));
    }
}
