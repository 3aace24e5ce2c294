package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.iocp4j.CompletionPort;
import org.iocp4j.OverloadPolicy;
import org.iocp4j.PortClosedException;
import org.iocp4j.internal.concurrent.MpmcTaskQueue;

/**
 * A dispatcher's plain tasks ({@code execute}): queued in a bounded {@link MpmcTaskQueue}, with one wake-up
 * packet through the port per drain, and drained by the I/O thread that dequeues the wake-up, a batch at
 * a time. See {@code docs/architecture.md}, "Tasks: a queue, and the port as its doorbell".
 */
public final class TaskDrain {

    /**
     * How long a drain of the task queue runs alone before it calls another thread in while tasks are left.
     * Not at once: with tasks of nanoseconds, a second drainer only competes with the posting thread for
     * the CPUs ({@code DispatcherBenchmark}'s task rows); with tasks of milliseconds, the helper comes
     * after the first.
     */
    private static final long HELP_AFTER_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final String name;
    private final CompletionPort port;
    private final MpmcTaskQueue queue;
    private final int batchSize;
    private final Lifecycle lifecycle;
    private final Backpressure backpressure;
    private final CallbackRunner runner;
    private final DispatcherCounters counters;
    /** Set by {@code shutdownNow()}: queued tasks are dropped (and counted), not run. */
    private volatile boolean dropping;

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
        this.queue = new MpmcTaskQueue(config.capacity());
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
     * Posts the task queue's wake-up packet unless one is already on its way (then this is one read). A
     * failed post gives the claim back: the next task, or the gate thread's next tick, posts again, and the
     * queued tasks wait for it, lost by nobody.
     */
    public void wake() {
        if (!queue.claimWake()) {
            return;
        }
        try {
            port.post(PacketKey.TASKS_KEY, 0, 0);
            counters.taskWakeup();
        } catch (IOException | RuntimeException e) {
            queue.wakeFailed();
            if (!(e instanceof PortClosedException)) {
                LOG.error("dispatcher {}: could not post the task queue's wake-up; the gate thread retries", name, e);
            }
        }
    }

    /**
     * The wake-up packet arrived: runs queued tasks, at most a batch of them, so packets queued in the
     * port meanwhile get their turn. Gives the wake-up back first (then new tasks post another). Once the
     * drain has run for {@link #HELP_AFTER_NANOS} with tasks left, it wakes another thread to help; it
     * looks at the clock after tasks 1, 2, 4, 8, ... of the drain, not after each (a clock read per task
     * cost a large share of the throughput on a VM's clock). At the end of its batch with tasks left, it
     * makes sure a wake-up is queued behind the port's packets. Tasks posted while it drains keep more
     * threads busy on their own: the first one posted after the drain began posts a new wake-up. After
     * {@link #dropQueued()} it runs no further task.
     */
    void drain() {
        queue.wakeTaken();
        Runnable task = dropping ? null : queue.poll();
        if (task == null) {
            return; // another thread drained what this wake-up was for, or shutdownNow
        }
        long started = System.nanoTime();
        boolean helped = false;
        int ran = 0;
        do {
            backpressure.roomMade();
            runner.execute(task);
            ran++;
            if (!helped && (ran & (ran - 1)) == 0 && System.nanoTime() - started >= HELP_AFTER_NANOS
                    && !queue.isEmpty()) {
                helped = true;
                wake();
            }
        } while (ran < batchSize && !dropping && (task = queue.poll()) != null);
        if (ran == batchSize && !queue.isEmpty()) {
            wake();
        }
    }

    /** From now on queued tasks are not run ({@code shutdownNow}). */
    public void dropQueued() {
        dropping = true;
    }

    /** @return whether {@link #dropQueued()} was called */
    boolean dropping() {
        return dropping;
    }

    /** Empties the queue without running anything (at termination); returns how many tasks it held. */
    int discard() {
        return queue.drain(t -> { });
    }

    /** @return true if no task is queued */
    public boolean isEmpty() {
        return queue.isEmpty();
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
