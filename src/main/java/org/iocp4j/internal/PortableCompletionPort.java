package org.iocp4j.internal;

import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.iocp4j.Backend;
import org.iocp4j.BlockingAction;
import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.PortClosedException;

/**
 * A completion port in plain Java with the Win32 port's semantics, for every platform that is not
 * Windows (and for Windows when asked for with {@code -Diocp4j.backend=portable}).
 *
 * <p>How it mirrors the kernel's queue object ({@code KQUEUE}): one lock guards a FIFO {@link PacketRing},
 * a LIFO stack of waiting threads and the count of <em>running</em> threads. A thread is associated with
 * the last port it polled (a thread belongs to at most one port, as on Windows) and counts as running
 * from the moment it takes a packet until it polls again, calls {@link #blocking}, polls another port or
 * dies. A packet is handed to a waiter only while fewer than {@link #concurrency()} threads run; the
 * releaser writes the packets straight into the waiter's holder or batch before unparking it, so a woken
 * thread never finds its packet taken by someone else.
 *
 * <p>Two differences from Windows, both documented in {@code docs/architecture.md}: a thread whose poll
 * timed out does not count as running (Windows counts it until it waits again), and the death of a
 * running thread is noticed lazily, within {@value #DEAD_THREAD_SWEEP_MILLIS} ms of the next time the
 * limit holds a packet back.
 */
public final class PortableCompletionPort extends CompletionPort {

    static final long DEAD_THREAD_SWEEP_MILLIS = 10;
    private static final long DEAD_THREAD_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(DEAD_THREAD_SWEEP_MILLIS);

    /** Outcome of a wait: still waiting. Positive outcomes count the packets handed over. */
    private static final int WAITING = 0;
    /** Outcome of a wait: the port closed. */
    private static final int RELEASED_BY_CLOSE = -1;

    private static final ThreadLocal<ThreadState> THREAD_STATE = ThreadLocal.withInitial(ThreadState::new);

    private final int concurrency;
    /*
     * A monitor rather than a ReentrantLock: on JDK 17 a contended ReentrantLock allocates a queue node
     * per wait, which showed up as bytes per packet in PortBenchmark; a contended monitor does not.
     */
    private final Object lock = new Object();
    // Everything below is guarded by lock.
    private final PacketRing packets = new PacketRing();
    private final ArrayList<ThreadState> associated = new ArrayList<>();
    private ThreadState waiters;
    private int waiterCount;
    private int running;
    private long lastSweepNanos;
    private volatile boolean closed;

