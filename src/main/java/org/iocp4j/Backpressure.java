package org.iocp4j;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import org.iocp4j.internal.jfr.DispatcherEvents;

/**
 * A dispatcher's bounds and what happens at them: the bytes pinned by outstanding operations (the slab's
 * capacity bounds the operations themselves), the overload policy run when a post finds a bound reached,
 * and the wait for room that blocking policies use. Nothing here runs per packet: pinned bytes move only
 * when an operation with buffers is allocated or freed, and a free reads one volatile int to see whether
 * anyone waits for room.
 */
final class Backpressure {

    /** The longest a waiter sleeps before looking again, so a wake-up lost to a race costs at most this. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final IoDispatcher dispatcher;
    private final OverloadPolicy policy;
    private final long maxPinnedBytes;
    private final AtomicLong pinned = new AtomicLong();
    private final LongAdder rejected = new LongAdder();
    private final AtomicInteger waiters = new AtomicInteger();
    private final Object room = new Object();

    Backpressure(IoDispatcher dispatcher, OverloadPolicy policy, long maxPinnedBytes) {
        this.dispatcher = dispatcher;
        this.policy = policy;
        this.maxPinnedBytes = maxPinnedBytes;
    }

    long pinnedBytes() {
        return pinned.get();
    }

    long maxPinnedBytes() {
        return maxPinnedBytes;
    }

    long rejected() {
        return rejected.sum();
    }

    /** Counts {@code bytes} as pinned if the bound allows; false (and nothing counted) if not. */
    boolean tryPin(long bytes) {
        if (bytes == 0) {
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
            pinned.addAndGet(-bytes);
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

    /** Waits for {@link #roomMade()} or the time; true if time is left to try again. */
    boolean awaitRoom(long nanos) throws InterruptedException {
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
        OverloadPolicy.Overload overload = new OverloadPolicy.Overload(dispatcher, bound);
        boolean again = false;
        try {
            for (;;) {
                overload = overload.next(bound);
                try {
                    again = policy.onOverload(overload);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    again = false;
                }
                if (!again || dispatcher.isShutdown()) {
                    again = false;
                    return -1;
                }
                int got = retry.getAsInt();
                if (got >= 0) {
                    return got;
                }
            }
        } finally {
            if (!again) {
                reject(bound);
            }
        }
    }

    private void reject(OverloadPolicy.Bound bound) {
        rejected.increment();
        DispatcherEvents.rejectedPost(dispatcher.name(), bound.name());
    }
}
