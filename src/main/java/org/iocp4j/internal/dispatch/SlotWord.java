package org.iocp4j.internal.dispatch;

/**
 * The codec of a slab slot's state word, {@code generation << 2 | state}: the one CAS word that holds an
 * operation's whole lifetime (Netty's io_uring {@code UserData} style: the packing lives here alone).
 *
 * <p>States {@link #FREE} → {@link #ALLOCATED} → {@link #SUBMITTED} → {@link #COMPLETED} → {@link #FREE};
 * every allocation bumps the generation, so a stale handle or a stale packet never matches the slot's
 * current use.
 */
public final class SlotWord {

    /** Not allocated: on a free list. */
    public static final int FREE = 0;
    /** Allocated, not in the kernel's hands. */
    public static final int ALLOCATED = 1;
    /** Submitted: the kernel may write the OVERLAPPED until its packet arrives. */
    public static final int SUBMITTED = 2;
    /** Its packet arrived (or it completed inline); freed or submitted again next. */
    public static final int COMPLETED = 3;

    private static final int STATE_BITS = 2;
    private static final long STATE_MASK = (1L << STATE_BITS) - 1;

    private SlotWord() {
    }

    /** The word of {@code state} at {@code generation}. */
    public static long of(long generation, int state) {
        return generation << STATE_BITS | state;
    }

    /** The state a word holds. */
    public static int state(long word) {
        return (int) (word & STATE_MASK);
    }

    /** The generation a word holds: which allocation of the slot it is about. */
    public static long generation(long word) {
        return word >>> STATE_BITS;
    }
}
