package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.iocp4j.internal.jfr.DispatcherEvents;

import org.iocp4j.internal.concurrent.SingleWriterCounter;

/**
 * How many I/O threads a dispatcher runs, after the CLR's I/O completion thread policy: none until work
 * arrives, then at once up to the minimum; past it, a gate thread injects at most one thread per
 * injection interval while every thread is busy, work is pending and nothing completed since the last
 * look; never more than the maximum; a thread idle for the idle timeout retires, down to the minimum.
 * A thread that ends with an error (a VM error from a callback) is replaced at once, so the pool keeps its
 * size.
 *
 * <p>Between starvation checks, while any thread is busy, the gate thread looks for stalls every stall
 * period: what the dispatcher does then is its own (it hands the unclaimed rest of a batch whose thread has
 * been in one callback since the last look to threads that are free). With no thread busy it sleeps until
 * the next starvation check, and the next thread to begin a batch wakes it.
 *
 * <p>The hot path costs two plain ordered stores and one volatile read (is the gate thread dozing?) per
 * dequeued batch, into the thread's own {@link Activity} (shared counters here were contended lines in a
 * profile: the gate thread sums the per-thread ones instead, once per tick), and one volatile read per
 * submitted operation ({@link #ensureStarted}).
 */
public final class IoThreadPool {

    /** What the pool's threads run, and what its gate thread asks of them: the dispatcher's I/O loop. */
    public interface Work {
        /**
         * An I/O thread's body: returns when the thread should end (after {@link IoThread#tryRetire()}
         * said yes, or once the port closed).
         *
         * @param self the calling thread
         */
        void run(IoThread self);

        /** @return whether operations or tasks are pending (the starvation test) */
        boolean pending();

        /**
         * The gate thread's look every stall period while a thread is busy, and before each starvation
         * check: moves work off stuck threads.
         *
         * @param threads the threads alive now
         */
        void lookForStalls(Set<IoThread> threads);

        /** The gate thread's tick, before each starvation check. */
        void tick();
    }

    private final String name;
    private final int min;
    private final int max;
    private final long injectionNanos;
    private final long stallNanos;
    private final Work work;
    /** What threads that ended had counted: kept so totals never go down. */
    private final Activity ended = new Activity(null);
    private final Set<IoThread> threads = ConcurrentHashMap.newKeySet();
    private final Set<IoThread> threadsView = Collections.unmodifiableSet(threads);
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong retired = new AtomicLong();
    private final AtomicLong replaced = new AtomicLong();
    private final AtomicLong gateTicks = new AtomicLong();
    private final Thread gate;
    private volatile boolean stopped;
    /** Set while the gate thread sleeps to the next starvation check because no thread was busy. */
    private volatile boolean dozing;

    /**
     * A pool with no thread yet: {@link #start()} starts the gate thread, and I/O threads start when work
     * arrives ({@link #ensureStarted}).
     *
     * @param config          the settings: name, thread bounds, injection and stall periods
     * @param portConcurrency the concurrency of the port the threads serve (the default minimum)
     * @param work            what the threads run
     */
    public IoThreadPool(DispatcherConfig config, int portConcurrency, Work work) {
        int min = config.minThreads(portConcurrency);
        int max = config.maxThreads(portConcurrency);
        if (min < 0 || max < 1 || max < min) {
            throw new IllegalArgumentException("need 0 <= min <= max and max >= 1: min " + min + ", max " + max);
        }
        this.name = config.name();
        this.min = min;
        this.max = max;
        this.injectionNanos = config.injectionNanos();
        this.stallNanos = Math.min(config.stallNanos(), injectionNanos);
        this.work = work;
        this.gate = new Thread(this::watch, name + "-gate");
        gate.setDaemon(true);
    }

    /** Starts the gate thread: ticks, starvation checks and stall looks begin. */
    public void start() {
        gate.start();
    }

    Work work() {
        return work;
    }

    /** @param action run for each I/O thread alive now */
    public void forEachThread(Consumer<IoThread> action) {
        threads.forEach(action);
    }

    /** Work arrived: start threads at once up to the minimum (at least one). */
    public void ensureStarted() {
        int floor = Math.max(1, min);
        for (;;) {
            int n = live.get();
            if (n >= floor || stopped) {
                return;
            }
            if (live.compareAndSet(n, n + 1)) {
                startThread();
            }
        }
    }

