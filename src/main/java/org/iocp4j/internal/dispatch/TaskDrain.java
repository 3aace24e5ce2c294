package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.CompletionPort;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.OverloadPolicy;
import org.iocp4j.PortClosedException;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.concurrent.MpmcTaskQueue;

/**
 * A dispatcher's plain tasks ({@code execute}) and posted completions ({@code postCompletion}): each kind
 * queued in a bounded {@link MpmcTaskQueue} of its own, with one wake-up packet through the port per drain
 * for both, and drained by the I/O thread that dequeues the wake-up, a batch at a time, the two kinds in
 * turn. See {@code docs/architecture.md}, "Tasks: a queue, and the port as its doorbell".
 */
public final class TaskDrain {

    /**
     * How long a drain of the task queue runs alone before it calls another thread in while tasks are left.
     * Not at once: with tasks of nanoseconds, a second drainer only competes with the posting thread for
     * the CPUs ({@code DispatcherBenchmark}'s task rows); with tasks of milliseconds, the helper comes
     * after the first.
     */
    private static final long HELP_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    /**
     * How many times a drain that found both queues empty looks again before it gives the wake-up back:
     * while it holds it, producers post no packet and wake no thread, and a producer in a stream offers
     * again within these turns.
     */
    private static final int SPINS = 64;
    /**
     * A wake-up packet's byte count: the claim ({@link MpmcTaskQueue#claimWake}), held by its drain until
     * the queues are empty; a helper's drain runs beside it and leaves the claim alone (had it given the
     * claim back, every offer would post a packet while the holder still drains).
     */
    static final int CLAIM = 1;
    /** A wake-up packet's byte count: a helper, called in by a long drain, a blocking thread or the gate. */
    static final int HELPER = 0;

    private final String name;
    private final CompletionPort port;
    /** The port's keep ({@link Platform.Port#keepNextPost}); null for a foreign port. */
    private final Platform.Port releases;
    private final MpmcTaskQueue<Runnable> queue;
    /**
     * Posted overlappeds waiting for their callbacks. Apart from the tasks so the tasks' counts and bound
     * stay theirs; bounded by the slab's capacity, since each holds a slot, so an offer never finds it full.
     */
    private final MpmcTaskQueue<NativeOverlapped> posted;
    private final int batchSize;
    private final Lifecycle lifecycle;
    private final Backpressure backpressure;
    private final CallbackRunner runner;
    private final DispatcherCounters counters;
    /** Set by {@code shutdownNow()}: queued tasks are dropped (and counted), not run. */
    private volatile boolean dropping;
    /**
     * Helper wake-ups posted and not yet dequeued: the gate thread posts one only when none is on its way,
     * so a drain stuck for long does not pile a packet per look into the port.
     */
    private final AtomicInteger helpersOnTheirWay = new AtomicInteger();
    /**
     * Wake-ups of either kind posted and not yet dequeued: a port holding only these holds nothing a drain
     * should let run first, since each of them only starts another drain of these same queues.
     */
    private final AtomicInteger wakeupsQueued = new AtomicInteger();
    /** Items taken off both queues at the gate thread's last look (gate thread only). */
    private long takenAtLastLook = -1;

    /**
     * @param config       the dispatcher's settings (its name, capacity and batch size)
     * @param port         carries the wake-ups
     * @param lifecycle    whether tasks are still accepted
     * @param backpressure the overload policy, when the queue is full
     * @param runner       where tasks run
     * @param counters     where wake-ups are counted
     */
    public TaskDrain(DispatcherConfig config, CompletionPort port, Lifecycle lifecycle, Backpressure backpressure,
                     CallbackRunner runner, DispatcherCounters counters) {
        this.name = config.name();
        this.port = port;
        this.releases = port instanceof Platform.Port ? (Platform.Port) port : null;
        this.queue = new MpmcTaskQueue<>(config.capacity());
        this.posted = new MpmcTaskQueue<>(config.capacity());
        this.batchSize = config.batchSize();
        this.lifecycle = lifecycle;
        this.backpressure = backpressure;
        this.runner = runner;
        this.counters = counters;
    }

    /**
     * Queues a task, running the overload policy while the queue is full.
     *
     * @throws RejectedExecutionException if the queue stays full, or the dispatcher shut down meanwhile
     */
    public void offer(Runnable task) {
        if (!queue.offer(task)
                && backpressure.overloaded(OverloadPolicy.Bound.OPERATIONS, () -> queue.offer(task) ? 0 : -1) < 0) {
            lifecycle.requireRunning();
            throw new RejectedExecutionException("dispatcher " + name + ": all " + queue.bound()
                    + " places of its task queue are taken (DispatcherBuilder.capacity, DispatcherBuilder.overloadPolicy)");
        }
    }

