package org.iocp4j.internal.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.Win32Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed block of off-heap OVERLAPPEDs and, per slot, the Java side of the operation using it.
 *
 * <p>Slot {@code i} lives at {@code base + i * STRIDE}: a dequeued address maps back to its slot with one
 * subtraction and one bounds check, no lock and no map. Each slot's lifetime is one CAS word
 * ({@link SlotWord}), kept in the slot's own trailer: slots are cache-line aligned, so the word, the
 * OVERLAPPED and the trailer of one operation share one line and neighbouring operations share none (a
 * dense array of words put eight operations on a line, which bounced between the posting thread and the
 * I/O threads working on neighbouring slots).
 *
 * <pre>
 * slot (64 bytes, one cache line):
 *   +0   OVERLAPPED          (32)  what the kernel reads and writes
 *   +32  INT64  submitted at         a coarse System.nanoTime() of the last submit, 0 if none (diagnostics)
 *   +40  INT64  state word           generation &lt;&lt; 2 | state (CAS)
 *   +48  (padding to the line)
 * </pre>
 *
 * <p>The block is one direct buffer ({@link NativeRegion}): slot words and fields are read and written at
 * offsets into it, and {@link #address(int)} (the buffer's address, real where the kernel writes it,
 * synthetic on the portable backend) is only handed to the platform and mapped back.
 *
 * <p>The memory outlives {@link #close()}: it is freed once the slab itself is unreachable, so a reader
 * that still holds the slab (a late {@code stats()}, a {@code NativeOverlapped} freed after its dispatcher
 * closed, a monitoring thread) reads the last state words, never freed memory. And it is freed only if no
 * slot is submitted then: the kernel may write into a {@link SlotWord#SUBMITTED} OVERLAPPED at any time, so
 * a slab with operations pending is deliberately leaked (and reported, {@link #keptSlabs()}). Slots merely
 * allocated do not keep it: an unreachable slab has no owner left to touch them.
 */
public final class OverlappedSlab {

    /** Bytes per slot: a cache line. */
    public static final int STRIDE = 64;

    static final int TRAILER_SUBMITTED = Win32Layout.OVERLAPPED_SIZE;
    static final int TRAILER_STATE = TRAILER_SUBMITTED + 8;
    /** The low bit of the submit time: the submission is a posted packet (a nanosecond is no loss). */
    private static final long POSTED_BIT = 1L;

    private static final long INDEX_MASK = 0xFFFF_FFFFL;
    /** Returned lists: a power of two. */
    public static final int STRIPES = 8;
    private static final int HEAD_SPACING = 16; // longs: 128 bytes, two cache lines (adjacent-line prefetch)
    private static final int MAIN = HEAD_SPACING;
    private static final VarHandle OWNERS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final Logger LOG = LoggerFactory.getLogger(OverlappedSlab.class);
    private static final AtomicLong RELEASED = new AtomicLong();
    private static final AtomicLong KEPT = new AtomicLong();
    /** The memory of slabs that became unreachable with a slot submitted: reachable from here, forever. */
    private static final List<ByteBuffer> KEPT_MEMORY = new ArrayList<>();

    private final int capacity;
    /** The slots, cache-line aligned; {@link #base} is its address. */
    private final ByteBuffer memory;
    private final long base;
    private final int[] nextFree;
    /**
     * The heads of the free lists, {@code tag << 32 | index} (index {@code -1 & INDEX_MASK} when empty), each
     * on a cache line of its own: the main list, which only allocators pop, and {@link #STRIPES} returned
     * lists, which frees push onto (an I/O thread always onto the same one). An allocator that finds the
     * main list empty takes every returned list, one swap each. So posting threads and the I/O threads
     * freeing slots touch different lines and meet only once per refill (one shared list's head was the
     * posting path's most contended line). Beside each returned list's head, on its line, sits the stripe's
     * one-slot cache: the slot its thread freed last, which that thread's next allocation takes back (an
     * operation's handler usually starts the next operation), so the pair touches no line another thread
     * writes, and the slot's own line is still in the CPU's cache. An allocator that finds everything else
     * empty takes the caches too, so no free slot hides in one.
     */
    private final AtomicLongArray heads = new AtomicLongArray(HEAD_SPACING * (STRIPES + 2));
    /** Allocators between taking a returned list and putting it on the main list. */
    private final AtomicInteger refilling = new AtomicInteger();
    /**
     * The operation object of a slot: set by submit, cleared when a single-use operation's packet arrives
     * (so a leaked one can still be collected) and at free. A reusable one keeps it until free.
     */
    private final Object[] owners;
    /** The user's state object of a slot, from allocation to free (what {@code stateOf(address)} returns). */
    private final Object[] userStates;
    private volatile boolean closed;

    /**
     * Allocates {@code capacity} zeroed slots off-heap.
     *
     * @param capacity the number of OVERLAPPEDs, 1 to 2<sup>24</sup>
     */
    public OverlappedSlab(int capacity) {
        if (capacity < 1 || capacity > 1 << 24) {
            throw new IllegalArgumentException("capacity must be between 1 and 2^24: " + capacity);
        }
        this.capacity = capacity;
        NativeRegion region = NativeRegion.allocate(capacity * STRIDE, STRIDE);
        this.memory = region.memory();
        this.base = region.address();
        this.nextFree = new int[capacity];
        this.owners = new Object[capacity];
        this.userStates = new Object[capacity];
        for (int i = 0; i < capacity; i++) {
            nextFree[i] = i + 1 < capacity ? i + 1 : -1;
        }
        heads.set(MAIN, 0); // every slot, in order
        for (int i = 0; i < STRIPES; i++) {
            heads.set(returned(i), INDEX_MASK);
            heads.set(cached(i), INDEX_MASK);
        }
        NativeMemory.whenUnreachable(this, new Release(memory, capacity));
    }

    /**
     * Lets the memory of an unreachable slab go, unless a slot is still submitted (then the kernel may write
     * it at any time, and it must stay: the buffer goes to {@link #KEPT_MEMORY}). An allocated or completed
     * slot does not hold the memory: once the slab is unreachable, no {@code NativeOverlapped} or
     * dispatcher is left to touch it. Until this runs, the cleaner holds the action and so the buffer.
     */
    private static final class Release implements Runnable {
        private final ByteBuffer memory;
        private final int capacity;

        Release(ByteBuffer memory, int capacity) {
            this.memory = memory;
            this.capacity = capacity;
        }

        @Override
        public void run() {
            for (int slot = 0; slot < capacity; slot++) {
                if (SlotWord.state(NativeMemory.getLongVolatile(memory, slot * STRIDE + TRAILER_STATE))
                        == SlotWord.SUBMITTED) {
                    synchronized (KEPT_MEMORY) {
                        KEPT_MEMORY.add(memory);
                    }
                    KEPT.incrementAndGet();
                    LOG.error("an unreachable slab still has an OVERLAPPED submitted (slot {}), which the kernel may"
                            + " still write: keeping its {} bytes for the life of the process", slot,
                            (long) capacity * STRIDE);
                    return;
                }
            }
            RELEASED.incrementAndGet(); // the buffer is garbage once this action is: the JDK frees it
        }
    }

    /** Slabs whose memory was freed, once unreachable (tests watch it: nothing else can see a free). */
    public static long releasedSlabs() {
        return RELEASED.get();
    }

    /** Slabs found unreachable with an OVERLAPPED submitted: their memory stays for the life of the process. */
    public static long keptSlabs() {
        return KEPT.get();
    }

    /** @return the number of slots */
    public int capacity() {
        return capacity;
    }

    // No counters on the hot path (they were its most contended lines, by a JFR profile of
    // DispatcherBenchmark): the cold readers below scan the state words instead.

    /** Slots allocated and not yet freed (a scan: for shutdown and diagnostics, not hot paths). */
    public long inUse() {
        return count(-1);
    }

    /** Slots the kernel may be writing now (a scan). */
    public long submitted() {
        return count(SlotWord.SUBMITTED);
    }

    /** Whether any slot is submitted (a scan that stops at the first). */
    public boolean anySubmitted() {
        for (int slot = 0; slot < capacity; slot++) {
            if (SlotWord.state(word(slot)) == SlotWord.SUBMITTED) {
                return true;
            }
        }
        return false;
    }

    /** Slots in {@code state}, or in any state but FREE for -1. */
    private long count(int state) {
        long n = 0;
        for (int slot = 0; slot < capacity; slot++) {
            int s = SlotWord.state(word(slot));
            if (state == -1 ? s != SlotWord.FREE : s == state) {
                n++;
            }
        }
        return n;
    }

    /** The address of the slot's OVERLAPPED. */
    public long address(int slot) {
        return base + (long) slot * STRIDE;
    }

    /** The 32-bit field at {@code field} of the slot's OVERLAPPED ({@link Win32Layout}'s offsets). */
    public int overlappedInt(int slot, int field) {
        return NativeMemory.getInt(memory, slot * STRIDE + field);
    }

    /** Writes the 32-bit field at {@code field} of the slot's OVERLAPPED. */
    public void setOverlappedInt(int slot, int field, int value) {
        NativeMemory.putInt(memory, slot * STRIDE + field, value);
    }

    /** The 64-bit field at {@code field} of the slot's OVERLAPPED. */
    public long overlappedLong(int slot, int field) {
        return NativeMemory.getLong(memory, slot * STRIDE + field);
    }

    /** Writes the 64-bit field at {@code field} of the slot's OVERLAPPED. */
    public void setOverlappedLong(int slot, int field, long value) {
        NativeMemory.putLong(memory, slot * STRIDE + field, value);
    }

    /** The slot's memory, for tests that play the kernel: the slot's OVERLAPPED starts at {@code slot * STRIDE}. */
    ByteBuffer memory() {
        return memory;
    }

    /** The slot at {@code address}, or -1 if the address is not the start of one of this slab's slots. */
    public int slotOf(long address) {
        long offset = address - base;
        if (offset < 0 || offset >= (long) capacity * STRIDE || (offset & (STRIDE - 1)) != 0) {
            return -1;
        }
        return (int) (offset / STRIDE);
    }

    /** Makes {@code owner} the slot's operation object (at submit): what a packet for the slot runs. */
    public void setOwner(int slot, Object owner) {
        // A reusable overlapped sets itself at every submit: skip the store when nothing changes, so the
        // line stays shared with the I/O threads that read it instead of bouncing back to this core.
        if (owners[slot] != owner) {
            owners[slot] = owner;
        }
    }

    /** The slot's operation object, null if none now (a volatile read). */
    public Object owner(int slot) {
        return OWNERS.getVolatile(owners, slot);
    }

    /**
     * Forgets the slot's owner if it is still {@code expected}: never clobbers the owner of a later use
     * of the slot, whatever the interleaving.
     */
    public void clearOwner(int slot, Object expected) {
        OWNERS.compareAndSet(owners, slot, expected, null);
    }

    /** Sets the user's state object of the slot's current use (at allocation). */
    public void setUserState(int slot, Object state) {
        userStates[slot] = state;
    }

    /** The user's state object of the slot's current use. */
    public Object userState(int slot) {
        return userStates[slot];
    }

    /** What {@link #forEachInUse} shows of each slot in use. */
    @FunctionalInterface
    public interface SlotVisitor {
        /**
         * @param slot      the slot
         * @param state     ALLOCATED, SUBMITTED or COMPLETED ({@link SlotWord})
         * @param owner     its operation object, if it has one now
         * @param userState its state object
         */
        void visit(int slot, int state, Object owner, Object userState);
    }

    /** Shows every slot in use now (a scan: for diagnostics, not hot paths). */
    public void forEachInUse(SlotVisitor visitor) {
        for (int slot = 0; slot < capacity; slot++) {
            int state = SlotWord.state(word(slot));
            if (state != SlotWord.FREE) {
                visitor.visit(slot, state, owner(slot), userStates[slot]);
            }
        }
    }

    /**
     * Records when the slot was submitted, in its own trailer: the line the submit's CAS takes anyway, so
     * the timestamp costs no extra cache traffic (a field on the Java object did: its line is the one the
     * I/O threads read the callback from).
     */
    public void setSubmittedAt(int slot, long nanos) {
        NativeMemory.putLong(memory, slot * STRIDE + TRAILER_SUBMITTED, nanos & ~POSTED_BIT);
    }

    /**
     * Marks the slot's current submission as a packet the dispatcher posted ({@code postCompletion}), in
     * the low bit of its submit time ({@link #setSubmittedAt} clears it): so a snapshot can count posted
     * packets still in flight without the posting thread counting anything per post.
     */
    public void markPosted(int slot) {
        int at = slot * STRIDE + TRAILER_SUBMITTED;
        NativeMemory.putLong(memory, at, NativeMemory.getLong(memory, at) | POSTED_BIT);
    }

    /** Slots submitted now whose submission is a posted packet ({@link #markPosted}): a scan. */
    public long postedInFlight() {
        long n = 0;
        for (int slot = 0; slot < capacity; slot++) {
            if (SlotWord.state(word(slot)) == SlotWord.SUBMITTED
                    && (NativeMemory.getLong(memory, slot * STRIDE + TRAILER_SUBMITTED) & POSTED_BIT) != 0) {
                n++;
            }
        }
        return n;
    }

    /** What {@link #setSubmittedAt} recorded last (to within a nanosecond), 0 if nothing. */
    public long submittedAt(int slot) {
        return NativeMemory.getLong(memory, slot * STRIDE + TRAILER_SUBMITTED) & ~POSTED_BIT;
    }

    /** The slot's state word ({@link SlotWord}), a volatile read. */
    public long word(int slot) {
        return NativeMemory.getLongVolatile(memory, slot * STRIDE + TRAILER_STATE);
    }

    private void setWord(int slot, long word) {
        NativeMemory.putLongVolatile(memory, slot * STRIDE + TRAILER_STATE, word);
    }

    private boolean casWord(int slot, long expected, long word) {
        return NativeMemory.compareAndSetLong(memory, slot * STRIDE + TRAILER_STATE, expected, word);
    }

    /**
     * Takes a free slot: its generation goes up by one and its OVERLAPPED is zeroed.
     *
     * @return the slot, or -1 if every slot is in use or the slab is closed
     */
    public int acquire() {
        if (closed) {
            return -1;
        }
        int mine = takeCached();
        if (mine >= 0) {
            return mine;
        }
        for (;;) {
            long head = heads.get(MAIN);
            int slot = (int) (head & INDEX_MASK);
            if (slot == (int) INDEX_MASK) {
                if (!refill(head)) {
                    return -1;
                }
                continue;
            }
            long tag = (head >>> 32) + 1;
            long next = (tag << 32) | (nextFree[slot] & INDEX_MASK);
            if (heads.compareAndSet(MAIN, head, next)) {
                return take(slot);
            }
        }
    }

    /**
     * The slot the calling thread freed last, if no other allocation took it since: its line (word,
     * OVERLAPPED, trailer) is still in this CPU's cache, and taking it touches no line another thread writes.
     *
     * @return the slot, or -1 if this thread's stripe holds none
     */
    private int takeCached() {
        int cell = cached((int) Thread.currentThread().getId());
        long slot = heads.get(cell);
        if (slot == INDEX_MASK || !heads.compareAndSet(cell, slot, INDEX_MASK)) {
            return -1;
        }
        return take((int) slot);
    }

    /** Allocates {@code slot}, which the caller took off a free list or a cache and so holds alone. */
    private int take(int slot) {
        long word = word(slot);
        long generation = SlotWord.generation(word) + 1;
        // The free list handed the slot to this thread alone: a plain transition is enough, but
        // it is published with a volatile write for readers mapping a packet back to it.
        setWord(slot, SlotWord.of(generation, SlotWord.ALLOCATED));
        // Dekker with close(): it sets `closed`, then scans the words; this thread publishes the
        // word, then reads `closed`. One of the two sees the other, so close() never frees the
        // memory this thread is about to write.
        if (closed) {
            setWord(slot, SlotWord.of(generation - 1, SlotWord.FREE));
            pushFree(slot);
            return -1;
        }
        int at = slot * STRIDE;
        for (int off = 0; off < Win32Layout.OVERLAPPED_SIZE; off += 8) {
            NativeMemory.putLong(memory, at + off, 0);
        }
        NativeMemory.putLong(memory, at + TRAILER_SUBMITTED, 0);
        return slot;
    }

    /**
     * Moves a slot from {@code from} to {@code to} if it is still at {@code generation}.
     *
     * @return true if the transition happened
     */
    public boolean transition(int slot, long generation, int from, int to) {
        return casWord(slot, SlotWord.of(generation, from), SlotWord.of(generation, to));
    }

    /**
     * Moves a slot at {@code generation} to {@link SlotWord#SUBMITTED}: from {@link SlotWord#ALLOCATED}, or
     * from {@link SlotWord#COMPLETED} when {@code reusable}.
     *
     * @return true if the transition happened; false if the slot was in another state or generation
     */
    public boolean submit(int slot, long generation, boolean reusable) {
        for (;;) {
            long word = word(slot);
            int state = SlotWord.state(word);
            if (SlotWord.generation(word) != generation
                    || !(state == SlotWord.ALLOCATED || (reusable && state == SlotWord.COMPLETED))) {
                return false;
            }
            if (casWord(slot, word, SlotWord.of(generation, SlotWord.SUBMITTED))) {
                return true;
            }
            // the word changed under this CAS (a racing free or submit): look at what it holds now
        }
    }

    /**
     * Frees a slot that is {@link SlotWord#ALLOCATED} or {@link SlotWord#COMPLETED} at {@code generation}.
     *
     * @return the state the slot was found in if it could not be freed (FREE, SUBMITTED, or anything at
     *         another generation, reported as FREE), or -1 when it was freed
     */
    public int release(int slot, long generation) {
        return release(slot, generation, (int) Thread.currentThread().getId());
    }

    /**
     * As {@link #release(int, long)}, onto returned list {@code stripe} (modulo {@link #STRIPES}): a thread
     * that frees many slots passes its own number, so it pushes onto a line no other thread writes.
     */
    private int release(int slot, long generation, int stripe) {
        for (;;) {
            long word = word(slot);
            int state = SlotWord.state(word);
            if (SlotWord.generation(word) != generation) {
                return SlotWord.FREE;
            }
            if (state == SlotWord.FREE || state == SlotWord.SUBMITTED) {
                return state;
            }
            if (casWord(slot, word, SlotWord.of(generation, SlotWord.FREE))) {
                if (userStates[slot] != null) {
                    userStates[slot] = null;
                }
                if (owners[slot] != null) {
                    owners[slot] = null;
                }
                // Into this stripe's cache for the thread's next allocation (an operation's handler starts
                // the next one); the slot it held, if any, goes onto the returned list.
                long evicted = heads.getAndSet(cached(stripe), slot);
                if (evicted != INDEX_MASK) {
                    pushChain(returned(stripe), (int) evicted, (int) evicted);
                }
                return -1;
            }
        }
    }

    private static int returned(int stripe) {
        return HEAD_SPACING * (2 + (stripe & (STRIPES - 1)));
    }

    /** The stripe's one-slot cache: on the line of its returned list, which the same threads write. */
    private static int cached(int stripe) {
        return returned(stripe) + 1;
    }

    /**
     * The main list was seen empty as {@code emptyHead}: moves the whole returned list onto it.
     *
     * @return false if there was nothing to move and the main list is still empty
     */
    private boolean refill(long emptyHead) {
        refilling.incrementAndGet();
        try {
            // One returned list per refill, the next stripe each time: taking several would mean
            // walking all but one to their tails (a chain of cache misses) to join them.
            int start = (int) (emptyHead >>> 32); // the main list's tag: a different stripe first each time
            for (int i = 0; i < STRIPES; i++) {
                int list = returned(start + i);
                if ((heads.get(list) & INDEX_MASK) == INDEX_MASK) {
                    continue; // a read, not a swap: an idle stripe's line stays shared
                }
                int first = (int) (heads.getAndSet(list, INDEX_MASK) & INDEX_MASK);
                if (first == -1) {
                    continue;
                }
                if (!heads.compareAndSet(MAIN, emptyHead, ((emptyHead >>> 32) + 1) << 32 | first)) {
                    joinMain(first); // another allocator refilled first
                }
                return true;
            }
        } finally {
            refilling.decrementAndGet();
        }
        // Nothing returned. Full only if no other allocator is half-way through a refill (it took a
        // returned list and is about to publish it): wait for those, a few instructions each.
        while (refilling.get() != 0 && (heads.get(MAIN) & INDEX_MASK) == INDEX_MASK) {
            Thread.onSpinWait();
        }
        if ((heads.get(MAIN) & INDEX_MASK) != INDEX_MASK) {
            return true;
        }
        for (int i = 0; i < STRIPES; i++) {
            if ((heads.get(returned(i)) & INDEX_MASK) != INDEX_MASK) {
                return true; // freed meanwhile: try again
            }
        }
        // Last, the stripes' caches: a slot another thread freed and has not taken back is free all the same.
        for (int i = 0; i < STRIPES; i++) {
            long slot = heads.get(cached(i)) == INDEX_MASK ? INDEX_MASK : heads.getAndSet(cached(i), INDEX_MASK);
            if (slot != INDEX_MASK) {
                pushChain(MAIN, (int) slot, (int) slot);
                return true;
            }
        }
        return false;
    }

    /** Puts the taken list starting at {@code first} onto a main list another allocator refilled. */
    private void joinMain(int first) {
        // The taken list belongs to this thread alone now, so walking it to its tail is safe (and rare:
        // only when two allocators refill at once).
        int tail = first;
        while (nextFree[tail] != -1) {
            tail = nextFree[tail];
        }
        pushChain(MAIN, first, tail);
    }

    /** Pushes the linked slots {@code first}..{@code tail} onto the list at {@code list}. */
    private void pushChain(int list, int first, int tail) {
        for (;;) {
            long head = heads.get(list);
            nextFree[tail] = (int) (head & INDEX_MASK);
            long tag = (head >>> 32) + 1;
            if (heads.compareAndSet(list, head, (tag << 32) | first)) {
                return;
            }
        }
    }

    private void pushFree(int slot) {
        pushChain(returned(0), slot, slot);
    }

    /**
     * Refuses further allocations, and says so if slots are still in use. The memory itself goes when the
     * slab is unreachable, so every reader may go on reading after this returns; slots only allocated (or
     * completed) then are no obstacle, since nothing can touch them any more. Only a {@link SlotWord#SUBMITTED} slot
     * keeps the memory for the life of the process: the kernel may still write it.
     *
     * @return true if no slot was in use, false if slots are held or it was already closed
     */
    public boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        long held = inUse();
        if (held == 0) {
            return true;
        }
        long submitted = submitted();
        if (submitted > 0) {
            LOG.error("{} OVERLAPPED(s) still in use ({} submitted) when their slab closed: the kernel may still write"
                    + " a submitted one, so the slab's {} bytes stay for the life of the process", held, submitted,
                    (long) capacity * STRIDE);
        } else {
            LOG.warn("{} OVERLAPPED(s) still allocated, none submitted, when their slab closed: its {} bytes go once"
                    + " they are freed (or collected) and the dispatcher is unreachable", held,
                    (long) capacity * STRIDE);
        }
        return false;
    }
}
