package org.iocp4j;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.iocp4j.internal.dispatch.DispatcherConfig;

/**
 * Settings of an {@link IoDispatcher}, from {@link IoDispatcher#builder()}: each setter checks its value,
 * {@link #build()} opens the dispatcher. The defaults: concurrency and minimum threads = number of
 * processors, maximum 250 per processor, one injection per 500 ms at most, retirement after 10 s idle,
 * 65,536 OVERLAPPEDs, batches of 64, frees tracked if {@code -Diocp4j.trackFrees=true}, 30 s for pending
 * operations at shutdown.
 */
public final class DispatcherBuilder {

    /** The settings so far, the defaults included. */
    private final DispatcherConfig.Builder config = DispatcherConfig.builder();

    DispatcherBuilder() {
    }

    /**
     * Turns the always-on counters off ({@link IoDispatcher#postedPackets()}, the submit times behind
     * {@link IoDispatcher#outstandingOlderThan}): only to measure what they cost. Dequeue counts and drop counts stay.
     *
     * @param on false to stop counting
     * @return this
     */
    public DispatcherBuilder counters(boolean on) {
        config.counters(on);
        return this;
    }

    /**
     * @param on whether to register the {@link IoDispatcherMXBean} (default true)
     * @return this
     */
    public DispatcherBuilder jmx(boolean on) {
        config.jmx(on);
        return this;
    }

    /**
     * What a post does at a bound ({@link #capacity}, {@link #maxPinnedBytes}).
     *
     * @param policy the policy (default {@link OverloadPolicy#failFast()})
     * @return this
     */
    public DispatcherBuilder overloadPolicy(OverloadPolicy policy) {
        config.overloadPolicy(Objects.requireNonNull(policy, "policy"));
        return this;
    }

    /**
     * Bounds the bytes of direct buffers held by operations allocated and not yet freed: the memory a
     * flood of outstanding I/O pins (and, on Windows, the nonpaged pool it locks while pending).
     *
     * @param bytes at least 1 (default: no bound)
     * @return this
     */
    public DispatcherBuilder maxPinnedBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxPinnedBytes must be >= 1: " + bytes);
        }
        config.maxPinnedBytes(bytes);
        return this;
    }

    /**
     * Logs {@link IoDispatcher#stats()} at INFO through SLF4J at this interval (rounded up to the gate thread's
     * injection interval), from the dispatcher's gate thread.
     *
     * @param interval the period, or null for no report (the default)
     * @return this
     */
    public DispatcherBuilder reportInterval(Duration interval) {
        if (interval != null && (interval.isNegative() || interval.isZero())) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        config.reportInterval(interval);
        return this;
    }

    /**
     * @param name prefix of the thread names
     * @return this
     */
    public DispatcherBuilder name(String name) {
        config.name(Objects.requireNonNull(name, "name"));
        return this;
    }

    /**
     * @param concurrency the port's concurrency, 0 (the default) for the number of processors
     * @return this
     */
    public DispatcherBuilder concurrency(int concurrency) {
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0: " + concurrency);
        }
        config.concurrency(concurrency);
        return this;
    }

    /**
     * A fixed number of I/O threads: minimum and maximum both {@code threads}.
     *
     * @param threads at least 1
     * @return this
     */
    public DispatcherBuilder threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        config.minThreads(threads).maxThreads(threads);
        return this;
    }

    /**
     * @param min threads started at once when work arrives and kept when idle (default: the port's
     *            concurrency); 0 keeps one thread only while there is work
     * @return this
     */
    public DispatcherBuilder minThreads(int min) {
        if (min < 0) {
            throw new IllegalArgumentException("minThreads must be >= 0: " + min);
        }
        config.minThreads(min);
        return this;
    }

    /**
     * @param max threads never exceeded (default 250 per processor)
     * @return this
     */
    public DispatcherBuilder maxThreads(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxThreads must be >= 1: " + max);
        }
        config.maxThreads(max);
        return this;
    }

    /**
     * @param interval how often the gate thread may inject a thread when work starves (default 500 ms)
     * @return this
     */
    public DispatcherBuilder injectionInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        config.injectionInterval(interval);
        return this;
    }

    /**
     * @param timeout how long a thread above the minimum may sit idle before it retires (default 10 s)
     * @return this
     */
    public DispatcherBuilder idleTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        config.idleTimeout(timeout);
        return this;
    }

    /**
     * The most OVERLAPPEDs in use at once, and the most tasks queued at once (the task queue is
     * bounded separately, with the same number: a running task has left it).
     *
     * @param capacity 1 to 2<sup>24</sup> (default 65536)
     * @return this
     */
    public DispatcherBuilder capacity(int capacity) {
        if (capacity < 1 || capacity > 1 << 24) {
            throw new IllegalArgumentException("capacity must be between 1 and 2^24: " + capacity);
        }
        config.capacity(capacity);
        return this;
    }

    /**
     * @param batchSize the most packets an I/O thread dequeues at once
     * @return this
     */
    public DispatcherBuilder batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > CompletionBatch.MAX_CAPACITY) {
            throw new IllegalArgumentException("batchSize out of range: " + batchSize);
        }
        config.batchSize(batchSize);
        return this;
    }

    /**
     * @param track whether a second free says where the first happened (costs a stack trace per free)
     * @return this
     */
    public DispatcherBuilder trackFrees(boolean track) {
        config.trackFrees(track);
        return this;
    }

    /**
     * Runs callbacks and tasks on {@code workers} instead of the I/O threads, so heavy or blocking user
     * code cannot hold up the dequeuing and routing of completions. The I/O threads then only move
     * packets. A refused callback runs on the I/O thread. The dispatcher does not shut the pool down.
     *
     * @param workers the pool, or null for none (the default: callbacks run on the I/O threads)
     * @return this
     */
    public DispatcherBuilder workerPool(Executor workers) {
        config.workers(workers);
        return this;
    }

    /**
     * How long a shutdown waits, from its start, for pending operations and queued tasks, and for
     * callbacks and tasks still running. At this deadline it cancels the operations still pending on
     * bound handles (then gives their packets up to 2 s), abandons and reports what is still pending, and
     * reports the I/O threads still running a callback or task: {@link IoDispatcher#close()} returns then,
     * and the dispatcher terminates when they return. Zero gives up at once, as
     * {@link IoDispatcher#shutdownNow()} always does.
     *
     * @param timeout at least zero (default 30 s)
     * @return this
     */
    public DispatcherBuilder shutdownTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be >= 0: " + timeout);
        }
        config.shutdownTimeout(timeout);
        return this;
    }

    /**
     * Creates the dispatcher: opens its port; I/O threads start when work arrives.
     *
     * @return the dispatcher
     * @throws IOException if the port cannot be opened
     */
    public IoDispatcher build() throws IOException {
        int min = config.minThreads();
        int max = config.maxThreads();
        if (min > 0 && max > 0 && max < min) {
            throw new IllegalArgumentException("maxThreads " + max + " < minThreads " + min);
        }
        return new IoDispatcher(config.build());
    }
}
