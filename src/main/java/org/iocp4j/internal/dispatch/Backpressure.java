package org.iocp4j.internal.dispatch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import org.iocp4j.OverloadPolicy;
import org.iocp4j.internal.jfr.DispatcherEvents;

/**
 * A dispatcher's bounds and what happens at them: the bytes pinned by outstanding operations (the slab's
 * capacity bounds the operations themselves), the overload policy run when a post finds a bound reached,
 * and the wait for room that blocking policies use. Nothing here runs per packet: pinned bytes move only
 * when an operation with buffers is allocated or freed, and a free reads one volatile int to see whether
 * anyone waits for room.
 */
public final class Backpressure {

    /** The longest a waiter sleeps before looking again, so a wake-up lost to a race costs at most this. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    /**
     * Runs the dispatcher's {@link OverloadPolicy} for one post at a bound, made in {@code org.iocp4j}, where
     * the policy's {@code Overload} is built.
     */
    @FunctionalInterface
    public interface Policy {
        /**
         * Asks the policy until {@code retry} succeeds or the policy gives up.
         *
         * @param bound the bound reached
         * @param retry tries the post again: {@code >= 0} on success
         * @return what {@code retry} returned, or -1 if the post is rejected
         */
        int onOverload(OverloadPolicy.Bound bound, IntSupplier retry);
    }

    private final String name;
    private final Policy policy;
    private final long maxPinnedBytes;
    /** {@link #maxPinnedBytes} is a real bound (not the default, none): pins then CAS {@link #pinned}. */
    private final boolean bounded;
    /** The pinned bytes under a bound: one word, so the CAS that checks the bound is exact. */
    private final AtomicLong pinned = new AtomicLong();
    /**
     * The pinned bytes with no bound (the default): only counted, so striped, and the I/O threads that pin and
     * unpin on every operation do not bounce one line between them (it was a tenth of a file read's time).
     */
    private final LongAdder pinnedUnbounded = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final AtomicInteger waiters = new AtomicInteger();
    private final Object room = new Object();

    /**
     * @param config the dispatcher's settings (its name and pinned-bytes bound)
     * @param policy how a post at a bound runs the overload policy
     */
    public Backpressure(DispatcherConfig config, Policy policy) {
        this.name = config.name();
        this.policy = policy;
        this.maxPinnedBytes = config.maxPinnedBytes();
        this.bounded = maxPinnedBytes != Long.MAX_VALUE;
    }

    /** @return bytes of direct buffers held by operations allocated and not yet freed */
    public long pinnedBytes() {
        return bounded ? pinned.get() : pinnedUnbounded.sum();
    }

    /** @return the bound on {@link #pinnedBytes()} */
    public long maxPinnedBytes() {
        return maxPinnedBytes;
    }

    /** @return posts refused at a bound */
    public long rejected() {
        return rejected.sum();
    }

    /** Counts {@code bytes} as pinned if the bound allows; false (and nothing counted) if not. */
    boolean tryPin(long bytes) {
        if (bytes == 0) {
            return true;
        }
        if (!bounded) {
            pinnedUnbounded.add(bytes);
            return true;
        }
        for (;;) {
            long now = pinned.get();
            if (now + bytes > maxPinnedBytes) {
                return false;
            }
            if (pinned.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** An operation holding {@code bytes} was freed (or reclaimed): its room goes back. */
    void unpin(long bytes) {
        if (bytes != 0) {
            if (bounded) {
                pinned.addAndGet(-bytes);
            } else {
                pinnedUnbounded.add(-bytes);
            }
        }
        roomMade();
    }

    /** Something was freed: wake the posts waiting for room, if any (one volatile read when none). */
    void roomMade() {
        if (waiters.get() != 0) {
            synchronized (room) {
                room.notifyAll();
            }
        }
    }

    /**
     * Waits for room to be made, or the time.
     *
     * @param nanos the longest wait
     * @return true if time is left to try again
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitRoom(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return false;
        }
        long slice = Math.min(nanos, WAIT_SLICE_NANOS);
        waiters.incrementAndGet();
        try {
            synchronized (room) {
                TimeUnit.NANOSECONDS.timedWait(room, slice);
            }
        } finally {
            waiters.decrementAndGet();
        }
        return true;
    }

    /**
     * A post found {@code bound} reached: runs the policy until {@code retry} succeeds (returns >= 0) or the
     * policy gives up.
     *
     * @return what {@code retry} returned, or -1 if the post is rejected (counted)
     * @throws RuntimeException what the policy throws (the post is rejected and counted)
     */
    int overloaded(OverloadPolicy.Bound bound, IntSupplier retry) {
        int got = -1;
        try {
            got = policy.onOverload(bound, retry);
            return got;
        } finally {
            if (got < 0) {
                rejected.increment();
                DispatcherEvents.rejectedPost(name, bound.name());
            }
        }
    }
}