    /**
     * Queues a submitted overlapped for its callback ({@code postCompletion}) and makes sure a wake-up is
     * on its way (none is posted while a drain runs: the drain takes it).
     *
     * @return false if the queue is full (nothing was queued; the caller posts a packet instead)
     */
    public boolean offerPosted(NativeOverlapped overlapped) {
        if (!posted.offer(overlapped)) {
            return false;
        }
        wake();
        return true;
    }

    /**
     * Posts the task queue's wake-up packet unless one is already on its way or a drain runs (then this
     * is one read). A failed post gives the claim back: the next task, or the gate thread's next tick,
     * posts again, and the queued work waits for it, lost by nobody.
     */
    public void wake() {
        if (queue.claimWake()) {
            post(CLAIM, false);
        }
    }

    /**
     * The calling I/O thread is about to block ({@code blocking}) or its task's error ends its drain: if
     * work is queued, another thread is called in for it at once, whether or not this one holds the
     * wake-up.
     */
    void callHelp() {
        if (hasWork()) {
            post(HELPER, false);
        }
    }

    /**
     * The gate thread's look: work queued with no wake-up claimed gets one, and so does work whose drain
     * took nothing since the last look (its drainer is stuck in a long task while holding the wake-up).
     */
    void lookForStall() {
        long taken = queue.taken() + posted.taken();
        if (hasWork()) {
            if (queue.claimWake()) {
                post(CLAIM, false);
            } else if (taken == takenAtLastLook && helpersOnTheirWay.get() == 0) {
                post(HELPER, false);
            }
        }
        takenAtLastLook = taken;
    }

    /**
     * Posts a wake-up packet: the {@link #CLAIM} (whose drain gives the queue's wake-up back at its end) or
     * a {@link #HELPER} (whose drain leaves it alone). With {@code keep}, this thread's next poll takes it
     * itself (a drain's batch ended with work left) unless it finds other packets first. A claim that
     * could not be posted goes back.
     */
    private void post(int kind, boolean keep) {
        if (keep && releases != null) {
            releases.keepNextPost();
        }
        if (kind == HELPER) {
            helpersOnTheirWay.incrementAndGet();
        }
        wakeupsQueued.incrementAndGet();
        try {
            port.post(PacketKey.TASKS_KEY, kind, 0);
            counters.taskWakeup();
        } catch (IOException | RuntimeException e) {
            wakeupsQueued.decrementAndGet();
            if (kind == CLAIM) {
                queue.wakeFailed();
            } else {
                helpersOnTheirWay.decrementAndGet();
            }
            if (!(e instanceof PortClosedException)) {
                LOG.error("dispatcher {}: could not post the task queue's wake-up; the gate thread retries", name, e);
            }
        }
    }