    /** An idle thread asks to retire: yes while more than the minimum are alive. */
    boolean tryRetire(IoThread self) {
        for (;;) {
            int n = live.get();
            if (n <= min) {
                return false;
            }
            if (live.compareAndSet(n, n - 1)) {
                if (threads.remove(self)) {
                    fold(self.activity());
                }
                retired.incrementAndGet();
                return true;
            }
        }
    }

    /** @return I/O threads alive now */
    public int liveThreads() {
        return live.get();
    }

    /** @return I/O threads in a batch now */
    public int busyThreads() {
        int n = 0;
        for (IoThread t : threads) {
            n += t.activity().busy;
        }
        return n;
    }

    private long progress() {
        long n = 0;
        for (IoThread t : threads) {
            n += t.activity().progress;
        }
        return n;
    }

    /** What the starvation check watches: packets taken, and task-drain batches run without a packet. */
    private long progressOrDrains() {
        long n = progress();
        for (IoThread t : threads) {
            n += t.activity().drains;
        }
        return n;
    }

    /** @return posted packets dispatched by every thread so far ({@link Activity#postedPacket}), ended ones included */
    public long postedDispatched() {
        synchronized (ended) {
            long n = ended.posted.get();
            for (IoThread t : threads) {
                n += t.activity().posted.get();
            }
            return n;
        }
    }

    /** @return packets dequeued by every thread so far, those that ended included */
    public long dequeued() {
        synchronized (ended) {
            return ended.progress + progress();
        }
    }

    /** @return dequeues by batch size, every thread's so far: see {@link Activity#BUCKETS} */
    public long[] batchSizes() {
        long[] sum = new long[Activity.BUCKETS];
        synchronized (ended) {
            ended.addBucketsTo(sum);
            for (IoThread t : threads) {
                t.activity().addBucketsTo(sum);
            }
        }
        return sum;
    }

    /** Keeps what a thread that ends had counted. */
    private void fold(Activity a) {
        synchronized (ended) {
            ended.progress += a.progress;
            ended.posted.add(a.posted.get());
            for (int i = 0; i < Activity.BUCKETS; i++) {
                ended.buckets[i] += (long) Activity.BUCKET.getOpaque(a.buckets, i);
            }
        }
    }

    /** @return threads the gate thread added past the minimum because work starved */
    public long injectedThreads() {
        return injected.get();
    }

    /** @return threads that ended after the idle timeout */
    public long retiredThreads() {
        return retired.get();
    }

    /** @return threads started in place of one that ended with an error */
    public long replacedThreads() {
        return replaced.get();
    }

    /** @return how many times the gate thread has looked for starvation (tests wait on it instead of sleeping) */
    public long gateTicks() {
        return gateTicks.get();
    }

    /** A thread began a batch while the gate thread dozed: stall looks start now, not at the next check. */
    private void wakeGate() {
        dozing = false;
        LockSupport.unpark(gate);
    }

    /** No thread starts from now on; the gate thread ends. */
    public void stop() {
        stopped = true;
        LockSupport.unpark(gate);
    }

    /**
     * Waits for every I/O thread to end (after the port closed), and for the gate thread.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        while (!threads.isEmpty()) {
            for (IoThread t : threads) {
                t.join();
                threads.remove(t);
            }
        }
        gate.join();
    }

    private void startThread() {
        IoThread t = new IoThread(this, name + "-io-" + ids.getAndIncrement());
        threads.add(t);
        try {
            t.start();
        } catch (Throwable e) {
            threads.remove(t);
            throw e;
        }
    }

    /** An I/O thread's life: its work, then its exit from the count. */
    void run(IoThread self) {
        boolean returned = false;
        try {
            work.run(self);
            returned = true;
        } finally {
            // A thread that retired already left the count; one that ended otherwise leaves it here,
            // or hands its place to a replacement if an error ended it (ThreadPoolExecutor's rule).
            if (threads.remove(self)) {
                fold(self.activity());
                if (returned || stopped || !replace()) {
                    live.decrementAndGet();
                }
            }
        }
    }

    /** Starts a thread in the place of the calling one; false if none could start (it may lack memory). */
    private boolean replace() {
        try {
            startThread();
            replaced.incrementAndGet();
            return true;
        } catch (Throwable e) {
            return false;
        }
    }

