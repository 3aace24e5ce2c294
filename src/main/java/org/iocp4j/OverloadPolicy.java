package org.iocp4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * What a posting thread does when a dispatcher's bound is reached: every OVERLAPPED in use
 * ({@link DispatcherBuilder#capacity}) or the bytes pinned by outstanding I/O at their limit
 * ({@link DispatcherBuilder#maxPinnedBytes}). The policy runs on the posting thread; it returns
 * {@code true} to try again (after making room or waiting) and {@code false} to reject, which
 * {@link IoDispatcher#execute} reports as a {@link RejectedExecutionException} and the
 * allocate methods as an {@link IllegalStateException}. Every rejection is counted
 * ({@link IoDispatcher#rejectedPosts()}).
 *
 * <p>This is what keeps a flood bounded: work queued faster than it drains waits or is refused at the
 * bound, instead of growing kernel memory without limit.
 */
@FunctionalInterface
public interface OverloadPolicy {

    /**
     * Decides what to do about one overload.
     *
     * @param overload what was exceeded, and how long this post has been trying
     * @return true to try again, false to reject the post
     * @throws InterruptedException if the policy waited and was interrupted (the post is rejected)
     */
    boolean onOverload(Overload overload) throws InterruptedException;

    /**
     * Rejects at once: the default.
     *
     * @return the policy
     */
    static OverloadPolicy failFast() {
        return overload -> false;
    }

    /**
     * Blocks the posting thread until room is made (an operation freed, or a task taken off the queue), for at most
     * {@code maxWait} in all, then rejects.
     *
     * @param maxWait the longest a post waits
     * @return the policy
     */
    static OverloadPolicy block(Duration maxWait) {
        long limit = Objects.requireNonNull(maxWait, "maxWait").toNanos();
        if (limit < 0) {
            throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
        }
        return overload -> {
            long left = limit - overload.elapsedNanos();
            return left > 0 && overload.awaitRoom(left, TimeUnit.NANOSECONDS);
        };
    }

    /** Which bound a post ran into. */
    enum Bound {
        /** Every OVERLAPPED of the dispatcher is in use, or (for {@code execute}) its task queue is full. */
        OPERATIONS,
        /** The buffers of outstanding operations already pin the most bytes allowed. */
        PINNED_BYTES
    }

    /** One post that ran into a bound: what the policy is told. */
    final class Overload {
        private final IoDispatcher dispatcher;
        private final Bound bound;
        private final long startNanos;
        private int attempts;

        Overload(IoDispatcher dispatcher, Bound bound) {
            this.dispatcher = dispatcher;
            this.bound = bound;
            this.startNanos = System.nanoTime();
        }

        /** @return the dispatcher */
        public IoDispatcher dispatcher() {
            return dispatcher;
        }

        /** @return the bound reached */
        public Bound bound() {
            return bound;
        }

        /** @return how many times the post found the bound reached so far (1 on the first call) */
        public int attempts() {
            return attempts;
        }

        /** @return nanoseconds since the post first found the bound reached */
        public long elapsedNanos() {
            return System.nanoTime() - startNanos;
        }

        /**
         * Waits until the dispatcher frees an OVERLAPPED or unpins bytes, or the time is up.
         *
         * @param timeout the longest wait
         * @param unit    its unit
         * @return true if room may have been made (try again), false if the time ran out
         * @throws InterruptedException if interrupted while waiting
         */
        public boolean awaitRoom(long timeout, TimeUnit unit) throws InterruptedException {
            return dispatcher.awaitRoom(unit.toNanos(timeout));
        }

        /**
         * One post found {@code bound} reached: runs {@code policy} until {@code retry} succeeds (returns
         * {@code >= 0}) or the policy gives up, or the dispatcher shuts down.
         *
         * @return what {@code retry} returned, or -1 if the post is rejected
         */
        static int run(IoDispatcher dispatcher, OverloadPolicy policy, Bound bound, IntSupplier retry) {
            Overload overload = new Overload(dispatcher, bound);
            for (;;) {
                overload.attempts++;
                boolean again;
                try {
                    again = policy.onOverload(overload);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    again = false;
                }
                if (!again || dispatcher.isShutdown()) {
                    return -1;
                }
                int got = retry.getAsInt();
                if (got >= 0) {
                    return got;
                }
            }
        }
    }
}
