package org.iocp4j;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.iocp4j.internal.LogLimiter;
import org.iocp4j.internal.dispatch.IoThreadPool;
import org.iocp4j.internal.dispatch.OverlappedSlab;
import org.iocp4j.internal.jfr.DispatcherEvents;
import org.iocp4j.internal.portable.PortableHandles;
import org.iocp4j.internal.windows.NativeCancellation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A completion port with a pool of I/O threads that dequeue packets in batches and run each operation's
 * callback: the APM model of .NET's I/O completion threads, on either backend.
 *
 * <p>Operations use {@link NativeOverlapped}s from the dispatcher's slab ({@link #allocate},
 * {@link #preAllocate}); a dequeued OVERLAPPED address maps back to its operation in O(1) with no lock.
 * A packet whose address the slab never handed out, or whose operation is not the slot's current
 * submitted one, is dropped and counted ({@link #foreignPacketsDropped()}, {@link #stalePacketsDropped()}),
 * never dispatched. A callback that throws is logged and counted ({@link #callbackFailures()}); its
 * thread carries on, except after a {@link VirtualMachineError} ({@code StackOverflowError},
 * {@code OutOfMemoryError}, ...): that thread first runs the rest of its batch, then ends with the error,
 * so the thread's uncaught-exception handler (where an application may halt on an
 * {@code OutOfMemoryError}) sees it as on any other thread, and the pool starts a thread in its place.
 *
 * <p>A thread never holds dequeued packets while it runs a long callback: when one callback has run for
 * about 10 ms, or says it blocks ({@link #blocking}), the unclaimed rest of its batch goes to threads that
 * are free. So a burst of CPU-bound completions spreads over the threads as if each had been dequeued
 * alone, whatever the {@link Builder#batchSize}.
 *
 * <p>Besides I/O, the port carries posted work: {@link #postCompletion} (the analogue of
 * {@code ThreadPool.UnsafeQueueNativeOverlapped}) and {@link #execute} (of {@code QueueUserWorkItem}).
 *
 * <p>Threads follow the CLR's policy ({@link IoThreadPool}): none until work arrives, then at once up to
 * {@link Builder#minThreads}; past it a gate thread injects one thread per
 * {@link Builder#injectionInterval} while every thread is busy and nothing completes; never more than
 * {@link Builder#maxThreads}; a thread idle for {@link Builder#idleTimeout} retires down to the minimum.
 * A callback about to block says so with {@link #blocking}. Completion keys with the top bit set are
 * reserved for the dispatcher.
 */
public final class IoDispatcher implements Executor, AutoCloseable {

    private static final long KEY_POSTED = Long.MIN_VALUE;
    /** A packet standing for one entry moved off a stuck thread's batch (generation 0 never exists). */
    private static final long KEY_DEFERRED = KEY_POSTED;
    /**
     * The wake-up packet for the task queue. Its address is 0, like KEY_DEFERRED's: a posted packet for an
     * operation always carries its OVERLAPPED's address, so a generation-1 post never reads as this.
     */
    private static final long KEY_TASKS = KEY_POSTED | 1;

    private static final int KIND_OPERATION = 1;
    /**
     * How long a drain of the task queue runs alone before it calls another thread in while tasks are left.
     * Not at once: with tasks of nanoseconds, a second drainer only competes with the posting thread for
     * the CPUs (one poster, two I/O threads on two cores: 24 M tasks/s alone, 16 M with a helper called at
     * every drain's start); with tasks of milliseconds, the helper comes after the first.
     */
    private static final long HELP_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /**
     * How long one callback may run (measured between two looks of the gate thread, so between this and
     * twice this) before the unclaimed rest of its thread's batch goes to threads that are free: a batch
     * must not hold completions hostage behind a long callback while a CPU idles. Short against work
     * worth a CPU (the seeds' experiment: hundreds of milliseconds), long against a callback's usual
     * microseconds; the gate thread looks this often only while some thread is busy.
     */
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int RUNNING = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int TERMINATED = 2;
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Logger LOG = LoggerFactory.getLogger(IoDispatcher.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String name;
    private final CompletionPort port;
    private final OverlappedSlab slab;
    /** Plain tasks ({@link #execute}): queued here, with one wake-up packet through the port per drain. */
    private final org.iocp4j.internal.concurrent.TaskQueue tasks;
    private final int batchSize;
    private final boolean trackFrees;
    private final Duration shutdownTimeout;
    private final long idleNanos;
    /** Where callbacks and tasks run when a worker pool is attached; null runs them on the I/O thread. */
    private final Executor workers;
    private final IoThreadPool threads;
    /** One WARN per second at most for dropped packets: a flood of them is counted, not logged line by line. */
    private final LogLimiter droppedLog = new LogLimiter(TimeUnit.SECONDS.toNanos(1));
    private final AtomicInteger runState = new AtomicInteger(RUNNING);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** When {@link #close()} may return: at termination, or once the deadline passed with user code still running. */
    private final CountDownLatch settled = new CountDownLatch(1);
    /** Set just before the port closes: an operation submitted from then on would never be dispatched. */
    private volatile boolean portClosed;
    private volatile long callbacksRunningAtShutdown;
    private final LongAdder callbackFailures = new LongAdder();
    private final LongAdder stalePackets = new LongAdder();
    private final LongAdder foreignPackets = new LongAdder();
    private final LongAdder leaked = new LongAdder();
    private final LongAdder deferredEntries = new LongAdder();
    private final LongAdder taskWakeups = new LongAdder();
    private volatile long tasksDroppedAtShutdown;
    /** Set by {@link #shutdownNow()}: queued tasks are dropped (and counted), not run. */
    private volatile boolean droppingTasks;
    /** Whether the always-on counters count (off only to measure what they cost). */
    private final boolean counting;
    private final LeakDetection leakDetection;
    private final Backpressure backpressure;
    private final long reportNanos;
    private long nextReportNanos; // gate thread only
    /**
     * {@code System.nanoTime()} as of the gate thread's last tick: what a submit records, so the hot path
     * reads a field instead of the clock (ages are exact to within one injection interval).
     */
    private volatile long coarseNanos = System.nanoTime();
    private final javax.management.ObjectName mbeanName;
    private final java.util.concurrent.atomic.AtomicLong nextKey = new java.util.concurrent.atomic.AtomicLong();
    /** Entries taken from the unprocessed rest of a blocked thread's batch; one KEY_DEFERRED packet each. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Deferred> deferred =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile long abandonedAtShutdown;
    private volatile long cancelledAtShutdown;
    /** After cancelling at the deadline, how long the cancelled operations' packets may take to come back. */
    private static final long CANCEL_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * How long I/O threads running no user code get to end once the port closed, even past the deadline (an
     * idle one leaves its wait in microseconds; under Wine each wake-up is a wineserver round trip).
     */
    private static final long EXIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private IoDispatcher(Builder b) throws IOException {
        this.name = b.name != null ? b.name : "iocp4j-" + SEQUENCE.incrementAndGet();
        this.port = CompletionPort.open(b.concurrency);
        this.slab = new OverlappedSlab(b.capacity);
        this.tasks = new org.iocp4j.internal.concurrent.TaskQueue(b.capacity);
        this.batchSize = b.batchSize;
        this.trackFrees = b.trackFrees;
        this.shutdownTimeout = b.shutdownTimeout;
        this.idleNanos = b.idleTimeout.toNanos();
        this.workers = b.workers;
        this.counting = b.counters;
        this.leakDetection = LeakDetection.level();
        this.backpressure = new Backpressure(this, b.overloadPolicy, b.maxPinnedBytes);
        this.reportNanos = b.reportInterval == null ? 0 : b.reportInterval.toNanos();
        this.nextReportNanos = System.nanoTime() + reportNanos;
        int cpus = Runtime.getRuntime().availableProcessors();
        int min = b.minThreads >= 0 ? b.minThreads : port.concurrency();
        int max = b.maxThreads > 0 ? b.maxThreads : Math.max(Math.max(1, min), 250 * cpus);
        min = Math.min(min, max); // an explicit maximum below the default minimum lowers the minimum
        AtomicInteger ids = new AtomicInteger();
        this.threads = new IoThreadPool(name, min, max, b.injectionInterval.toNanos(), STALL_NANOS,
                () -> slab.anySubmitted() || !tasks.isEmpty(),
                r -> {
                    int id = ids.getAndIncrement();
                    return new IoThread(this, name + "-io-" + id, r);
                }, this::run, this::onGateTick, this::onStallCheck, this::injected);
        this.mbeanName = b.jmx ? registerMBean() : null;
    }

    private javax.management.ObjectName registerMBean() {
        try {
            javax.management.ObjectName on = new javax.management.ObjectName("org.iocp4j", new java.util.Hashtable<>(
                    java.util.Map.of("type", "IoDispatcher", "name", javax.management.ObjectName.quote(name))));
            java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .registerMBean(new DispatcherMBean(this), on);
            return on;
        } catch (javax.management.JMException | RuntimeException e) {
            LOG.warn("dispatcher {}: no JMX MBean ({}); stats() still works", name, e.toString());
            return null;
        }
    }

    private void unregisterMBean() {
        if (mbeanName != null) {
            try {
                java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
            } catch (javax.management.JMException e) {
                LOG.debug("dispatcher {}: MBean already gone", name, e);
            }
        }
    }

    /** The gate thread added a thread because work starved. */
    private void injected(int live) {
        LOG.debug("dispatcher {}: every I/O thread busy and nothing completed for a tick: now {} threads", name, live);
        DispatcherEvents.starvation(name, live);
    }

    /** Gate thread, each tick: writes the periodic report when due. */
    private void onGateTick() {
        coarseNanos = System.nanoTime();
        if (reportNanos > 0 && System.nanoTime() - nextReportNanos >= 0) {
            nextReportNanos = System.nanoTime() + reportNanos;
            LOG.info("{}", stats());
        }
    }

    /**
     * A builder with the defaults: concurrency and minimum threads = number of processors, maximum 250
     * per processor, one injection per 500 ms at most, retirement after 10 s idle, 65,536 OVERLAPPEDs,
     * batches of 64, frees tracked if {@code -Diocp4j.trackFrees=true}, 30 s for pending operations at
     * shutdown.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The dispatcher's completion port: associate handles with it, or post to it by hand.
     *
     * @return the port
     */
    public CompletionPort port() {
        return port;
    }

    /**
     * Binds an overlapped handle to the dispatcher: associates it with the port under a key of the
     * dispatcher's choosing, so its completions run their operations' callbacks.
     *
     * @param handle a {@code HANDLE} or {@code SOCKET} opened for overlapped I/O
     * @return the bound handle
     * @throws IllegalArgumentException      if {@code handle} is 0 or -1
     * @throws UnsupportedOperationException on the portable backend, for anything but a portable handle (a
     *                                       file or socket opened through {@code org.iocp4j.io})
     * @throws IocpException                 if the association fails (87 if the handle is already bound)
     * @throws IOException                   on other failures
     */
    public BoundHandle bind(long handle) throws IOException {
        requireRunning();
        return BoundHandle.bind(this, port, handle, nextKey.incrementAndGet());
    }

    /**
     * Allocates an OVERLAPPED for one operation.
     *
     * @param callback what runs when the operation's packet arrives
     * @param state    any object, returned by {@link NativeOverlapped#state()} and {@link #stateOf(long)}
     * @param buffers  the direct buffers the operation reads or writes: kept reachable until freed
     * @return the overlapped, {@link NativeOverlapped.Status#ALLOCATED}
     * @throws IllegalArgumentException   if a buffer is a heap buffer (the kernel needs memory the GC
     *                                    never moves)
     * @throws IllegalStateException      if every OVERLAPPED of the slab is in use
     * @throws RejectedExecutionException if the dispatcher is shut down
     */
    public NativeOverlapped allocate(IoCallback callback, Object state, ByteBuffer... buffers) {
        long bytes = pinnedBy(buffers);
        int slot = acquire(callback, buffers, bytes);
        return new NativeOverlapped(this, slab, slot, callback, state, buffers.clone(), bytes);
    }

    /**
     * Allocates an OVERLAPPED for one operation whose outcome completes a future instead of calling back:
     * with the bytes transferred on success, or with an {@link IocpException} carrying the operation's
     * Win32 code on failure. The overlapped frees itself when its packet arrives. Dependent stages run on
     * the thread that completes the future (an I/O or worker thread) unless added with an
     * {@code ...Async} method.
     *
     * @param future  completed when the packet arrives
     * @param state   any object
     * @param buffers the direct buffers the operation uses
     * @return the overlapped, {@link NativeOverlapped.Status#ALLOCATED}
     * @throws IllegalArgumentException   if a buffer is a heap buffer
     * @throws IllegalStateException      if every OVERLAPPED of the slab is in use
     * @throws RejectedExecutionException if the dispatcher is shut down
     */
    public NativeOverlapped allocateForFuture(CompletableFuture<Integer> future, Object state, ByteBuffer... buffers) {
        Objects.requireNonNull(future, "future");
        return allocate((errorCode, bytes, overlapped) -> {
            overlapped.free();
            if (errorCode == 0) {
                future.complete(bytes);
            } else {
                future.completeExceptionally(new IocpException("overlapped operation", errorCode));
            }
        }, state, buffers);
    }

    /**
     * Allocates a reusable OVERLAPPED for hot paths: submit it again after each completion.
     *
     * @param callback what runs when each operation's packet arrives
     * @param state    any object
     * @param buffers  the direct buffers its operations use
     * @return the overlapped
     * @throws IllegalArgumentException   if a buffer is a heap buffer
     * @throws IllegalStateException      if every OVERLAPPED of the slab is in use
     * @throws RejectedExecutionException if the dispatcher is shut down
     */
    public PreAllocatedOverlapped preAllocate(IoCallback callback, Object state, ByteBuffer... buffers) {
        long bytes = pinnedBy(buffers);
        int slot = acquire(callback, buffers, bytes);
        return new PreAllocatedOverlapped(this, slab, slot, callback, state, buffers.clone(), bytes);
    }

    private int acquire(IoCallback callback, ByteBuffer[] buffers, long bytes) {
        Objects.requireNonNull(callback, "callback");
        requireRunning();
        if (!backpressure.tryPin(bytes)
                && backpressure.overloaded(OverloadPolicy.Bound.PINNED_BYTES, () -> backpressure.tryPin(bytes) ? 0 : -1) < 0) {
            requireRunning();
            throw new IllegalStateException("dispatcher " + name + ": the operation's buffers (" + bytes + " bytes)"
                    + " would pin more than " + backpressure.maxPinnedBytes() + " bytes with those of the "
                    + pinnedBytes() + " outstanding (Builder.maxPinnedBytes)");
        }
        int slot = slab.acquire(KIND_OPERATION);
        if (slot < 0) {
            slot = backpressure.overloaded(OverloadPolicy.Bound.OPERATIONS, () -> slab.acquire(KIND_OPERATION));
        }
        if (slot < 0) {
            backpressure.unpin(bytes);
            requireRunning();
            throw new IllegalStateException("all " + slab.capacity() + " OVERLAPPEDs of dispatcher " + name
                    + " are in use (Builder.capacity raises the limit)");
        }
        return slot;
    }

    /** The bytes {@code buffers} pin; refuses heap buffers, which the GC may move under the kernel. */
    private static long pinnedBy(ByteBuffer[] buffers) {
        long bytes = 0;
        for (int i = 0; i < buffers.length; i++) {
            if (!Objects.requireNonNull(buffers[i], "buffer").isDirect()) {
                throw new IllegalArgumentException("buffer " + i + " is a heap buffer: the kernel writes I/O"
                        + " buffers long after the call returns, and the GC may move a heap array; use"
                        + " ByteBuffer.allocateDirect");
            }
            bytes += buffers[i].capacity();
        }
        return bytes;
    }

    /**
     * Queues a completion packet for an overlapped, as if its operation had completed with
     * {@code bytesTransferred} bytes (.NET's {@code UnsafeQueueNativeOverlapped}). The overlapped is
     * submitted by this call; its callback runs on an I/O thread with error code 0.
     *
     * @param overlapped       an allocated (or completed, if pre-allocated) overlapped of this dispatcher
     * @param bytesTransferred the byte count the callback sees
     * @throws IllegalArgumentException   if the overlapped belongs to another dispatcher
     * @throws IllegalStateException      if it cannot be submitted (already submitted, or freed)
     * @throws RejectedExecutionException if the dispatcher is shut down
     * @throws IOException                if the port refuses the packet
     */
    public void postCompletion(NativeOverlapped overlapped, int bytesTransferred) throws IOException {
        if (overlapped.dispatcher != this) {
            throw new IllegalArgumentException("the overlapped belongs to dispatcher " + overlapped.dispatcher.name);
        }
        requireRunning();
        long address = overlapped.submit(); // starts the threads if none run yet
        if (counting) {
            slab.markPosted(overlapped.slot); // counted when dispatched; in flight, found by stats' scan
        }
        try {
            port.post(KEY_POSTED | overlapped.generation, bytesTransferred, address);
        } catch (IOException | RuntimeException e) {
            overlapped.abortSubmit();
            throw e;
        }
    }

    /**
     * Runs a task on an I/O thread (.NET's {@code QueueUserWorkItem}). Tasks wait in the dispatcher's own
     * bounded queue ({@link Builder#capacity} of them at most), and ride the port as wake-ups: one packet
     * when no I/O thread is already on its way to the queue, so a task costs no kernel call and no
     * OVERLAPPED, the port's concurrency limit still governs the threads that run them, and I/O completions
     * queued meanwhile are not starved (a thread runs at most {@link Builder#batchSize} tasks before it goes
     * back to the port). See {@code docs/architecture.md}.
     *
     * @param task the task
     * @throws RejectedExecutionException if the dispatcher is shut down or its task queue is full after the
     *                                    overload policy ran
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        requireRunning();
        if (!tasks.offer(task)
                && backpressure.overloaded(OverloadPolicy.Bound.OPERATIONS, () -> tasks.offer(task) ? 0 : -1) < 0) {
            requireRunning();
            throw new RejectedExecutionException("dispatcher " + name + ": all " + tasks.bound()
                    + " places of its task queue are taken (Builder.capacity, Builder.overloadPolicy)");
        }
        threads.ensureStarted();
        wakeForTasks();
    }

    /**
     * Posts the task queue's wake-up packet unless one is already on its way (then this is one read). A
     * failed post gives the claim back: the next task, or the gate thread's next tick, posts again, and the
     * queued tasks wait for it, lost by nobody.
     */
    private void wakeForTasks() {
        if (!tasks.claimWake()) {
            return;
        }
        try {
            port.post(KEY_TASKS, 0, 0);
            taskWakeups.increment();
        } catch (IOException | RuntimeException e) {
            tasks.wakeFailed();
            if (!(e instanceof PortClosedException)) {
                LOG.error("dispatcher {}: could not post the task queue's wake-up; the gate thread retries", name, e);
            }
        }
    }

    /**
     * The wake-up packet arrived: runs queued tasks, at most a batch of them, so packets queued in the
     * port meanwhile get their turn. Gives the wake-up back first (then new tasks post another). Once the
     * drain has run for {@link #HELP_AFTER_NANOS} with tasks left, it wakes another thread to help; it
     * looks at the clock after tasks 1, 2, 4, 8, ... of the drain, not after each (a read costs 30 ns on a
     * VM's clock: per task, that was a fifth of the throughput). At the end of its batch with tasks left,
     * it makes sure a wake-up is queued behind the port's packets. Tasks posted while it drains keep more
     * threads busy on their own: the first one posted after the drain began posts a new wake-up. After
     * {@link #shutdownNow()} it runs no further task.
     */
    private void runTasks() {
        tasks.wakeTaken();
        Runnable task = droppingTasks ? null : tasks.poll();
        if (task == null) {
            return; // another thread drained what this wake-up was for, or shutdownNow
        }
        long started = System.nanoTime();
        boolean helped = false;
        int ran = 0;
        do {
            runQueued(task);
            ran++;
            if (!helped && (ran & (ran - 1)) == 0 && System.nanoTime() - started >= HELP_AFTER_NANOS
                    && !tasks.isEmpty()) {
                helped = true;
                wakeForTasks();
            }
        } while (ran < batchSize && !droppingTasks && (task = tasks.poll()) != null);
        if (ran == batchSize && !tasks.isEmpty()) {
            wakeForTasks();
        }
    }

    private void runQueued(Runnable task) {
        backpressure.roomMade();
        if (workers == null || !handOff(task)) {
            runTask(task);
        }
    }

    /**
     * The state object of the operation whose OVERLAPPED is at {@code address} (.NET's
     * {@code GetNativeOverlappedState}).
     *
     * @param address an OVERLAPPED address
     * @return its state, or null if the address is not an allocated overlapped of this dispatcher
     */
    public Object stateOf(long address) {
        int slot = slab.slotOf(address);
        if (slot < 0) {
            return null;
        }
        int state = OverlappedSlab.stateOf(slab.word(slot));
        return state == OverlappedSlab.FREE ? null : slab.userState(slot);
    }

    /**
     * Runs code that is about to block on an I/O thread, so the port lets another I/O thread run
     * meanwhile (like {@code ForkJoinPool.managedBlock}). On other threads the action simply runs.
     *
     * @param action the blocking code
     * @param <T>    its result type
     * @param <X>    the exception it may throw
     * @return its result
     * @throws X what it throws
     */
    public static <T, X extends Throwable> T blocking(BlockingAction<T, X> action) throws X {
        Thread t = Thread.currentThread();
        if (t instanceof IoThread) {
            IoThread io = (IoThread) t;
            // The rest of this thread's batch must not wait for the block to end: hand it to the others.
            IoDispatcher d = io.dispatcher;
            d.moveRest(io);
            if (!d.tasks.isEmpty()) {
                d.wakeForTasks();
            }
            return d.port.blocking(action);
        }
        return action.run();
    }

    /**
     * Whether the calling thread is one of this dispatcher's I/O threads (where a callback runs). Code
     * that would wait for this dispatcher's own packets must not wait here: the packet may need this very
     * thread.
     *
     * @return true on this dispatcher's I/O threads
     */
    public boolean isIoThread() {
        Thread t = Thread.currentThread();
        return t instanceof IoThread && ((IoThread) t).dispatcher == this;
    }

    // ---- counters ----

    /** @return callbacks and tasks that threw */
    public long callbackFailures() {
        return callbackFailures.sum();
    }

    /** @return packets for an overlapped of this slab that was not submitted at that generation */
    public long stalePacketsDropped() {
        return stalePackets.sum();
    }

    /** @return packets whose OVERLAPPED address this dispatcher never handed out */
    public long foreignPacketsDropped() {
        return foreignPackets.sum();
    }

    /**
     * Packets this dispatcher posted: {@link #postCompletion}'s, counted by the I/O thread that dispatches
     * each (so the posting thread counts nothing) plus those in flight (a scan of the slab, as in
     * {@link #stats()}), and the task queue's wake-ups. Exact whenever no post is between its submit and
     * its packet; packets with the dispatcher's key posted through {@link #port()} directly count too.
     *
     * @return the count
     */
    public long postedPackets() {
        return threads.postedDispatched() + slab.postedInFlight() + taskWakeups.sum();
    }

    /** @return packets its I/O threads dequeued, posted and I/O completions alike */
    public long dequeuedPackets() {
        return threads.dequeued();
    }

    /** @return posts refused at a bound by the overload policy */
    public long rejectedPosts() {
        return backpressure.rejected();
    }

    /** @return bytes of direct buffers held by operations allocated and not yet freed */
    public long pinnedBytes() {
        return backpressure.pinnedBytes();
    }

    /**
     * A snapshot of every counter, and a scan of what is outstanding now. Cheap enough to take every
     * second; not meant for hot paths (the scan reads every slot's state).
     *
     * @return the snapshot
     */
    public DispatcherStats stats() {
        long[] counts = new long[2]; // operations, submitted
        java.util.Map<Long, Long> byHandle = new java.util.HashMap<>();
        slab.forEachInUse((slot, state, kind, owner, userState) -> {
            counts[0]++;
            if (state == OverlappedSlab.SUBMITTED) {
                counts[1]++;
                BoundHandle h = owner instanceof NativeOverlapped ? ((NativeOverlapped) owner).boundTo : null;
                if (h != null) {
                    byHandle.merge(h.handle(), 1L, Long::sum);
                }
            }
        });
        java.util.OptionalLong depth;
        try {
            depth = port.queueDepth();
        } catch (IOException | RuntimeException closed) {
            depth = java.util.OptionalLong.empty(); // the port closed under a late snapshot
        }
        return new DispatcherStats(name, port.backend(), java.time.Instant.now(), postedPackets(), dequeuedPackets(),
                queuedTasks(), taskWakeups(), threads.batchSizes(), counts[0], counts[1], tasks.size(), byHandle, pinnedBytes(), slab.capacity(),
                backpressure.maxPinnedBytes(), rejectedPosts(), callbackFailures(), stalePacketsDropped(),
                foreignPacketsDropped(), leakedOverlapped(), liveThreads(), busyThreads(), injectedThreads(),
                retiredThreads(), depth);
    }

    /**
     * Operations submitted at least {@code age} ago (measured to within one injection interval) and still
     * outstanding, oldest first, with their handle,
     * age and (when {@link LeakDetection} recorded them) where they were allocated and last submitted. What
     * to look at when something never completes. Queued tasks are not operations: {@link #stats()} counts
     * them.
     *
     * @param age the least age listed; {@link Duration#ZERO} lists everything outstanding
     * @return the list
     */
    public java.util.List<OutstandingOperation> outstandingOlderThan(Duration age) {
        long now = System.nanoTime();
        long least = age.toNanos();
        java.util.List<OutstandingOperation> found = new java.util.ArrayList<>();
        java.util.List<Long> ages = new java.util.ArrayList<>();
        slab.forEachInUse((slot, state, kind, owner, userState) -> {
            if (state != OverlappedSlab.SUBMITTED) {
                return;
            }
            if (!(owner instanceof NativeOverlapped)) {
                return;
            }
            NativeOverlapped o = (NativeOverlapped) owner;
            long at = slab.submittedAt(slot);
            long elapsed = at == 0 ? -1 : now - at;
            if (elapsed < least && !(elapsed < 0 && least == 0)) {
                return;
            }
            BoundHandle h = o.boundTo;
            LeakTrace t = o.trace;
            found.add(new OutstandingOperation(slab.address(slot), o.reusable() ? "pre-allocated operation" : "operation",
                    NativeOverlapped.Status.SUBMITTED, h == null ? 0 : h.handle(),
                    elapsed < 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(elapsed)),
                    java.util.Optional.ofNullable(t == null ? null : t.allocated),
                    java.util.Optional.ofNullable(t == null ? null : t.lastTouch)));
            ages.add(elapsed);
        });
        Integer[] order = new Integer[found.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Long.compare(ages.get(b), ages.get(a)));
        java.util.List<OutstandingOperation> sorted = new java.util.ArrayList<>(order.length);
        for (Integer i : order) {
            sorted.add(found.get(i));
        }
        return sorted;
    }

    /** @return overlapped objects that became unreachable without being freed (reported by the Cleaner) */
    public long leakedOverlapped() {
        return leaked.sum();
    }

    /** @return I/O threads alive now */
    public int liveThreads() {
        return threads.liveThreads();
    }

    /** @return I/O threads running callbacks now */
    public int busyThreads() {
        return threads.busyThreads();
    }

    /** @return threads the gate thread added past the minimum because work starved */
    public long injectedThreads() {
        return threads.injectedThreads();
    }

    /** @return threads that ended after the idle timeout */
    public long retiredThreads() {
        return threads.retiredThreads();
    }

    /** @return how many times the gate thread has checked for starvation */
    public long gateChecks() {
        return threads.gateTicks();
    }

    /** @return packets moved off a blocked thread's batch so another thread could run them */
    public long deferredPackets() {
        return deferredEntries.sum();
    }

    /** @return operations submitted whose packets have not arrived, plus tasks queued and not yet started */
    public long pendingOperations() {
        return slab.submitted() + tasks.size();
    }

    /** @return tasks {@link #execute} accepted so far */
    public long queuedTasks() {
        return tasks.offered();
    }

    /** @return wake-up packets posted for the task queue (included in {@link #postedPackets()}) */
    public long taskWakeups() {
        return taskWakeups.sum();
    }

    /** @return tasks still queued when shutdown ended the I/O threads: never run (and logged) */
    public long tasksDroppedAtShutdown() {
        return tasksDroppedAtShutdown;
    }

    /** @return operations on bound handles that shutdown cancelled ({@code CancelIoEx}) at its deadline */
    public long cancelledAtShutdown() {
        return cancelledAtShutdown;
    }

    /** @return operations still pending after shutdown's deadline and cancellation: never freed */
    public long abandonedAtShutdown() {
        return abandonedAtShutdown;
    }

    /**
     * I/O threads still running a callback or task when the shutdown deadline passed (each named in a WARN
     * with where it was): {@link #close()} returned without them, and the dispatcher terminated, or will,
     * once they return. Callbacks on a {@link Builder#workerPool} are not counted: the dispatcher never waits
     * for them.
     *
     * @return the count, 0 if the shutdown ended in time (or has not reached its deadline)
     */
    public long callbacksRunningAtShutdown() {
        return callbacksRunningAtShutdown;
    }

    // ---- shutdown ----

    /**
     * Stops accepting work and lets pending operations and queued tasks finish, for up to
     * {@link Builder#shutdownTimeout} from this call (the deadline). Then it cancels ({@code CancelIoEx}) the
     * operations still pending on bound handles and gives their packets (error 995) up to 2 s to come back
     * through their callbacks; then the port closes (from then {@link NativeOverlapped#submit()} is refused),
     * operations still pending are reported ({@link #abandonedAtShutdown()}: their OVERLAPPEDs are never
     * freed, since the kernel may still write them), and each I/O thread ends as soon as it returns from the
     * callback or task it runs. One still running one at the deadline is reported: a WARN names its thread and
     * where it is, {@link #callbacksRunningAtShutdown()} counts it, and the dispatcher terminates when it
     * returns. Returns at once, from any thread (a callback or task included).
     */
    public void shutdown() {
        startShutdown(shutdownTimeout);
    }

    /**
     * Like {@link #shutdown()}, without waiting for pending operations, and queued tasks are not run: a
     * task running now finishes, the rest are counted in {@link #tasksDroppedAtShutdown()}.
     */
    public void shutdownNow() {
        if (runState.get() == RUNNING) {
            droppingTasks = true;
        }
        startShutdown(Duration.ZERO);
    }

    /**
     * Waits until the dispatcher has terminated: every I/O thread ended, including one still running a
     * callback past the shutdown deadline (unlike {@link #close()}, this waits for it, up to {@code timeout}).
     *
     * @param timeout the longest wait
     * @param unit    its unit
     * @return true if it terminated
     * @throws IllegalStateException if called on one of this dispatcher's own I/O threads (in a callback or
     *                               task): the dispatcher terminates only once that thread returns, so the
     *                               wait could only time out. Call {@link #shutdown()} or {@link #close()}
     *                               there, which return at once, and return
     * @throws InterruptedException  if interrupted while waiting
     */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        if (isIoThread()) {
            throw new IllegalStateException("awaitTermination on one of dispatcher " + name + "'s own I/O threads (in a"
                    + " callback or task) would wait for itself: the dispatcher terminates only once this thread"
                    + " returns. Call shutdown() or close(), which return at once here, and return");
        }
        return terminated.await(timeout, unit);
    }

    /** @return true once {@link #shutdown()} or {@link #shutdownNow()} was called */
    public boolean isShutdown() {
        return runState.get() != RUNNING;
    }

    /** @return the dispatcher's name (its threads' name prefix, its MBean's name) */
    public String name() {
        return name;
    }

    /** @return true once every I/O thread has ended */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /**
     * {@link #shutdown()}, then waits for termination, bounded by the shutdown deadline
     * ({@link Builder#shutdownTimeout} after the shutdown began): if a callback or task still runs on an I/O
     * thread at the deadline, it returns then, with the thread reported as {@link #shutdown()} says, and the
     * dispatcher terminates later, when the callback returns ({@link #isTerminated()} tells). Otherwise it
     * returns once the dispatcher has terminated: at the latest the deadline, plus up to 2 s for the packets
     * of operations cancelled at the deadline (native backend), plus up to 1 s for idle threads to leave the
     * closed port. Callbacks on a {@link Builder#workerPool} are not waited for.
     *
     * <p>Called from a callback or task on one of this dispatcher's I/O threads, it starts the shutdown and
     * returns at once: termination needs that very thread to return. An interrupt does not cut the wait
     * short; the thread's interrupt status is kept.
     */
    @Override
    public void close() {
        shutdown();
        if (isIoThread()) {
            return;
        }
        boolean interrupted = false;
        for (;;) {
            try {
                settled.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void startShutdown(Duration deadline) {
        if (!runState.compareAndSet(RUNNING, SHUTTING_DOWN)) {
            return;
        }
        Thread terminator = new Thread(() -> {
            try {
                terminate(deadline);
            } finally {
                settled.countDown(); // close() never waits on a terminator that failed
            }
        }, name + "-shutdown");
        terminator.setDaemon(true);
        terminator.start();
    }

    private void terminate(Duration deadline) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        awaitNoPending(deadlineNanos);
        if (slab.anySubmitted()) {
            boolean nativeHandles = port.backend() == Backend.NATIVE;
            long[] cancelled = new long[1];
            slab.forEachSubmittedOwner(owner -> {
                NativeOverlapped o = (NativeOverlapped) owner;
                BoundHandle h = o.boundTo;
                long address = slab.address(o.slot);
                if (h != null && (nativeHandles ? NativeCancellation.cancel(h.handle(), address)
                        : PortableHandles.cancel(h.handle(), address)) == 0) {
                    cancelled[0]++;
                }
            });
            cancelledAtShutdown = cancelled[0];
            if (cancelled[0] > 0) {
                LOG.info("dispatcher {}: cancelled {} pending operation(s) at the shutdown deadline", name, cancelled[0]);
                awaitNoPending(System.nanoTime() + CANCEL_GRACE_NANOS);
            }
        }
        long pending = slab.submitted();
        if (pending > 0) {
            abandonedAtShutdown = pending;
            LOG.warn("dispatcher {}: {} operation(s) still pending at the shutdown deadline; their OVERLAPPEDs"
                    + " stay allocated", name, pending);
        }
        threads.stop();
        portClosed = true;
        port.close();
        awaitThreads(deadlineNanos, deadline);
        int dropped = tasks.drain(t -> { });
        if (dropped > 0) {
            tasksDroppedAtShutdown = dropped;
            LOG.warn("dispatcher {}: {} queued task(s) never ran: {}", name, dropped,
                    droppingTasks ? "shutdownNow drops queued tasks" : "the shutdown deadline came first");
        }
        slab.close();
        unregisterMBean();
        runState.set(TERMINATED);
        terminated.countDown();
    }

    /**
     * Waits for the I/O threads to leave the closed port. Past the deadline, with one of them still in a
     * callback or task (or any not gone {@link #EXIT_GRACE_NANOS} after the close), it reports them and lets
     * {@link #close()} return, then goes on waiting: the rest of the termination needs them gone.
     */
    private void awaitThreads(long deadlineNanos, Duration deadline) {
        long exitBy = System.nanoTime() + EXIT_GRACE_NANOS;
        try {
            while (threads.liveThreads() > 0) {
                long now = System.nanoTime();
                if (now - deadlineNanos >= 0 && (threads.busyThreads() > 0 || now - exitBy >= 0)) {
                    reportOverdue(deadline);
                    settled.countDown();
                    break;
                }
                Thread.sleep(1);
            }
            threads.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reportOverdue(Duration deadline) {
        StringBuilder where = new StringBuilder();
        int[] alive = new int[1];
        threads.forEachThread(t -> {
            if (!t.isAlive()) {
                return;
            }
            alive[0]++;
            StackTraceElement[] stack = t.getStackTrace();
            where.append("\n  ").append(t.getName()).append(" (").append(t.getState()).append(") at ")
                    .append(stack.length == 0 ? "?" : stack[0]);
            for (StackTraceElement frame : stack) {
                if (!isPlatformFrame(frame.getClassName())) {
                    if (frame != stack[0]) {
                        where.append(", in ").append(frame);
                    }
                    break;
                }
            }
        });
        int busy = threads.busyThreads();
        callbacksRunningAtShutdown = busy;
        LOG.warn("dispatcher {}: {} I/O thread(s) not ended {} after the shutdown began, {} of them running a callback"
                + " or task; close() returns without them and the dispatcher terminates once they end:{}", name,
                alive[0], deadline, busy, where);
    }

    /** Whether a frame is the JDK's (a lock, a sleep): the report looks past them for the code that waits. */
    private static boolean isPlatformFrame(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.");
    }

    private void awaitNoPending(long endNanos) {
        while ((slab.anySubmitted() || !tasks.isEmpty()) && endNanos - System.nanoTime() > 0) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void requireRunning() {
        if (runState.get() != RUNNING) {
            throw new RejectedExecutionException("dispatcher " + name + " is shut down");
        }
    }

    // ---- for NativeOverlapped ----

    /** A submit once the port closed would start an operation no thread ever dispatches, pinning its slot. */
    void requirePortOpen() {
        if (portClosed) {
            throw new RejectedExecutionException("dispatcher " + name + " is shut down and its port closed: an"
                    + " operation submitted now would never complete through it");
        }
    }

    boolean trackingFrees() {
        return trackFrees;
    }

    /** An operation was submitted: make sure a thread will take its packet. */
    void submitted() {
        threads.ensureStarted();
    }

    /** Whether submits record their time (for {@link #outstandingOlderThan}). */
    boolean counting() {
        return counting;
    }

    long coarseNanos() {
        return coarseNanos;
    }

    LeakDetection leakDetection() {
        return leakDetection;
    }

    /** An overlapped was freed by its owner: its pinned bytes and its slot are room for the next post. */
    void freed(long pinnedBytes) {
        backpressure.unpin(pinnedBytes);
    }

    /**
     * The backstop: reclaims the slot of an overlapped that became unreachable unfreed and, unless leak
     * detection is disabled, reports it. Captures nothing that reaches the overlapped.
     */
    Cleaner.Cleanable registerBackstop(NativeOverlapped overlapped, int slot, long generation, long pinnedBytes,
                                       LeakTrace trace) {
        OverlappedSlab s = slab;
        LongAdder counter = leaked;
        String owner = name;
        Backpressure room = backpressure;
        boolean report = leakDetection != LeakDetection.DISABLED;
        return CLEANER.register(overlapped, () -> {
            if (s.release(slot, generation) != -1) {
                return; // freed by its owner, or submitted (then the kernel may still write it: never freed)
            }
            room.unpin(pinnedBytes);
            counter.increment();
            if (!report) {
                return;
            }
            LeakDetection.countReport();
            String where = trace == null ? "" : " (allocated at " + OutstandingOperation.site(trace.allocated) + ")";
            Throwable evidence = trace == null ? null : trace.allocated;
            if (trace != null && trace.lastTouch != null) {
                evidence.addSuppressed(trace.lastTouch);
            }
            if (evidence == null) {
                LOG.error("LEAK: dispatcher {}: a NativeOverlapped (slot {}, generation {}) became unreachable without"
                        + " free(); its slot was reclaimed. Run with -D{}=paranoid to see where it was allocated",
                        owner, slot, generation, LeakDetection.PROPERTY);
            } else {
                LOG.error("LEAK: dispatcher {}: a NativeOverlapped (slot {}, generation {}) became unreachable without"
                        + " free(){}; its slot was reclaimed", owner, slot, generation, where, evidence);
            }
            DispatcherEvents.leak(owner, slot, trace == null ? null : OutstandingOperation.site(trace.allocated));
        });
    }

    /** The wait behind {@link OverloadPolicy.Overload#awaitRoom}. */
    boolean awaitRoom(long nanos) throws InterruptedException {
        return backpressure.awaitRoom(nanos);
    }

    // ---- the I/O threads ----

    private void run() {
        IoThread self = (IoThread) Thread.currentThread();
        IoThreadPool.Activity activity = threads.activityOf(self);
        self.activity = activity;
        try (CompletionBatch batch = CompletionBatch.allocate(batchSize)) {
            self.batch = batch;
            for (;;) {
                int n = port.poll(batch, idleNanos, TimeUnit.NANOSECONDS);
                if (n == 0) {
                    if (threads.tryRetire()) {
                        return;
                    }
                    continue;
                }
                activity.begin(n);
                self.publish(n);
                try {
                    int i;
                    while ((i = self.claim()) >= 0) {
                        dispatch(self, batch.key(i), batch.overlappedAddress(i), batch.errorCode(i), batch.bytesTransferred(i));
                    }
                } catch (VirtualMachineError e) {
                    finishBatch(self, batch, e);
                    throw e; // ends this thread; the pool starts another in its place
                } finally {
                    activity.end();
                    self.awaitMover(); // the batch's memory is reused by the next poll
                }
            }
        } catch (PortClosedException closed) {
            // shutdown: the port closed under this thread
        } catch (IOException | RuntimeException e) {
            LOG.error("dispatcher {}: I/O thread {} stopped", name, Thread.currentThread().getName(), e);
        }
    }

    /**
     * A VM error ends this thread, but not before the rest of its batch ran: those are other operations'
     * completions. They run here rather than being handed over, which allocates, and the error may be an
     * OutOfMemoryError. More VM errors among them are counted and logged by {@link #failed} and do not stop
     * the drain; if one of them stalls, the gate thread hands the rest over as for any thread.
     */
    private void finishBatch(IoThread self, CompletionBatch batch, VirtualMachineError cause) {
        int i;
        while ((i = self.claim()) >= 0) {
            try {
                dispatch(self, batch.key(i), batch.overlappedAddress(i), batch.errorCode(i), batch.bytesTransferred(i));
            } catch (VirtualMachineError again) {
                // counted and logged where it was caught first; the first error is the one that ends the thread
            }
        }
        if (!tasks.isEmpty()) {
            wakeForTasks(); // a task's error cut its drain short: the tasks it left need a wake-up
        }
        try {
            LOG.error("dispatcher {}: I/O thread {} ends on {} after running the rest of its batch; another takes"
                    + " its place", name, self.getName(), cause.toString());
        } catch (VirtualMachineError again) {
            // no memory even to log: the error still ends the thread, and the pool still replaces it
        }
    }

    private void dispatch(IoThread self, long key, long address, int errorCode, int bytes) {
        if (address == 0 && key == KEY_DEFERRED) {
            Deferred d = deferred.poll();
            if (d != null) {
                dispatch(self, d.key, d.address, d.errorCode, d.bytes);
            }
            return;
        }
        if (address == 0 && key == KEY_TASKS) {
            runTasks();
            return;
        }
        int slot = slab.slotOf(address);
        if (slot < 0) {
            foreignPackets.increment();
            long held = droppedLog.tryAcquire();
            if (held >= 0) {
                LOG.warn("dispatcher {}: dropped a packet for OVERLAPPED 0x{} (key 0x{}), which it never handed out"
                        + " ({} more dropped packets not logged since the last line; foreignPacketsDropped() counts"
                        + " them all)", name, Long.toHexString(address), Long.toHexString(key), held);
            }
            return;
        }
        long generation = OverlappedSlab.generationOf(slab.word(slot));
        boolean posted = key < 0;
        if ((posted && (key & ~KEY_POSTED) != generation)
                || !slab.transition(slot, generation, OverlappedSlab.SUBMITTED, OverlappedSlab.COMPLETED)) {
            stalePackets.increment();
            long held = droppedLog.tryAcquire();
            if (held >= 0) {
                LOG.warn("dispatcher {}: dropped a stale packet for slot {} (key 0x{}): its operation is not the"
                        + " slot's current submitted one ({} more dropped packets not logged since the last line;"
                        + " stalePacketsDropped() counts them all)", name, slot, Long.toHexString(key), held);
            }
            return;
        }
        if (posted && counting) {
            self.activity.postedPacket(); // the post's count: a store to this thread's own line
        }
        // Set by submit() before the slot became SUBMITTED, so visible since the CAS above. A single-use
        // overlapped lets go of it now (a leaked one stays collectable); a reusable one keeps it, since
        // its owner may already be submitting it again.
        NativeOverlapped overlapped = (NativeOverlapped) slab.owner(slot);
        if (!overlapped.reusable()) {
            slab.clearOwner(slot, overlapped);
        }
        if (workers == null || !handOff(overlapped, errorCode, bytes)) {
            runCallback(overlapped, errorCode, bytes);
        }
    }

    /**
     * The packet-less completion of {@link NativeOverlapped#completedSynchronously}: the same transition
     * and callback as a dequeued packet, on the calling thread.
     */
    void completeInline(NativeOverlapped overlapped, int errorCode, int bytes) {
        if (!slab.transition(overlapped.slot, overlapped.generation, OverlappedSlab.SUBMITTED, OverlappedSlab.COMPLETED)) {
            throw new IllegalStateException("completedSynchronously of an overlapped that is " + overlapped.status());
        }
        if (!overlapped.reusable()) {
            slab.clearOwner(overlapped.slot, overlapped);
        }
        runCallback(overlapped, errorCode, bytes);
    }

    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            failed("task " + task, t);
        }
    }

    private void runCallback(NativeOverlapped overlapped, int errorCode, int bytes) {
        try {
            overlapped.callback.completed(errorCode, bytes, overlapped);
        } catch (Throwable t) {
            failed("callback of " + overlapped, t);
        }
    }

    /** Gives user code to the worker pool; false if the pool refused it (then it runs here: nothing is lost). */
    private boolean handOff(Runnable task) {
        return handOff0(() -> runTask(task));
    }

    private boolean handOff(NativeOverlapped overlapped, int errorCode, int bytes) {
        return handOff0(() -> runCallback(overlapped, errorCode, bytes));
    }

    private boolean handOff0(Runnable work) {
        try {
            workers.execute(work);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.warn("dispatcher {}: the worker pool refused a callback; running it on the I/O thread", name);
            return false;
        }
    }

    private void failed(String what, Throwable t) {
        callbackFailures.increment();
        LOG.error("dispatcher {}: {} threw", name, what, t);
        if (t instanceof VirtualMachineError) {
            throw (VirtualMachineError) t;
        }
    }

    /**
     * Gate thread, every {@link #STALL_NANOS} while a thread is busy: hands the rest of stalled batches to
     * free threads, and posts the task queue's wake-up if tasks wait without one (lost to a failed post,
     * or taken by a thread now stuck in a long task: a free thread then drains beside it).
     */
    private void onStallCheck() {
        unstick();
        if (!tasks.isEmpty()) {
            wakeForTasks();
        }
    }

    /**
     * A thread that claimed nothing since the last look gives up its batch's rest: its callback blocks, or
     * has run for longer than {@link #STALL_NANOS}.
     */
    private void unstick() {
        threads.forEachThread(t -> {
            IoThread io = (IoThread) t;
            long cursor = io.cursor;
            if (cursor == io.cursorSeen && IoThread.unclaimed(cursor) > 0) {
                moveRest(io);
            }
            io.cursorSeen = cursor;
        });
    }

    /**
     * Moves the unclaimed rest of {@code io}'s batch to the deferred queue and posts one packet per entry,
     * so other threads run them. Any thread may call it; the owner waits for the copy before reusing the
     * batch. Allocates, but only when a thread blocks or stalls.
     */
    private void moveRest(IoThread io) {
        int moved = 0;
        io.moving = true;
        try {
            long cursor = io.cursor;
            int from = IoThread.next(cursor);
            int end = IoThread.size(cursor);
            if (from >= end || !IoThread.CURSOR.compareAndSet(io, cursor, IoThread.cursor(end, end))) {
                return;
            }
            CompletionBatch batch = io.batch;
            for (int i = from; i < end; i++) {
                long key = batch.key(i);
                long address = batch.overlappedAddress(i);
                // A deferred packet moved again is only re-posted: its entry is still in the queue.
                if (address != 0 || key != KEY_DEFERRED) {
                    deferred.add(new Deferred(key, address, batch.errorCode(i), batch.bytesTransferred(i)));
                }
            }
            moved = end - from;
        } finally {
            io.moving = false;
        }
        for (int i = 0; i < moved; i++) {
            try {
                port.post(KEY_DEFERRED, 0, 0);
            } catch (IOException e) {
                LOG.error("dispatcher {}: could not post a deferred packet; it waits for the next one", name, e);
                return;
            }
        }
        deferredEntries.add(moved);
    }

    /** One entry of a batch, moved to another thread. */
    private static final class Deferred {
        final long key;
        final long address;
        final int errorCode;
        final int bytes;

        Deferred(long key, long address, int errorCode, int bytes) {
            this.key = key;
            this.address = address;
            this.errorCode = errorCode;
            this.bytes = bytes;
        }
    }

    /**
     * An I/O thread: knows its dispatcher (for {@link IoDispatcher#blocking}) and publishes how far it got
     * through its batch in one word, {@code size << 32 | next}, so the gate thread can take the rest of a
     * batch whose thread blocked. The owner claims each entry with a CAS on that word; a mover claims all
     * the rest with one.
     */
    private static final class IoThread extends Thread {
        static final java.lang.invoke.VarHandle CURSOR;

        static {
            try {
                CURSOR = java.lang.invoke.MethodHandles.lookup().findVarHandle(IoThread.class, "cursor", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final IoDispatcher dispatcher;
        CompletionBatch batch;
        IoThreadPool.Activity activity;
        volatile long cursor;
        volatile boolean moving;
        long cursorSeen; // gate thread only

        static long cursor(int size, int next) {
            return (long) size << 32 | next;
        }

        static int size(long cursor) {
            return (int) (cursor >>> 32);
        }

        static int next(long cursor) {
            return (int) cursor;
        }

        static int unclaimed(long cursor) {
            return size(cursor) - next(cursor);
        }

        void publish(int size) {
            cursor = cursor(size, 0);
        }

        /** The next entry to dispatch, or -1 when the batch is done (or its rest was moved away). */
        int claim() {
            for (;;) {
                long c = cursor;
                int next = next(c);
                if (next >= size(c)) {
                    return -1;
                }
                if (CURSOR.compareAndSet(this, c, c + 1)) {
                    return next;
                }
            }
        }

        void awaitMover() {
            while (moving) {
                Thread.onSpinWait();
            }
        }

        IoThread(IoDispatcher dispatcher, String name, Runnable body) {
            super(body, name);
            this.dispatcher = dispatcher;
            setDaemon(true);
        }
    }

    /** Settings of an {@link IoDispatcher}. */
    public static final class Builder {
        private String name;
        private int concurrency;
        private int minThreads = -1;
        private int maxThreads;
        private Duration injectionInterval = Duration.ofMillis(500);
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
         * Turns the always-on counters off ({@link #postedPackets()}, the submit times behind
         * {@link #outstandingOlderThan}): only to measure what they cost. Dequeue counts and drop counts stay.
         *
         * @param on false to stop counting
         * @return this
         */
        public Builder counters(boolean on) {
            this.counters = on;
            return this;
        }

        /**
         * @param on whether to register the {@link IoDispatcherMXBean} (default true)
         * @return this
         */
        public Builder jmx(boolean on) {
            this.jmx = on;
            return this;
        }

        /**
         * What a post does at a bound ({@link #capacity}, {@link #maxPinnedBytes}).
         *
         * @param policy the policy (default {@link OverloadPolicy#failFast()})
         * @return this
         */
        public Builder overloadPolicy(OverloadPolicy policy) {
            this.overloadPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Bounds the bytes of direct buffers held by operations allocated and not yet freed: the memory a
         * flood of outstanding I/O pins (and, on Windows, the nonpaged pool it locks while pending).
         *
         * @param bytes at least 1 (default: no bound)
         * @return this
         */
        public Builder maxPinnedBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxPinnedBytes must be >= 1: " + bytes);
            }
            this.maxPinnedBytes = bytes;
            return this;
        }

        /**
         * Logs {@link #stats()} at INFO through SLF4J at this interval (rounded up to the gate thread's
         * injection interval), from the dispatcher's gate thread.
         *
         * @param interval the period, or null for no report (the default)
         * @return this
         */
        public Builder reportInterval(Duration interval) {
            if (interval != null && (interval.isNegative() || interval.isZero())) {
                throw new IllegalArgumentException("interval must be positive: " + interval);
            }
            this.reportInterval = interval;
            return this;
        }

        /**
         * @param name prefix of the thread names
         * @return this
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param concurrency the port's concurrency, 0 (the default) for the number of processors
         * @return this
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 0) {
                throw new IllegalArgumentException("concurrency must be >= 0: " + concurrency);
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * A fixed number of I/O threads: minimum and maximum both {@code threads}.
         *
         * @param threads at least 1
         * @return this
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1: " + threads);
            }
            this.minThreads = threads;
            this.maxThreads = threads;
            return this;
        }

        /**
         * @param min threads started at once when work arrives and kept when idle (default: the port's
         *            concurrency); 0 keeps one thread only while there is work
         * @return this
         */
        public Builder minThreads(int min) {
            if (min < 0) {
                throw new IllegalArgumentException("minThreads must be >= 0: " + min);
            }
            this.minThreads = min;
            return this;
        }

        /**
         * @param max threads never exceeded (default 250 per processor)
         * @return this
         */
        public Builder maxThreads(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxThreads must be >= 1: " + max);
            }
            this.maxThreads = max;
            return this;
        }

        /**
         * @param interval how often the gate thread may inject a thread when work starves (default 500 ms)
         * @return this
         */
        public Builder injectionInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("interval must be positive: " + interval);
            }
            this.injectionInterval = interval;
            return this;
        }

        /**
         * @param timeout how long a thread above the minimum may sit idle before it retires (default 10 s)
         * @return this
         */
        public Builder idleTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /**
         * The most OVERLAPPEDs in use at once, and the most tasks queued at once (the task queue is
         * bounded separately, with the same number: a running task has left it).
         *
         * @param capacity 1 to 2<sup>24</sup> (default 65536)
         * @return this
         */
        public Builder capacity(int capacity) {
            if (capacity < 1 || capacity > 1 << 24) {
                throw new IllegalArgumentException("capacity must be between 1 and 2^24: " + capacity);
            }
            this.capacity = capacity;
            return this;
        }

        /**
         * @param batchSize the most packets an I/O thread dequeues at once
         * @return this
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > CompletionBatch.MAX_CAPACITY) {
                throw new IllegalArgumentException("batchSize out of range: " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param track whether a second free says where the first happened (costs a stack trace per free)
         * @return this
         */
        public Builder trackFrees(boolean track) {
            this.trackFrees = track;
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
        public Builder workerPool(Executor workers) {
            this.workers = workers;
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
        public Builder shutdownTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be >= 0: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * Creates the dispatcher: opens its port; I/O threads start when work arrives.
         *
         * @return the dispatcher
         * @throws IOException if the port cannot be opened
         */
        public IoDispatcher build() throws IOException {
            if (minThreads > 0 && maxThreads > 0 && maxThreads < minThreads) {
                throw new IllegalArgumentException("maxThreads " + maxThreads + " < minThreads " + minThreads);
            }
            return new IoDispatcher(this);
        }
    }
}