    /**
     * Opens a portable port.
     *
     * @param concurrency the most threads running at once, 0 for the number of processors
     */
    public PortableCompletionPort(int concurrency) {
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0: " + concurrency);
        }
        this.concurrency = concurrency == 0 ? Runtime.getRuntime().availableProcessors() : concurrency;
    }

    @Override
    public Backend backend() {
        return Backend.PORTABLE;
    }

    @Override
    public int concurrency() {
        return concurrency;
    }

    @Override
    public void associate(long handle, long key) throws PortClosedException {
        if (handle == 0 || handle == -1) {
            throw new IllegalArgumentException("not a handle: " + handle);
        }
        if (closed) {
            throw new PortClosedException("CreateIoCompletionPort", Win32Errors.ERROR_INVALID_HANDLE);
        }
        throw new UnsupportedOperationException("the portable completion port has no operating-system handles"
                + " to associate; it runs on " + System.getProperty("os.name")
                + " (the native backend needs Windows x64)");
    }

    @Override
    public void post(long key, int bytesTransferred, long overlappedAddress) throws PortClosedException {
        postCompletion(key, bytesTransferred, overlappedAddress, 0);
    }

    /**
     * Queues the packet of a completed operation, as the kernel does when I/O on an associated handle
     * ends. iocp4j's portable I/O uses it to report success and failure alike.
     *
     * @param key               the completion key
     * @param bytesTransferred  the byte count
     * @param overlappedAddress the operation's OVERLAPPED
     * @param errorCode         its Win32 error code, 0 for success
     * @throws PortClosedException if the port is closed
     */
    public void postCompletion(long key, int bytesTransferred, long overlappedAddress, int errorCode)
            throws PortClosedException {
        ThreadState wake;
        synchronized (lock) {
            if (closed) {
                throw new PortClosedException("PostQueuedCompletionStatus", Win32Errors.ERROR_INVALID_HANDLE);
            }
            packets.add(key, bytesTransferred, overlappedAddress, errorCode);
            if (waiters == null) {
                return;
            }
            if (running >= concurrency) {
                sweepDeadThreads(false);
            }
            // Before this packet, no waiter was releasable; one packet releases at most one waiter.
            wake = releaseOne();
        }
        if (wake != null) {
            LockSupport.unpark(wake.thread);
        }
    }

    @Override
    public boolean poll(Completion into, long timeout, TimeUnit unit) throws PortClosedException {
        Objects.requireNonNull(into, "into");
        long nanos = timeoutNanos(timeout, unit);
        ThreadState me = enter();
        synchronized (lock) {
            if (canTake(me)) {
                takeOne(into);
                startRunning(me);
                return true;
            }
            if (nanos == 0) {
                return false;
            }
            me.single = into;
            me.batchAddress = 0;
            push(me);
        }
        return awaitHandOff(me, nanos) > 0;
    }

    @Override
    public int poll(CompletionBatch into, long timeout, TimeUnit unit) throws PortClosedException {
        Objects.requireNonNull(into, "into");
        long nanos = timeoutNanos(timeout, unit);
        long entries = beginFill(into);
        int filled = 0;
        try {
            ThreadState me = enter();
            synchronized (lock) {
                if (canTake(me)) {
                    filled = packets.drainTo(entries, into.capacity());
                    startRunning(me);
                    return filled;
                }
                if (nanos == 0) {
                    return 0;
                }
                me.single = null;
                me.batchAddress = entries;
                me.batchCapacity = into.capacity();
                push(me);
            }
            filled = awaitHandOff(me, nanos);
            return filled;
        } finally {
            endFill(into, filled);
        }
    }

    @Override
    public <T, X extends Throwable> T blocking(BlockingAction<T, X> action) throws X {
        ThreadState me = THREAD_STATE.get();
        boolean left = false;
        if (me.port == this) {
            ArrayList<Thread> wake;
            synchronized (lock) {
                left = me.running;
                if (left) {
                    stopRunning(me);
                }
                wake = releaseAll();
            }
            unparkAll(wake);
        }
        try {
            return action.run();
        } finally {
            if (left) {
                synchronized (lock) {
                    if (me.port == this && !closed) {
                        startRunning(me);
                    }
                }
            }
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        ArrayList<Thread> wake = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (ThreadState w = waiters; w != null; w = w.next) {
                w.waiting = false;
                w.outcome = RELEASED_BY_CLOSE;
                wake.add(w.thread);
            }
            waiters = null;
            waiterCount = 0;
            packets.clear();
            for (ThreadState s : associated) {
                s.running = false;
            }
            associated.clear();
            running = 0;
        }
        unparkAll(wake);
    }

    // ---- observability for tests and diagnostics ----

    /** The number of threads waiting in the port now. */
    public int waitingThreads() {
        synchronized (lock) {
            return waiterCount;
        }
    }

    /** The number of threads counted as running now. */
    public int runningThreads() {
        synchronized (lock) {
            return running;
        }
    }

    /** The number of packets queued now. */
    public int queuedPackets() {
        synchronized (lock) {
            return packets.size();
        }
    }

    // ---- the queue object ----


    /** The calling thread's state, detached from any other port it was running on. */
    private ThreadState enter() throws PortClosedException {
        if (closed) {
            throw new PortClosedException("GetQueuedCompletionStatus", Win32Errors.ERROR_INVALID_HANDLE);
        }
        ThreadState me = THREAD_STATE.get();
        PortableCompletionPort previous = me.port;
        if (previous != null && previous != this) {
            previous.detach(me);
        }
        return me;
    }

    /**
     * Under the lock: makes {@code me} a waiting (not running) thread of this port, then says whether it
     * may take a packet at once. Throws if the port closed since {@link #enter()}.
     */
    private boolean canTake(ThreadState me) throws PortClosedException {
        if (closed) {
            throw new PortClosedException("GetQueuedCompletionStatus", Win32Errors.ERROR_INVALID_HANDLE);
        }
        if (me.port != this) {
            sweepDeadThreads(true);
            me.port = this;
            associated.add(me);
        } else if (me.running) {
            stopRunning(me);
        }
        if (packets.size() == 0) {
            return false;
        }
        if (running >= concurrency) {
            sweepDeadThreads(false);
        }
        return running < concurrency;
    }

    private void takeOne(Completion into) {
        fill(into, packets.headKey(), packets.headBytes(), packets.headOverlapped(), packets.headError());
        packets.removeHead();
    }

    private void startRunning(ThreadState s) {
        s.running = true;
        running++;
    }

    private void stopRunning(ThreadState s) {
        s.running = false;
        running--;
    }

    private void push(ThreadState me) {
        me.outcome = WAITING;
        me.waiting = true;
        me.next = waiters;
        waiters = me;
        waiterCount++;
    }

    /** Under the lock: hands packets to the most recent waiter if the limit allows; returns it to unpark. */
    private ThreadState releaseOne() {
        ThreadState w = waiters;
        if (w == null || packets.size() == 0 || running >= concurrency) {
            return null;
        }
        waiters = w.next;
        w.next = null;
        w.waiting = false;
        waiterCount--;
        int handed;
        if (w.batchAddress != 0) {
            handed = packets.drainTo(w.batchAddress, w.batchCapacity);
        } else {
            takeOne(w.single);
            handed = 1;
        }
        startRunning(w);
        w.outcome = handed; // volatile write: publishes the packets to the waiter
        return w;
    }

    /** Under the lock: releases every waiter the limit allows (after the running count dropped). */
    private ArrayList<Thread> releaseAll() {
        ArrayList<Thread> wake = null;
        ThreadState w;
        while ((w = releaseOne()) != null) {
            if (wake == null) {
                wake = new ArrayList<>(2);
            }
            wake.add(w.thread);
        }
        return wake;
    }

    private static void unparkAll(ArrayList<Thread> threads) {
        if (threads != null) {
            threads.forEach(LockSupport::unpark);
        }
    }

    /** Parks until a releaser hands packets over, the port closes or the time is up. */
    private int awaitHandOff(ThreadState me, long nanos) throws PortClosedException {
        boolean forever = nanos == Long.MAX_VALUE;
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            for (;;) {
                int outcome = me.outcome;
                if (outcome > 0) {
                    return outcome;
                }
                if (outcome == RELEASED_BY_CLOSE) {
                    throw new PortClosedException("GetQueuedCompletionStatus", Win32Errors.ERROR_ABANDONED_WAIT_0);
                }
                if (forever) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return timedOut(me);
                    }
                    LockSupport.parkNanos(this, left);
                }
                // Like GetQueuedCompletionStatus, the wait ignores interrupts; the status is restored below.
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int timedOut(ThreadState me) throws PortClosedException {
        synchronized (lock) {
            if (me.waiting) {
                unlink(me);
                return 0;
            }
        }
        // A releaser or close() got there first: honour what it did.
        int outcome = me.outcome;
        if (outcome == RELEASED_BY_CLOSE) {
            throw new PortClosedException("GetQueuedCompletionStatus", Win32Errors.ERROR_ABANDONED_WAIT_0);
        }
        return outcome;
    }

    private void unlink(ThreadState me) {
        ThreadState prev = null;
        for (ThreadState w = waiters; w != null; prev = w, w = w.next) {
            if (w == me) {
                if (prev == null) {
                    waiters = w.next;
                } else {
                    prev.next = w.next;
                }
                w.next = null;
                w.waiting = false;
                waiterCount--;
                return;
            }
        }
    }

    /** Another port is being polled by {@code s}: it stops belonging (and running) here. */
    private void detach(ThreadState s) {
        ArrayList<Thread> wake = null;
        synchronized (lock) {
            if (s.port != this) {
                return;
            }
            if (s.running) {
                stopRunning(s);
                wake = releaseAll();
            }
            associated.remove(s);
            s.port = null;
        }
        unparkAll(wake);
    }

    /**
     * Under the lock: forgets associated threads that died, so a thread that took a packet and never
     * came back does not hold a running slot forever. Rate-limited unless {@code force}: it only runs
     * when the limit is holding packets back, and dead threads are rare.
     */
    private void sweepDeadThreads(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastSweepNanos < DEAD_THREAD_SWEEP_NANOS) {
            return;
        }
        lastSweepNanos = now;
        boolean freed = false;
        for (int i = associated.size() - 1; i >= 0; i--) {
            ThreadState s = associated.get(i);
            if (!s.thread.isAlive()) {
                if (s.running) {
                    stopRunning(s);
                    freed = true;
                }
                s.port = null;
                associated.remove(i);
            }
        }
        if (freed) {
            unparkAll(releaseAll());
        }
    }

    /** One per thread: its association, its running flag and its place on a port's waiter stack. */
    private static final class ThreadState {
        final Thread thread = Thread.currentThread();
        PortableCompletionPort port;
        boolean running;
        boolean waiting;
        ThreadState next;
        Completion single;
        long batchAddress;
        int batchCapacity;
        volatile int outcome;
    }
}
