package org.iocp4j.internal.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.Win32Layout;
import org.junit.jupiter.api.Test;

/** The slab on its own: slots, generations, the state machine, exhaustion and close. */
class OverlappedSlabTest {

    @Test
    void everySlotIsHandedOutOnceThenTheSlabIsExhausted() {
        OverlappedSlab slab = new OverlappedSlab(5);
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            int slot = slab.acquire();
            assertTrue(slot >= 0 && slot < 5, "slot " + slot);
            assertTrue(slots.add(slot), "slot " + slot + " handed out twice");
            assertEquals(SlotWord.ALLOCATED, SlotWord.state(slab.word(slot)));
            assertEquals(1, SlotWord.generation(slab.word(slot)));
        }
        assertEquals(-1, slab.acquire(), "a sixth slot from a slab of five");
        assertEquals(5, slab.inUse());
    }

    @Test
    void aFreedSlotComesBackAtTheNextGeneration() {
        OverlappedSlab slab = new OverlappedSlab(1);
        int slot = slab.acquire();
        assertEquals(-1, slab.release(slot, 1));
        assertEquals(SlotWord.FREE, SlotWord.state(slab.word(slot)));
        assertEquals(slot, slab.acquire(), "the freed slot was not found again");
        assertEquals(2, SlotWord.generation(slab.word(slot)));
        assertEquals(-1, slab.release(slot, 2));
        assertEquals(slot, slab.acquire());
        assertEquals(3, SlotWord.generation(slab.word(slot)));
    }

    /**
     * The stripe's cache: the slot a thread freed last is the one its next allocation gets (still in its
     * CPU's cache), ahead of the free list's.
     */
    @Test
    void aThreadGetsBackTheSlotItFreedLast() {
        // Four slots: the main list still holds two when the first comes back, so only the cache returns it.
        OverlappedSlab slab = new OverlappedSlab(4);
        int first = slab.acquire();
        int second = slab.acquire();
        assertEquals(-1, slab.release(first, 1));
        assertEquals(first, slab.acquire(), "not the slot this thread freed last");
        assertEquals(-1, slab.release(second, 1));
        assertEquals(-1, slab.release(first, 2));
        assertEquals(first, slab.acquire());
        Set<Integer> rest = new HashSet<>();
        rest.add(slab.acquire());
        rest.add(slab.acquire());
        rest.add(slab.acquire());
        assertTrue(rest.contains(second), "the slot the cache gave up went astray: " + rest);
        assertEquals(-1, slab.acquire());
    }

    /** A slot in another thread's cache is not lost to the others: an allocator that finds nothing else takes it. */
    @Test
    void slotsCachedByAThreadThatIsGoneAreStillHandedOut() throws Exception {
        OverlappedSlab slab = new OverlappedSlab(3);
        int[] held = new int[3];
        for (int i = 0; i < 3; i++) {
            held[i] = slab.acquire();
        }
        // Three threads on three stripes each free one: each slot goes into its stripe's cache.
        long me = Thread.currentThread().getId();
        int freed = 0;
        while (freed < 3) {
            int slot = held[freed];
            Thread t = new Thread(() -> slab.release(slot, 1));
            if ((t.getId() - me) % OverlappedSlab.STRIPES == 0) {
                continue; // this thread's own stripe: not the case under test
            }
            t.start();
            t.join();
            freed++;
        }
        Set<Integer> again = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            int slot = slab.acquire();
            assertTrue(slot >= 0, "slot " + i + " of 3 free ones was not found");
            again.add(slot);
        }
        assertEquals(3, again.size());
        assertEquals(-1, slab.acquire());
    }

    @Test
    void anOldGenerationIsStale() {
        OverlappedSlab slab = new OverlappedSlab(1);
        int slot = slab.acquire();
        assertTrue(slab.transition(slot, 1, SlotWord.ALLOCATED, SlotWord.SUBMITTED));
        assertTrue(slab.transition(slot, 1, SlotWord.SUBMITTED, SlotWord.COMPLETED));
        assertEquals(-1, slab.release(slot, 1));
        assertEquals(slot, slab.acquire()); // generation 2
        // A late packet or a stale handle of generation 1 changes nothing.
        assertFalse(slab.transition(slot, 1, SlotWord.ALLOCATED, SlotWord.SUBMITTED));
        assertEquals(SlotWord.FREE, slab.release(slot, 1), "a stale free reads as already freed");
        assertEquals(SlotWord.of(2, SlotWord.ALLOCATED), slab.word(slot));
    }

    @Test
    void aSubmittedSlotIsNeverFreedAndASecondFreeIsRefused() {
        OverlappedSlab slab = new OverlappedSlab(2);
        int slot = slab.acquire();
        assertTrue(slab.transition(slot, 1, SlotWord.ALLOCATED, SlotWord.SUBMITTED));
        assertEquals(SlotWord.SUBMITTED, slab.release(slot, 1));
        assertEquals(1, slab.submitted());
        assertTrue(slab.anySubmitted());
        assertFalse(slab.transition(slot, 1, SlotWord.ALLOCATED, SlotWord.SUBMITTED), "submitted twice");
        assertTrue(slab.transition(slot, 1, SlotWord.SUBMITTED, SlotWord.COMPLETED));
        assertFalse(slab.anySubmitted());
        assertEquals(-1, slab.release(slot, 1));
        assertEquals(SlotWord.FREE, slab.release(slot, 1));
    }

    @Test
    void addressesMapBackToTheirSlotsAndNothingElseDoes() {
        OverlappedSlab slab = new OverlappedSlab(4);
        long first = slab.address(0);
        assertEquals(0, first % OverlappedSlab.STRIDE, "slots are cache-line aligned");
        for (int slot = 0; slot < 4; slot++) {
            assertEquals(first + (long) slot * OverlappedSlab.STRIDE, slab.address(slot));
            assertEquals(slot, slab.slotOf(slab.address(slot)));
        }
        assertEquals(-1, slab.slotOf(0));
        assertEquals(-1, slab.slotOf(first - OverlappedSlab.STRIDE));
        assertEquals(-1, slab.slotOf(first + 8), "inside a slot, not its start");
        assertEquals(-1, slab.slotOf(slab.address(3) + OverlappedSlab.STRIDE), "one past the end");
    }

    @Test
    void aSlotsOverlappedIsZeroedAtEachAllocation() {
        OverlappedSlab slab = new OverlappedSlab(1);
        int slot = slab.acquire();
        int at = slot * OverlappedSlab.STRIDE; // where the kernel would write the slot's OVERLAPPED
        for (int off = 0; off < Win32Layout.OVERLAPPED_SIZE; off += 8) {
            NativeMemory.putLong(slab.memory(), at + off, -1L);
        }
        assertEquals(-1, slab.release(slot, 1));
        assertEquals(slot, slab.acquire());
        for (int off = 0; off < Win32Layout.OVERLAPPED_SIZE; off += 8) {
            assertEquals(0, NativeMemory.getLong(slab.memory(), at + off), "offset " + off);
        }
        assertEquals(SlotWord.of(2, SlotWord.ALLOCATED), slab.word(slot), "the zeroing reached the trailer");
    }

    @Test
    void ownersAndStatesAreKeptPerSlotAndDroppedAtFree() {
        OverlappedSlab slab = new OverlappedSlab(2);
        int slot = slab.acquire();
        Object owner = new Object();
        slab.setOwner(slot, owner);
        slab.setUserState(slot, "state");
        slab.clearOwner(slot, new Object()); // not the owner: kept
        assertSame(owner, slab.owner(slot));
        List<String> seen = new ArrayList<>();
        slab.forEachInUse((s, state, o, userState) -> seen.add(s + ":" + state + ":" + (o == owner) + ":" + userState));
        assertEquals(List.of(slot + ":" + SlotWord.ALLOCATED + ":true:state"), seen);
        assertEquals(-1, slab.release(slot, 1));
        assertNull(slab.owner(slot));
        assertNull(slab.userState(slot));
    }

    @Test
    void submitTimesAndPostedMarksStayInTheTrailer() {
        OverlappedSlab slab = new OverlappedSlab(2);
        int a = slab.acquire();
        int b = slab.acquire();
        assertEquals(0, slab.submittedAt(a));
        slab.setSubmittedAt(a, 1_000_001);
        slab.setSubmittedAt(b, 2_000_000);
        assertTrue(slab.transition(a, 1, SlotWord.ALLOCATED, SlotWord.SUBMITTED));
        assertTrue(slab.transition(b, 1, SlotWord.ALLOCATED, SlotWord.SUBMITTED));
        slab.markPosted(b);
        assertEquals(1_000_000, slab.submittedAt(a), "to within a nanosecond: the low bit is the posted mark");
        assertEquals(2_000_000, slab.submittedAt(b));
        assertEquals(1, slab.postedInFlight());
        slab.setSubmittedAt(b, 3_000_000); // a new submit clears the mark
        assertEquals(0, slab.postedInFlight());
        assertEquals(SlotWord.of(1, SlotWord.SUBMITTED), slab.word(a), "the trailer's time spilled into the word");
        // Completed, so the slab's memory may go once it is unreachable (a submitted slot would keep it).
        assertTrue(slab.transition(a, 1, SlotWord.SUBMITTED, SlotWord.COMPLETED));
        assertTrue(slab.transition(b, 1, SlotWord.SUBMITTED, SlotWord.COMPLETED));
    }

    @Test
    void closeRefusesAllocationsAndSaysWhetherSlotsWereHeld() {
        OverlappedSlab empty = new OverlappedSlab(2);
        assertTrue(empty.close());
        assertEquals(-1, empty.acquire());
        assertFalse(empty.close(), "closed twice");

        OverlappedSlab held = new OverlappedSlab(2);
        int slot = held.acquire();
        assertFalse(held.close());
        assertEquals(-1, held.acquire());
        assertEquals(-1, held.release(slot, 1), "a slot freed after close is still freed");
        assertEquals(SlotWord.FREE, SlotWord.state(held.word(slot)), "the memory stays readable after close");
    }

    @Test
    void capacityIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> new OverlappedSlab(0));
        assertThrows(IllegalArgumentException.class, () -> new OverlappedSlab((1 << 24) + 1));
    }

    @Test
    void slotsFreedByManyThreadsAllComeBack() throws Exception {
        int capacity = 64;
        OverlappedSlab slab = new OverlappedSlab(capacity);
        AtomicIntegerArray holders = new AtomicIntegerArray(capacity);
        AtomicReference<String> failure = new AtomicReference<>();
        int threads = 4;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t + 1;
            Thread w = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 20_000; i++) {
                        int slot = slab.acquire();
                        if (slot < 0) {
                            continue; // all taken at this instant
                        }
                        if (!holders.compareAndSet(slot, 0, me)) {
                            failure.compareAndSet(null, "slot " + slot + " held by two threads");
                        }
                        long generation = SlotWord.generation(slab.word(slot));
                        holders.set(slot, 0);
                        if (slab.release(slot, generation) != -1) {
                            failure.compareAndSet(null, "slot " + slot + " could not be freed");
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            w.start();
            workers.add(w);
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertNull(failure.get());
        assertEquals(0, slab.inUse());
        Set<Integer> all = new HashSet<>();
        int slot;
        while ((slot = slab.acquire()) >= 0) {
            assertTrue(all.add(slot));
        }
        assertEquals(capacity, all.size(), "a slot was lost on the free lists");
        assertNotEquals(0, SlotWord.generation(slab.word(0)));
    }
}
