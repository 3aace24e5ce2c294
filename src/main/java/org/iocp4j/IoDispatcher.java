package org.iocp4j;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.iocp4j.internal.Errors;
import org.iocp4j.internal.Win32Layout;
import org.iocp4j.internal.dispatch.Backpressure;
import org.iocp4j.internal.dispatch.BatchHandOver;
import org.iocp4j.internal.dispatch.CallbackRunner;
import org.iocp4j.internal.dispatch.CoarseClock;
import org.iocp4j.internal.dispatch.DispatcherConfig;
import org.iocp4j.internal.dispatch.DispatcherCounters;
import org.iocp4j.internal.dispatch.DispatcherSnapshots;
import org.iocp4j.internal.dispatch.IoLoop;
import org.iocp4j.internal.dispatch.IoThreadPool;
import org.iocp4j.internal.dispatch.JmxRegistration;
import org.iocp4j.internal.dispatch.Lifecycle;
import org.iocp4j.internal.dispatch.OverlappedPool;
import org.iocp4j.internal.dispatch.OverlappedSlab;
import org.iocp4j.internal.dispatch.PacketKey;
import org.iocp4j.internal.dispatch.PacketRouter;
import org.iocp4j.internal.dispatch.PeriodicReport;
import org.iocp4j.internal.dispatch.TaskDrain;
import org.iocp4j.internal.dispatch.Termination;
import org.iocp4j.internal.portable.PortableCompletionPort;

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
 * alone, whatever the {@link DispatcherBuilder#batchSize}.
 *
 * <p>Besides I/O, the port carries posted work: {@link #postCompletion} (the analogue of
 * {@code ThreadPool.UnsafeQueueNativeOverlapped}) and {@link #execute} (of {@code QueueUserWorkItem}).
 *
 * <p>Threads follow the CLR's policy: none until work arrives, then at once up to
 * {@link DispatcherBuilder#minThreads}; past it a gate thread injects one thread per
 * {@link DispatcherBuilder#injectionInterval} while every thread is busy and nothing completes; never more
 * than {@link DispatcherBuilder#maxThreads}; a thread idle for {@link DispatcherBuilder#idleTimeout} retires
 * down to the minimum.
 * A callback about to block says so with {@link #blocking}. Completion keys with the top bit set are
 * reserved for the dispatcher.
 */
public final class IoDispatcher implements Executor, AutoCloseable {

    private final String name;
    private final Duration shutdownTimeout;
    private final CompletionPort port;
    private final Lifecycle lifecycle;
    private final DispatcherCounters counters;
    private final Backpressure backpressure;
    /** The OVERLAPPEDs and their operations' lives: what {@link NativeOverlapped} talks to. */
    private final OverlappedPool pool;
    /** Plain tasks ({@link #execute}): queued there, with one wake-up packet through the port per drain. */
    private final TaskDrain tasks;
    private final IoLoop loop;
    private final IoThreadPool threads;
    private final DispatcherSnapshots snapshots;
    private final Termination termination;
    private final AtomicLong nextKey = new AtomicLong();

    /** Wires the engine ({@code org.iocp4j.internal.dispatch}) and opens the port; threads start with work. */
    IoDispatcher(DispatcherConfig config) throws IOException {
        this.name = config.name();
        this.shutdownTimeout = config.shutdownTimeout();
        this.port = CompletionPort.open(config.concurrency());
        this.lifecycle = new Lifecycle(name);
        this.counters = new DispatcherCounters();
        OverloadPolicy policy = config.overloadPolicy();
        this.backpressure = new Backpressure(config,
                (bound, retry) -> OverloadPolicy.Overload.run(this, policy, bound, retry));
        OverlappedSlab slab = new OverlappedSlab(config.capacity());
        CallbackRunner runner = new CallbackRunner(config, counters, NativeOverlapped.ACCESS);
        this.tasks = new TaskDrain(config, port, lifecycle, backpressure, runner, counters);
        BatchHandOver handOver = new BatchHandOver(config, port, counters);
        PacketRouter router = new PacketRouter(config, slab, handOver, tasks, runner, counters,
                NativeOverlapped.ACCESS);
        CoarseClock clock = new CoarseClock();
        this.loop = new IoLoop(config, port, slab, router, handOver, tasks, clock,
                new PeriodicReport(config, this::stats));
        this.threads = new IoThreadPool(config, port.concurrency(), loop);
        if (port instanceof PortableCompletionPort) {
            // Its threads start with work, after the first sockets may have waited: say how many will come,
            // so the sockets are spread over that many selectors from the first (PortableSockets.deal).
            ((PortableCompletionPort) port).expectThreads(
                    Math.min(config.minThreads(port.concurrency()), port.concurrency()));
        }
        this.pool = new OverlappedPool(config, slab, backpressure, lifecycle, clock, runner, threads, counters);
        this.snapshots = new DispatcherSnapshots(config, port, slab, tasks, backpressure, threads, counters,
                NativeOverlapped.ACCESS);
        JmxRegistration jmx = config.jmx() ? JmxRegistration.register(name, new DispatcherMBean(this))
                : JmxRegistration.NONE;
        this.termination = new Termination(config, lifecycle, port, slab, tasks, threads, counters,
                NativeOverlapped.ACCESS, jmx);
        threads.start(); // the gate thread, once every field its ticks read is set
    }

    /**
     * A builder with the defaults: concurrency and minimum threads = number of processors, maximum 250
     * per processor, one injection per 500 ms at most, retirement after 10 s idle, 65,536 OVERLAPPEDs,
     * batches of 64, frees tracked if {@code -Diocp4j.trackFrees=true}, 30 s for pending operations at
     * shutdown.
     *
     * @return a builder
     */
    public static DispatcherBuilder builder() {
        return new DispatcherBuilder();
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
        lifecycle.requireRunning();
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
        long bytes = OverlappedPool.pinnedBy(buffers);
        int slot = pool.acquire(callback, bytes);
        return new NativeOverlapped(pool, slot, callback, state, buffers.clone(), bytes);
    }

    /** {@link #allocate} for {@code internal.OwnedOverlappeds}: unwatched by the leak backstop, the array kept. */
    NativeOverlapped allocateOwned(IoCallback callback, Object state, ByteBuffer[] buffers) {
        long bytes = OverlappedPool.pinnedBy(buffers);
        int slot = pool.acquire(callback, bytes);
        return new NativeOverlapped(pool, slot, callback, state, buffers, bytes, false);
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
                future.completeExceptionally(Errors.iocpException("overlapped operation", errorCode));
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
        long bytes = OverlappedPool.pinnedBy(buffers);
        int slot = pool.acquire(callback, bytes);
        return new PreAllocatedOverlapped(pool, slot, callback, state, buffers.clone(), bytes);
    }

    /**
     * Queues a completion for an overlapped, as if its operation had completed with
     * {@code bytesTransferred} bytes (.NET's {@code UnsafeQueueNativeOverlapped}). The overlapped is
     * submitted by this call; its callback runs on an I/O thread with error code 0, exactly once, as a
     * packet's would. It rides the dispatcher's queue beside {@link #execute}'s tasks rather than a packet
     * of its own: the port carries one wake-up per drain, and none while a drain runs (see
     * {@code docs/architecture.md}). {@link #shutdownNow()} still runs queued posts.
     *
     * @param overlapped       an allocated (or completed, if pre-allocated) overlapped of this dispatcher
     * @param bytesTransferred the byte count the callback sees
     * @throws IllegalArgumentException   if the overlapped belongs to another dispatcher
     * @throws IllegalStateException      if it cannot be submitted (already submitted, or freed)
     * @throws RejectedExecutionException if the dispatcher is shut down
     * @throws IOException                if the port refuses the packet
     */
    public void postCompletion(NativeOverlapped overlapped, int bytesTransferred) throws IOException {
        if (overlapped.pool != pool) {
            throw new IllegalArgumentException("the overlapped belongs to dispatcher " + overlapped.pool.name());
        }
        lifecycle.requireRunning();
        long address = overlapped.submit(); // starts the threads if none run yet
        pool.markPosted(overlapped.slot); // counted when dispatched; in flight, found by stats' scan
        // The byte count waits where Windows keeps a completion's: InternalHigh, on the line of the slot's
        // word that the submit just wrote and the I/O thread reads next, so it travels for free.
        pool.setOverlappedLong(overlapped.slot, Win32Layout.OVERLAPPED_INTERNAL_HIGH,
                Integer.toUnsignedLong(bytesTransferred));
        if (tasks.offerPosted(overlapped)) {
            return;
        }
        try {
            port.post(PacketKey.posted(overlapped.generation), bytesTransferred, address);
        } catch (IOException | RuntimeException e) {
            overlapped.abortSubmit();
            throw e;
        }
    }

    /**
     * Runs a task on an I/O thread (.NET's {@code QueueUserWorkItem}). Tasks wait in the dispatcher's own
     * bounded queue ({@link DispatcherBuilder#capacity} of them at most), and ride the port as wake-ups: one packet
     * when no I/O thread is already on its way to the queue, so a task costs no kernel call and no
     * OVERLAPPED, the port's concurrency limit still governs the threads that run them, and I/O completions
     * queued meanwhile are not starved (a thread runs at most {@link DispatcherBuilder#batchSize} tasks before it goes
     * back to the port). See {@code docs/architecture.md}.
     *
     * @param task the task
     * @throws RejectedExecutionException if the dispatcher is shut down or its task queue is full after the
     *                                    overload policy ran
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        lifecycle.requireRunning();
        tasks.offer(task);
        threads.ensureStarted();
        tasks.wake();
    }

    /**
     * The state object of the operation whose OVERLAPPED is at {@code address} (.NET's
     * {@code GetNativeOverlappedState}).
     *
     * @param address an OVERLAPPED address
     * @return its state, or null if the address is not an allocated overlapped of this dispatcher
     */
    public Object stateOf(long address) {
        return pool.stateOf(address);
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
        IoLoop loop = IoLoop.current();
        return loop == null ? action.run() : loop.blocking(action);
    }

    /**
     * Whether the calling thread is one of this dispatcher's I/O threads (where a callback runs). Code
     * that would wait for this dispatcher's own packets must not wait here: the packet may need this very
     * thread.
     *
     * @return true on this dispatcher's I/O threads
     */
    public boolean isIoThread() {
        return IoLoop.current() == loop;
    }


    // ---- counters ----

    /** @return callbacks and tasks that threw */
    public long callbackFailures() {
        return counters.callbackFailures();
    }

    /** @return packets for an overlapped of this slab that was not submitted at that generation */
    public long stalePacketsDropped() {
        return counters.stalePackets();
    }

    /** @return packets whose OVERLAPPED address this dispatcher never handed out */
    public long foreignPacketsDropped() {
        return counters.foreignPackets();
    }

    /**
     * Completions this dispatcher posted: {@link #postCompletion}'s (which ride the task queue, not a
     * packet each), counted by the I/O thread that dispatches each (so the posting thread counts nothing)
     * plus those in flight (a scan of the slab, as in {@link #stats()}), and the task queue's wake-up
     * packets. Exact whenever no post is between its submit and its queueing; packets with the
     * dispatcher's key posted through {@link #port()} directly count too.
     *
     * @return the count
     */
    public long postedPackets() {
        return snapshots.postedPackets();
    }

    /**
     * @return packets its I/O threads dequeued from the port: I/O completions, the task queue's wake-ups,
     *         and packets posted through {@link #port()} (not {@link #postCompletion}'s, which ride the queue)
     */
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
        return snapshots.stats();
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
    public List<OutstandingOperation> outstandingOlderThan(Duration age) {
        return snapshots.outstandingOlderThan(age);
    }

    /** @return overlapped objects that became unreachable without being freed (reported by the Cleaner) */
    public long leakedOverlapped() {
        return counters.leaked();
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
        return counters.deferredEntries();
    }

    /** @return operations submitted whose packets have not arrived, plus tasks queued and not yet started */
    public long pendingOperations() {
        return snapshots.pendingOperations();
    }

    /** @return tasks {@link #execute} accepted so far */
    public long queuedTasks() {
        return tasks.offered();
    }

    /** @return wake-up packets posted for the task queue (included in {@link #postedPackets()}) */
    public long taskWakeups() {
        return counters.taskWakeups();
    }

    /** @return tasks still queued when shutdown ended the I/O threads: never run (and logged) */
    public long tasksDroppedAtShutdown() {
        return counters.tasksDroppedAtShutdown();
    }

    /** @return operations on bound handles that shutdown cancelled ({@code CancelIoEx}) at its deadline */
    public long cancelledAtShutdown() {
        return counters.cancelledAtShutdown();
    }

    /** @return operations still pending after shutdown's deadline and cancellation: never freed */
    public long abandonedAtShutdown() {
        return counters.abandonedAtShutdown();
    }

    /**
     * I/O threads still running a callback or task when the shutdown deadline passed (each named in a WARN
     * with where it was): {@link #close()} returned without them, and the dispatcher terminated, or will,
     * once they return. Callbacks on a {@link DispatcherBuilder#workerPool} are not counted: the dispatcher never waits
     * for them.
     *
     * @return the count, 0 if the shutdown ended in time (or has not reached its deadline)
     */
    public long callbacksRunningAtShutdown() {
        return counters.callbacksRunningAtShutdown();
    }


    // ---- shutdown ----

    /**
     * Stops accepting work and lets pending operations and queued tasks finish, for up to
     * {@link DispatcherBuilder#shutdownTimeout} from this call (the deadline). Then it cancels ({@code CancelIoEx}) the
     * operations still pending on bound handles and gives their packets (error 995) up to 2 s to come back
     * through their callbacks; then the port closes (from then {@link NativeOverlapped#submit()} is refused),
     * operations still pending are reported ({@link #abandonedAtShutdown()}: their OVERLAPPEDs are never
     * freed, since the kernel may still write them), and each I/O thread ends as soon as it returns from the
     * callback or task it runs. One still running one at the deadline is reported: a WARN names its thread and
     * where it is, {@link #callbacksRunningAtShutdown()} counts it, and the dispatcher terminates when it
     * returns. Returns at once, from any thread (a callback or task included).
     */
    public void shutdown() {
        termination.start(shutdownTimeout);
    }

    /**
     * Like {@link #shutdown()}, without waiting for pending operations, and queued tasks are not run: a
     * task running now finishes, the rest are counted in {@link #tasksDroppedAtShutdown()}. Queued posted
     * completions ({@link #postCompletion}) still run: they are operations, each owed its callback, and the
     * port stays open for them up to 2 seconds (a callback in their way may hold them up that long).
     */
    public void shutdownNow() {
        if (!lifecycle.isShutdown()) {
            tasks.dropQueued();
        }
        termination.start(Duration.ZERO);
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
        return lifecycle.awaitTermination(timeout, unit);
    }

    /** @return true once {@link #shutdown()} or {@link #shutdownNow()} was called */
    public boolean isShutdown() {
        return lifecycle.isShutdown();
    }

    /** @return the dispatcher's name (its threads' name prefix, its MBean's name) */
    public String name() {
        return name;
    }

    /** @return true once every I/O thread has ended */
    public boolean isTerminated() {
        return lifecycle.isTerminated();
    }

    /**
     * {@link #shutdown()}, then waits for termination, bounded by the shutdown deadline
     * ({@link DispatcherBuilder#shutdownTimeout} after the shutdown began): if a callback or task still runs on an I/O
     * thread at the deadline, it returns then, with the thread reported as {@link #shutdown()} says, and the
     * dispatcher terminates later, when the callback returns ({@link #isTerminated()} tells). Otherwise it
     * returns once the dispatcher has terminated: at the latest the deadline, plus up to 2 s for the packets
     * of operations cancelled at the deadline (native backend), plus up to 1 s for idle threads to leave the
     * closed port. Callbacks on a {@link DispatcherBuilder#workerPool} are not waited for.
     *
     * <p>Called from a callback or task on one of this dispatcher's I/O threads, it starts the shutdown and
     * returns at once: termination needs that very thread to return. An interrupt does not cut the wait
     * short; the thread's interrupt status is kept.
     */
    @Override
    public void close() {
        shutdown();
        if (!isIoThread()) {
            lifecycle.awaitSettled();
        }
    }

    /** The wait behind {@link OverloadPolicy.Overload#awaitRoom}. */
    boolean awaitRoom(long nanos) throws InterruptedException {
        return backpressure.awaitRoom(nanos);
    }
}
