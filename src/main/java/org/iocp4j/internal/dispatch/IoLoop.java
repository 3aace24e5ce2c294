package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.iocp4j.BlockingAction;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.PortClosedException;
import org.iocp4j.internal.Platform;

/**
 * What a dispatcher's I/O threads run: dequeue a batch from the port, claim and route each packet, go
 * back; retire when idle past the timeout; end when the port closes. For the gate thread: hand stalled
 * batches over, re-post a lost task wake-up, advance the coarse clock, write the periodic report.
 *
 * <p>A thread that blocks ({@link #blocking}) or stalls gives up the unclaimed rest of its batch
 * ({@link BatchHandOver}). A callback that throws a {@link VirtualMachineError} ends its thread, but only
 * after the rest of the batch ran.
 */
public final class IoLoop implements IoThreadPool.Work {

    private final String name;
    private final CompletionPort port;
    /** The port's thread-release hooks ({@link Platform.Port#keepNextPost}); null for a foreign port. */
    private final Platform.Port releases;
    private final int batchSize;
    private final long idleNanos;
    private final OverlappedSlab slab;
    private final PacketRouter router;
    private final BatchHandOver handOver;
    private final TaskDrain tasks;
    private final CoarseClock clock;
    private final PeriodicReport report;

    /**
     * @param config   the dispatcher's settings (name, batch size, idle timeout)
     * @param port     the port the threads dequeue from
     * @param slab     scanned for pending operations (the starvation test)
     * @param router   where each packet goes
     * @param handOver takes the rest of stalled batches
     * @param tasks    the task queue
     * @param clock    advanced each gate tick
     * @param report   written when due
     */
    public IoLoop(DispatcherConfig config, CompletionPort port, OverlappedSlab slab, PacketRouter router,
                  BatchHandOver handOver, TaskDrain tasks, CoarseClock clock, PeriodicReport report) {
        this.name = config.name();
        this.port = port;
        this.releases = port instanceof Platform.Port ? (Platform.Port) port : null;
        this.batchSize = config.batchSize();
        this.idleNanos = config.idleNanos();
        this.slab = slab;
        this.router = router;
        this.handOver = handOver;
        this.tasks = tasks;
        this.clock = clock;
        this.report = report;
    }

    /** @return the loop the calling thread runs, or null if it is no dispatcher's I/O thread */
    public static IoLoop current() {
        Thread t = Thread.currentThread();
        if (t instanceof IoThread) {
            IoThreadPool.Work work = ((IoThread) t).work();
            return work instanceof IoLoop ? (IoLoop) work : null;
        }
        return null;
    }

    /**
     * Runs code about to block on the calling I/O thread of this loop: the rest of its batch goes to the
     * other threads first (it must not wait for the block to end), a waiting task wake-up is re-posted,
     * and the port lets another thread run meanwhile.
     *
     * @param action the blocking code
     * @param <T>    its result type
     * @param <X>    the exception it may throw
     * @return its result
     * @throws X what it throws
     */
    public <T, X extends Throwable> T blocking(BlockingAction<T, X> action) throws X {
        handOver.moveRest((IoThread) Thread.currentThread());
        tasks.callHelp(); // this thread may hold the queue's wake-up, in a drain
        return port.blocking(action);
    }

    @Override
    public void run(IoThread self) {
        IoThreadPool.Activity activity = self.activity();
        try (CompletionBatch batch = CompletionBatch.allocate(batchSize)) {
            self.batch = batch;
            for (;;) {
                int n = port.poll(batch, idleNanos, TimeUnit.NANOSECONDS);
                if (n == 0) {
                    if (self.tryRetire()) {
                        return;
                    }
                    continue;
                }
                activity.begin(n);
                self.publish(n);
                try {
                    int i;
                    while ((i = self.claim()) >= 0) {
                        if (i == n - 1 && releases != null
                                && PacketKey.kind(batch.key(i), batch.overlappedAddress(i)) != PacketKey.TASKS) {
                            // This thread polls right after this callback: a packet the callback posts (its
                            // continuation, often) waits for it rather than waking another thread. Not after
                            // a task drain, whose wake-ups call other threads in to help.
                            releases.keepNextPost();
                        }
                        router.route(self, batch.key(i), batch.overlappedAddress(i), batch.errorCode(i),
                                batch.bytesTransferred(i));
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
            LOG.error("dispatcher {}: I/O thread {} stopped", name, self.getName(), e);
        }
    }

    /**
     * A VM error ends this thread, but not before the rest of its batch ran: those are other operations'
     * completions. They run here rather than being handed over, which allocates, and the error may be an
     * OutOfMemoryError. More VM errors among them are counted and logged by the runner and do not stop
     * the drain; if one of them stalls, the gate thread hands the rest over as for any thread.
     */
    private void finishBatch(IoThread self, CompletionBatch batch, VirtualMachineError cause) {
        int i;
        while ((i = self.claim()) >= 0) {
            try {
                router.route(self, batch.key(i), batch.overlappedAddress(i), batch.errorCode(i),
                        batch.bytesTransferred(i));
            } catch (VirtualMachineError again) {
                // counted and logged where it was caught first; the first error is the one that ends the thread
            }
        }
        tasks.wake(); // work queued meanwhile with no wake-up claimed (a drain cut short called help already)
        try {
            LOG.error("dispatcher {}: I/O thread {} ends on {} after running the rest of its batch; another takes"
                    + " its place", name, self.getName(), cause.toString());
        } catch (VirtualMachineError again) {
            // no memory even to log: the error still ends the thread, and the pool still replaces it
        }
    }

    @Override
    public boolean pending() {
        return slab.anySubmitted() || !tasks.isEmpty();
    }

    /**
     * Hands the rest of stalled batches to free threads, releases packets a long last callback kept
     * ({@link Platform.Port#keepNextPost}), and posts the task queue's wake-up if tasks wait
     * without one (lost to a failed post, or taken by a thread now stuck in a long task: a free thread then
     * drains beside it).
     */
    @Override
    public void lookForStalls(Set<IoThread> threads) {
        handOver.unstick(threads);
        if (releases != null) {
            releases.releaseKept(); // a packet kept behind a callback that has run since the last look
        }
        tasks.lookForStall();
    }

    @Override
    public void tick() {
        clock.update();
        report.tick();
    }
}
