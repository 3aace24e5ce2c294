package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.iocp4j.NativeOverlapped;

/**
 * Where user code runs: callbacks and tasks go to the worker pool when one is attached (and it takes
 * them), else run on the calling thread; what throws is logged and counted, and a
 * {@link VirtualMachineError} goes on up so the thread ends with it.
 */
public final class CallbackRunner {

    private final String name;
    /** Where callbacks and tasks run when a worker pool is attached; null runs them here. */
    private final Executor workers;
    private final DispatcherCounters counters;
    private final OverlappedAccess access;

    /**
     * @param config   the dispatcher's settings (its name and worker pool)
     * @param counters where failures are counted
     * @param access   what the runner reads of an overlapped (its callback)
     */
    public CallbackRunner(DispatcherConfig config, DispatcherCounters counters, OverlappedAccess access) {
        this.name = config.name();
        this.workers = config.workers();
        this.counters = counters;
        this.access = access;
    }

    /** A dequeued packet's callback: on the worker pool if any takes it, else here. */
    void complete(NativeOverlapped overlapped, int errorCode, int bytes) {
        if (workers == null || !handOff(() -> run(overlapped, errorCode, bytes))) {
            run(overlapped, errorCode, bytes);
        }
    }

    /** A queued task: on the worker pool if any takes it, else here. */
    void execute(Runnable task) {
        if (workers == null || !handOff(() -> runTask(task))) {
            runTask(task);
        }
    }

    /** Runs the callback on this thread (an inline completion, or a packet's). */
    void run(NativeOverlapped overlapped, int errorCode, int bytes) {
        try {
            access.callback(overlapped).completed(errorCode, bytes, overlapped);
        } catch (Throwable t) {
            failed("callback of " + overlapped, t);
        }
    }

    private void runTask(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            failed("task " + task, t);
        }
    }

    /** Gives user code to the worker pool; false if the pool refused it (then it runs here: nothing is lost). */
    private boolean handOff(Runnable work) {
        try {
            workers.execute(work);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.warn("dispatcher {}: the worker pool refused a callback; running it on the I/O thread", name);
            return false;
        }
    }

    private void failed(String what, Throwable t) {
        counters.callbackFailed();
        LOG.error("dispatcher {}: {} threw", name, what, t);
        if (t instanceof VirtualMachineError) {
            throw (VirtualMachineError) t;
        }
    }
}