    /**
     * The wake-up packet arrived: runs queued tasks and posted completions, at most a batch of them, so
     * packets queued in the port meanwhile get their turn; the two queues take turns, so neither starves
     * the other.
     *
     * <p>The drain of the {@link #CLAIM} holds the queue's wake-up for as long as it runs: work offered
     * meanwhile posts no packet (and wakes no thread), the drain takes it. Out of work, it looks again for
     * {@link #SPINS} turns, then gives the wake-up back and looks once more: a Dekker pair with
     * {@link #wake}, so either the producer posts or the drain sees its work. At the end of its batch with
     * work left it posts its packet again, kept for its own next poll, behind the packets the port holds;
     * where the port can tell (the portable one) that it holds nothing but these queues' own wake-ups, and
     * the thread's own batch has nothing left either, the drain runs its next batch at once instead (that
     * round trip was one post and one poll per batch), and tells the gate thread it progressed.
     * A {@link #HELPER}'s drain does the same but never touches the claim.
     *
     * <p>Once the drain has run for {@link #HELP_AFTER_NANOS} with two or more items queued, it calls another
     * thread in to help; it looks at the clock after items 1, 2, 4, 8, ... of the drain, not after each (a clock read per
     * task cost a large share of the throughput on a VM's clock). After {@link #dropQueued()} it runs no
     * further task, but still every posted completion: those are operations, each owed its callback.
     *
     * @param self   the I/O thread draining
     * @param router runs the posted completions' callbacks
     * @param kind   the packet's byte count: {@link #CLAIM} or {@link #HELPER}
     */
    void drain(IoThread self, PacketRouter router, int kind) {
        wakeupsQueued.decrementAndGet();
        boolean claim = kind == CLAIM;
        if (!claim) {
            helpersOnTheirWay.decrementAndGet();
        }
        long started = 0;
        boolean helped = false;
        int ran = 0;
        boolean handedOn = false;
        try {
            for (;;) {
                Object item = next((ran & 1) == 0);
                if (item == null && (item = spinForNext()) == null) {
                    if (claim) {
                        queue.wakeTaken();
                        if (hasWork() && queue.claimWake()) {
                            continue; // work came as the claim went back, and no producer took it up
                        }
                    }
                    handedOn = true;
                    return; // nothing left, or a producer claimed the wake-up: its packet comes
                }
                if (ran == 0) {
                    started = System.nanoTime();
                }
                if (item instanceof NativeOverlapped) {
                    router.completePosted(self, (NativeOverlapped) item);
                } else {
                    backpressure.roomMade();
                    runner.execute((Runnable) item);
                }
                ran++;
                if (!helped && (ran & (ran - 1)) == 0 && System.nanoTime() - started >= HELP_AFTER_NANOS
                        && queued() >= 2) {
                    helped = true;
                    post(HELPER, false);
                }
                if (ran % batchSize == 0) {
                    if (hasWork()) {
                        if (!self.batchLeft() && onlyOwnWakeupsQueued()) {
                            // Nothing else waits its turn, in this thread's batch or in the port: the next batch
                            // now, without a trip through the port; counted as progress for the gate thread.
                            self.activity().drained();
                            continue;
                        }
                        post(kind, true); // the claim, if this drain holds it, rides on with the packet
                    } else if (claim) {
                        queue.wakeTaken();
                        if (hasWork() && queue.claimWake()) {
                            post(CLAIM, true);
                        }
                    }
                    handedOn = true;
                    return;
                }
            }
        } finally {
            if (!handedOn) {
                // A VM error out of a callback or task ends this thread: the work it leaves needs a wake-up
                // of its own, and the claim it held goes back.
                if (claim) {
                    queue.wakeTaken();
                }
                callHelp();
            }
        }
    }

    /**
     * Whether the port holds no packet but these queues' wake-ups (a hint, read without a lock;
     * false where the port cannot be looked into): then a batch's end need not make way for anything.
     */
    private boolean onlyOwnWakeupsQueued() {
        if (releases == null) {
            return false;
        }
        int queued = releases.queuedPacketsHint();
        return queued >= 0 && queued <= wakeupsQueued.get();
    }

    /** Looks for work a few more turns before the drain gives its wake-up back. */
    private Object spinForNext() {
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            Object item = next(true);
            if (item != null) {
                return item;
            }
        }
        return null;
    }

    /** The next item, from the posted queue first or from the tasks first; no task once dropping. */
    private Object next(boolean postedFirst) {
        Object item = postedFirst ? posted.poll() : null;
        if (item == null && !dropping) {
            item = queue.poll();
        }
        return item != null || postedFirst ? item : posted.poll();
    }

    /**
     * Items queued now, of both kinds. A helper is called in only for two or more: a chain (each item
     * offering the next) never has more than one queued, and a helper would only race its drain for it.
     */
    private int queued() {
        return posted.size() + (dropping ? 0 : queue.size());
    }

    /** Whether a drain would find something to run now. */
    private boolean hasWork() {
        return !posted.isEmpty() || !dropping && !queue.isEmpty();
    }

    /** From now on queued tasks are not run ({@code shutdownNow}). */
    public void dropQueued() {
        dropping = true;
    }

    /** @return whether {@link #dropQueued()} was called */
    boolean dropping() {
        return dropping;
    }

    /**
     * Empties the queues without running anything (at termination); returns how many tasks they held.
     * Posted completions left (the port closed before a thread took them) are not counted here: their
     * operations are still submitted, and the shutdown reports them as pending.
     */
    int discard() {
        posted.drain(o -> { });
        return queue.drain(t -> { });
    }

    /** @return whether posted completions wait in their queue */
    boolean postsQueued() {
        return !posted.isEmpty();
    }

    /** @return true if no task and no posted completion is queued */
    public boolean isEmpty() {
        return queue.isEmpty() && posted.isEmpty();
    }

    /** @return tasks queued now */
    public int size() {
        return queue.size();
    }

    /** @return tasks accepted so far */
    public long offered() {
        return queue.offered();
    }
}
