package org.iocp4j.internal.dispatch;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A dispatcher's run state (running, shutting down, terminated), whether its port has closed, and the two
 * moments callers wait for: termination, and when {@code close()} may return.
 */
public final class Lifecycle {

    private static final int RUNNING = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int TERMINATED = 2;

    private final String name;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** When {@code close()} may return: at termination, or once the deadline passed with user code still running. */
    private final CountDownLatch settled = new CountDownLatch(1);
    /** Set just before the port closes: an operation submitted from then on would never be dispatched. */
    private volatile boolean portClosed;

    /** @param name the dispatcher's name, for messages */
    public Lifecycle(String name) {
        this.name = name;
    }

    /** @throws RejectedExecutionException once a shutdown began */
    public void requireRunning() {
        if (state.get() != RUNNING) {
            throw new RejectedExecutionException("dispatcher " + name + " is shut down");
        }
    }

    /** A submit once the port closed would start an operation no thread ever dispatches, pinning its slot. */
    public void requirePortOpen() {
        if (portClosed) {
            throw new RejectedExecutionException("dispatcher " + name + " is shut down and its port closed: an"
                    + " operation submitted now would never complete through it");
        }
    }

    /** @return true once a shutdown began */
    public boolean isShutdown() {
        return state.get() != RUNNING;
    }

    /** @return true for the one caller that moves the dispatcher from running to shutting down */
    boolean beginShutdown() {
        return state.compareAndSet(RUNNING, SHUTTING_DOWN);
    }

    /** The port is about to close: submits are refused from now on. */
    void portClosing() {
        portClosed = true;
    }

    /** Lets {@code close()} return (at the deadline with user code still running, or at termination). */
    void settle() {
        settled.countDown();
    }

    void terminated() {
        state.set(TERMINATED);
        terminated.countDown();
        settled.countDown();
    }

    /** @return true once every I/O thread has ended */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /**
     * Waits for termination.
     *
     * @param timeout the longest wait
     * @param unit    its unit
     * @return true if it terminated within the time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    /** Waits, uninterruptibly (the interrupt status is kept), until {@code close()} may return. */
    public void awaitSettled() {
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
}
