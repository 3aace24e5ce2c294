package org.iocp4j.internal.dispatch;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.OverloadPolicy;

/**
 * A dispatcher's settings, fixed at build: what {@code DispatcherBuilder} collects (and checks) and the
 * engine reads. Its own {@link Builder} holds the defaults and assigns without checks.
 */
public final class DispatcherConfig {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String name;
    private final int concurrency;
    private final int minThreads;
    private final int maxThreads;
    private final long injectionNanos;
    private final long stallNanos;
    private final long idleNanos;
    private final int capacity;
    private final int batchSize;
    private final boolean trackFrees;
    private final Duration shutdownTimeout;
    private final Executor workers;
    private final boolean counters;
    private final boolean jmx;
    private final OverloadPolicy overloadPolicy;
    private final long maxPinnedBytes;
    private final long reportNanos;

    private DispatcherConfig(Builder b) {
        this.name = b.name != null ? b.name : "iocp4j-" + SEQUENCE.incrementAndGet();
        this.concurrency = b.concurrency;
        this.minThreads = b.minThreads;
        this.maxThreads = b.maxThreads;
        this.injectionNanos = b.injectionInterval.toNanos();
        this.stallNanos = b.stallInterval.toNanos();
        this.idleNanos = b.idleTimeout.toNanos();
        this.capacity = b.capacity;
        this.batchSize = b.batchSize;
        this.trackFrees = b.trackFrees;
        this.shutdownTimeout = b.shutdownTimeout;
        this.workers = b.workers;
        this.counters = b.counters;
        this.jmx = b.jmx;
        this.overloadPolicy = b.overloadPolicy;
        this.maxPinnedBytes = b.maxPinnedBytes;
        this.reportNanos = b.reportInterval == null ? 0 : b.reportInterval.toNanos();
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the dispatcher's name: its threads' prefix, its MBean's name */
    public String name() {
        return name;
    }

    /** @return the port's concurrency, 0 for the number of processors */
    public int concurrency() {
        return concurrency;
    }

    /**
     * @param portConcurrency the concurrency of the port the threads serve (the default minimum)
     * @return threads kept once started: the port's concurrency unless set, never above the maximum
     */
    public int minThreads(int portConcurrency) {
        return Math.min(requestedMin(portConcurrency), maxThreads(portConcurrency));
    }

    /**
     * @param portConcurrency the concurrency of the port the threads serve
     * @return threads never exceeded: 250 per processor unless set
     */
    public int maxThreads(int portConcurrency) {
        int cpus = Runtime.getRuntime().availableProcessors();
        return maxThreads > 0 ? maxThreads : Math.max(Math.max(1, requestedMin(portConcurrency)), 250 * cpus);
    }

    private int requestedMin(int portConcurrency) {
        return minThreads >= 0 ? minThreads : portConcurrency;
    }

    /** @return the gate thread's period, the fastest injection rate */
    public long injectionNanos() {
        return injectionNanos;
    }

    /**
     * @return how long one callback may run before the unclaimed rest of its thread's batch goes to free
     *         threads; also how often the gate thread looks while a thread is busy
     */
    public long stallNanos() {
        return stallNanos;
    }

    /** @return how long a thread above the minimum may sit idle before it retires */
    public long idleNanos() {
        return idleNanos;
    }

    /** @return the most OVERLAPPEDs in use at once, and the most tasks queued at once */
    public int capacity() {
        return capacity;
    }

    /** @return the most packets an I/O thread dequeues at once, and the most tasks one drain runs */
    public int batchSize() {
        return batchSize;
    }

    /** @return whether a second free says where the first happened */
    public boolean trackFrees() {
        return trackFrees;
    }

    /** @return how long a shutdown waits, from its start, before it cancels and gives up */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** @return where callbacks and tasks run, or null for the I/O threads */
    public Executor workers() {
        return workers;
    }

    /** @return whether the always-on counters count (off only to measure what they cost) */
    public boolean counters() {
        return counters;
    }

    /** @return whether to register the dispatcher's MBean */
    public boolean jmx() {
        return jmx;
    }

    /** @return what a post does at a bound */
    public OverloadPolicy overloadPolicy() {
        return overloadPolicy;
    }

    /** @return the most bytes of direct buffers outstanding operations may pin */
    public long maxPinnedBytes() {
        return maxPinnedBytes;
    }

    /** @return the period of the INFO report of the dispatcher's stats, 0 for none */
    public long reportNanos() {
        return reportNanos;
    }

    /** Collects settings with the defaults; assigns what it is given (the public builder checks). */
    public static final class Builder {
        private String name;
        private int concurrency;
        private int minThreads = -1;
        private int maxThreads;
        private Duration injectionInterval = Duration.ofMillis(500);
        /**
         * Short against work worth a CPU (hundreds of milliseconds), long against a callback's usual
         * microseconds: a batch must not hold completions hostage behind a long callback while a CPU idles.
         */
        private Duration stallInterval = Duration.ofNanos(TimeUnit.MILLISECONDS.toNanos(10));
        private Duration idleTimeout = Duration.ofSeconds(10);
        private int capacity = 65_536;
        private int batchSize = 64;
        private boolean trackFrees = Boolean.getBoolean("iocp4j.trackFrees");
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Executor workers;
        private boolean counters = true;
        private boolean jmx = true;
        private OverloadPolicy overloadPolicy = OverloadPolicy.failFast();
        private long maxPinnedBytes = Long.MAX_VALUE;
        private Duration reportInterval;

        private Builder() {
        }

        /**
         * @param name the name, or null for {@code iocp4j-<n>}
         * @return this
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * @param concurrency the port's, 0 for the number of processors
         * @return this
         */
        public Builder concurrency(int concurrency) {
            this.concurrency = concurrency;
            return this;
        }

        /**
         * @param min threads kept, -1 for the port's concurrency
         * @return this
         */
        public Builder minThreads(int min) {
            this.minThreads = min;
            return this;
        }

        /**
         * @param max threads never exceeded, 0 for 250 per processor
         * @return this
         */
        public Builder maxThreads(int max) {
            this.maxThreads = max;
            return this;
        }

        /** @return the minimum set, -1 if none */
        public int minThreads() {
            return minThreads;
        }

        /** @return the maximum set, 0 if none */
        public int maxThreads() {
            return maxThreads;
        }

        /**
         * @param interval the gate thread's period
         * @return this
         */
        public Builder injectionInterval(Duration interval) {
            this.injectionInterval = interval;
            return this;
        }

        /**
         * @param interval how long a callback runs before its batch's rest is handed over
         * @return this
         */
        public Builder stallInterval(Duration interval) {
            this.stallInterval = interval;
            return this;
        }

        /**
         * @param timeout idle time before a thread above the minimum retires
         * @return this
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * @param capacity OVERLAPPEDs, and queued tasks, at once
         * @return this
         */
        public Builder capacity(int capacity) {
            this.capacity = capacity;
            return this;
        }

        /**
         * @param batchSize packets per dequeue
         * @return this
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param track whether frees record where they happened
         * @return this
         */
        public Builder trackFrees(boolean track) {
            this.trackFrees = track;
            return this;
        }

        /**
         * @param timeout the shutdown's deadline, from its start
         * @return this
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * @param workers where callbacks and tasks run, null for the I/O threads
         * @return this
         */
        public Builder workers(Executor workers) {
            this.workers = workers;
            return this;
        }

        /**
         * @param on whether the always-on counters count
         * @return this
         */
        public Builder counters(boolean on) {
            this.counters = on;
            return this;
        }

        /**
         * @param on whether to register the MBean
         * @return this
         */
        public Builder jmx(boolean on) {
            this.jmx = on;
            return this;
        }

        /**
         * @param policy what a post does at a bound
         * @return this
         */
        public Builder overloadPolicy(OverloadPolicy policy) {
            this.overloadPolicy = policy;
            return this;
        }

        /**
         * @param bytes the bound on pinned bytes
         * @return this
         */
        public Builder maxPinnedBytes(long bytes) {
            this.maxPinnedBytes = bytes;
            return this;
        }

        /**
         * @param interval the stats report's period, null for none
         * @return this
         */
        public Builder reportInterval(Duration interval) {
            this.reportInterval = interval;
            return this;
        }

        /** @return the settings; a dispatcher without a name gets the next {@code iocp4j-<n>} */
        public DispatcherConfig build() {
            return new DispatcherConfig(this);
        }
    }
}
