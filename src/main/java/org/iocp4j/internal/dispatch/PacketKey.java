package org.iocp4j.internal.dispatch;

/**
 * The codec of the completion keys the dispatcher reserves: every key with the top bit set is its own
 * (a bound handle's key never has it). A packet for an operation the dispatcher posted carries the slot's
 * generation in the low bits, so a stale posted packet is caught even when the slot was submitted again;
 * two keys with no OVERLAPPED address stand for the dispatcher's own wake-ups (Netty's io_uring
 * {@code UserData} style: the packing lives here alone).
 */
public final class PacketKey {

    /** A packet for an operation: a kernel completion, or a posted one ({@link #posted}). */
    public static final int OPERATION = 0;
    /** A token for one entry moved off a stuck thread's batch ({@link BatchHandOver}). */
    public static final int DEFERRED = 1;
    /** The task queue's wake-up ({@link TaskDrain}). */
    public static final int TASKS = 2;

    private static final long RESERVED = Long.MIN_VALUE;
    /** The deferred token's key; its address is 0. Generation 0 never exists, so no posted key reads as it. */
    static final long DEFERRED_KEY = RESERVED;
    /**
     * The task wake-up's key; its address is 0, like the deferred token's: a posted packet for an
     * operation always carries its OVERLAPPED's address, so a generation-1 post never reads as this.
     */
    static final long TASKS_KEY = RESERVED | 1;

    private PacketKey() {
    }

    /** The key of a packet the dispatcher posts for the operation at {@code generation} of its slot. */
    public static long posted(long generation) {
        return RESERVED | generation;
    }

    /** Whether a packet for an operation was posted by the dispatcher (then {@link #generation} applies). */
    public static boolean isPosted(long key) {
        return key < 0;
    }

    /** The generation a posted key carries. */
    public static long generation(long key) {
        return key & ~RESERVED;
    }

    /** What a dequeued packet is: {@link #OPERATION}, {@link #DEFERRED} or {@link #TASKS}. */
    public static int kind(long key, long address) {
        if (address != 0) {
            return OPERATION;
        }
        return key == DEFERRED_KEY ? DEFERRED : key == TASKS_KEY ? TASKS : OPERATION;
    }
}