    private void watch() {
        long seen = progressOrDrains();
        long checked = System.nanoTime();
        while (!stopped) {
            long untilCheck = injectionNanos - (System.nanoTime() - checked);
            if (busyThreads() > 0) {
                // Not cut short by the coming check: a shorter look-back would take a callback of a few
                // microseconds for a stall. The check is late by a stall period at most.
                LockSupport.parkNanos(this, stallNanos);
            } else if (untilCheck > 0) {
                dozing = true;
                // Read again after the flag is up: a batch begun in between either saw the flag or is seen
                // here. Its begin() is an ordered store, not a fence, so the race is not closed for good;
                // losing it delays the first stall look to the next check, never loses a packet.
                if (busyThreads() == 0) {
                    LockSupport.parkNanos(this, untilCheck);
                }
                dozing = false;
            }
            if (stopped) {
                return;
            }
            work.lookForStalls(threadsView);
            if (System.nanoTime() - checked < injectionNanos) {
                continue;
            }
            checked = System.nanoTime();
            work.tick();
            long now = progressOrDrains();
            int n = live.get();
            if (n > 0 && now == seen && busyThreads() >= n && n < max && work.pending()
                    && live.compareAndSet(n, n + 1)) {
                injected.incrementAndGet();
                startThread();
                LOG.debug("dispatcher {}: every I/O thread busy and nothing completed for a tick: now {} threads",
                        name, n + 1);
                DispatcherEvents.starvation(name, n + 1);
            }
            seen = now;
            gateTicks.incrementAndGet();
        }
    }

    /**
     * What one I/O thread is doing, written by that thread alone and read by the gate thread: busy or
     * not, and how many packets it has taken so far. Ordered stores, no atomic read-modify-write.
     */
    public static final class Activity {
        /** Batch-size buckets: {@code [2^i, 2^(i+1))} for i below the last, which takes the rest. */
        public static final int BUCKETS = 10;
        private static final VarHandle BUSY;
        private static final VarHandle PROGRESS;
        private static final VarHandle DRAINS;
        static final VarHandle BUCKET = MethodHandles.arrayElementVarHandle(long[].class);

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                BUSY = lookup.findVarHandle(Activity.class, "busy", int.class);
                PROGRESS = lookup.findVarHandle(Activity.class, "progress", long.class);
                DRAINS = lookup.findVarHandle(Activity.class, "drains", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private volatile int busy;
        private volatile long progress;
        /** Task-drain batches run without going back to the port ({@link #drained}); not packets. */
        private volatile long drains;
        /** Written per packet, not per batch: a line of its own (next to another thread's record it bounced). */
        private final SingleWriterCounter posted = new SingleWriterCounter();
        private final long[] buckets = new long[BUCKETS];
        /** Whose gate thread a batch wakes; null for the record of threads that ended. */
        private final IoThreadPool pool;

        Activity(IoThreadPool pool) {
            this.pool = pool;
        }

        /** @param packets how many packets the thread took: it is about to run their callbacks */
        public void begin(int packets) {
            PROGRESS.setRelease(this, (long) PROGRESS.getOpaque(this) + packets);
            int bucket = Math.min(BUCKETS - 1, 31 - Integer.numberOfLeadingZeros(packets));
            BUCKET.setRelease(buckets, bucket, (long) BUCKET.getOpaque(buckets, bucket) + 1);
            BUSY.setRelease(this, 1);
            if (pool.dozing) {
                pool.wakeGate();
            }
        }

        void addBucketsTo(long[] sum) {
            for (int i = 0; i < BUCKETS; i++) {
                sum[i] += (long) BUCKET.getOpaque(buckets, i);
            }
        }

        /**
         * The thread's task drain ran a whole batch and goes on without going back to the port: progress, as
         * a packet is, so the starvation check does not take a long drain for a stuck thread.
         */
        public void drained() {
            DRAINS.setRelease(this, (long) DRAINS.getOpaque(this) + 1);
        }

        /** The thread dispatched a packet the dispatcher posted (only this thread writes: no atomic add). */
        public void postedPacket() {
            posted.increment();
        }

        /** The thread finished its batch and goes back to the port. */
        public void end() {
            BUSY.setRelease(this, 0);
        }
    }
}
