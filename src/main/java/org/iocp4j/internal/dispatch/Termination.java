package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.iocp4j.CompletionPort;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.internal.Platform;

/**
 * A dispatcher's shutdown, on a thread of its own: waits for pending operations and queued tasks up to the
 * deadline, cancels what is still pending on bound handles and gives those packets a grace period,
 * reports what is left, closes the port, waits for the I/O threads (reporting those still in user code
 * once the deadline passed, so {@code close()} may return without them), drops the tasks nobody ran, and
 * terminates.
 */
public final class Termination {

    /** After cancelling at the deadline, how long the cancelled operations' packets may take to come back. */
    private static final long CANCEL_GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How long the last posted completion taken from the queue gets to finish (see {@link #awaitQueuedPosts}). */
    private static final long LAST_POST_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /**
     * How long I/O threads running no user code get to end once the port closed, even past the deadline (an
     * idle one leaves its wait in microseconds; under Wine each wake-up is a wineserver round trip).
     */
    private static final long EXIT_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String name;
    private final Lifecycle lifecycle;
    private final CompletionPort port;
    private final OverlappedSlab slab;
    private final TaskDrain tasks;
    private final IoThreadPool threads;
    private final DispatcherCounters counters;
    private final OverlappedAccess access;
    private final JmxRegistration jmx;

    /**
     * @param config    the dispatcher's settings (its name)
     * @param lifecycle moved to shut down, then terminated
     * @param port      closed once nothing is pending (or the deadline passed)
     * @param slab      scanned for pending operations
     * @param tasks     waited for, then discarded
     * @param threads   stopped and joined
     * @param counters  where the shutdown's findings go
     * @param access    what the cancellation reads of an overlapped (its handle)
     * @param jmx       unregistered at the end
     */
    public Termination(DispatcherConfig config, Lifecycle lifecycle, CompletionPort port, OverlappedSlab slab,
                       TaskDrain tasks, IoThreadPool threads, DispatcherCounters counters, OverlappedAccess access,
                       JmxRegistration jmx) {
        this.name = config.name();
        this.lifecycle = lifecycle;
        this.port = port;
        this.slab = slab;
        this.tasks = tasks;
        this.threads = threads;
        this.counters = counters;
        this.access = access;
        this.jmx = jmx;
    }

    /**
     * Starts the shutdown with {@code deadline} from now, unless one began already; returns at once.
     *
     * @param deadline how long pending operations, queued tasks and running user code get
     */
    public void start(Duration deadline) {
        if (!lifecycle.beginShutdown()) {
            return;
        }
        Thread terminator = new Thread(() -> {
            try {
                terminate(deadline);
            } finally {
                lifecycle.settle(); // close() never waits on a terminator that failed
            }
        }, name + "-shutdown");
        terminator.setDaemon(true);
        terminator.start();
    }

    private void terminate(Duration deadline) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        awaitNoPending(deadlineNanos);
        awaitQueuedPosts();
        if (slab.anySubmitted()) {
            long[] cancelled = new long[1];
            slab.forEachInUse((slot, state, owner, userState) -> {
                if (state != SlotWord.SUBMITTED || owner == null) {
                    return;
                }
                long handle = access.handle((NativeOverlapped) owner);
                if (handle != 0 && cancel(handle, slab.address(slot)) == 0) {
                    cancelled[0]++;
                }
            });
            counters.cancelledAtShutdown(cancelled[0]);
            if (cancelled[0] > 0) {
                LOG.info("dispatcher {}: cancelled {} pending operation(s) at the shutdown deadline", name, cancelled[0]);
                awaitNoPending(System.nanoTime() + CANCEL_GRACE_NANOS);
            }
        }
        long pending = slab.submitted();
        if (pending > 0) {
            counters.abandonedAtShutdown(pending);
            LOG.warn("dispatcher {}: {} operation(s) still pending at the shutdown deadline; their OVERLAPPEDs"
                    + " stay allocated", name, pending);
        }
        threads.stop();
        lifecycle.portClosing();
        port.close();
        awaitThreads(deadlineNanos, deadline);
        int dropped = tasks.discard();
        if (dropped > 0) {
            counters.tasksDroppedAtShutdown(dropped);
            LOG.warn("dispatcher {}: {} queued task(s) never ran: {}", name, dropped,
                    tasks.dropping() ? "shutdownNow drops queued tasks" : "the shutdown deadline came first");
        }
        slab.close();
        jmx.unregister();
        lifecycle.terminated();
    }

    /** Cancels one pending operation on a bound handle ({@code CancelIoEx}); 0 on success. */
    private int cancel(long handle, long overlappedAddress) {
        return Platform.of(port).cancel(handle, overlappedAddress);
    }

    /**
     * Waits for the I/O threads to leave the closed port. Past the deadline, with one of them still in a
     * callback or task (or any not gone {@link #EXIT_GRACE_NANOS} after the close), it reports them and lets
     * {@code close()} return, then goes on waiting: the rest of the termination needs them gone.
     */
    private void awaitThreads(long deadlineNanos, Duration deadline) {
        long exitBy = System.nanoTime() + EXIT_GRACE_NANOS;
        try {
            while (threads.liveThreads() > 0) {
                long now = System.nanoTime();
                if (now - deadlineNanos >= 0 && (threads.busyThreads() > 0 || now - exitBy >= 0)) {
                    reportOverdue(deadline);
                    lifecycle.settle();
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
        counters.callbacksRunningAtShutdown(busy);
        LOG.warn("dispatcher {}: {} I/O thread(s) not ended {} after the shutdown began, {} of them running a callback"
                + " or task; close() returns without them and the dispatcher terminates once they end:{}", name,
                alive[0], deadline, busy, where);
    }

    /** Whether a frame is the JDK's (a lock, a sleep): the report looks past them for the code that waits. */
    private static boolean isPlatformFrame(String className) {
        return className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")
                || className.startsWith("com.sun.");
    }

    /**
     * Posted completions still queued are operations that completed: each is owed its callback, even after
     * {@code shutdownNow}'s zero deadline, so the port stays open while the threads run them, for as long as
     * a cancelled operation's packet is given; then a moment for the last one taken to finish, so it is not
     * counted as abandoned.
     */
    private void awaitQueuedPosts() {
        if (!tasks.postsQueued()) {
            return;
        }
        long end = System.nanoTime() + CANCEL_GRACE_NANOS;
        while (tasks.postsQueued() && end - System.nanoTime() > 0) {
            sleepAMillisecond();
        }
        long settled = System.nanoTime() + LAST_POST_NANOS;
        while (slab.anySubmitted() && settled - System.nanoTime() > 0) {
            sleepAMillisecond();
        }
    }

    private static void sleepAMillisecond() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
}
