package org.iocp4j.internal.portable;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.iocp4j.Backend;
import org.iocp4j.BlockingAction;
import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.IocpException;
import org.iocp4j.PortClosedException;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.PortSupport;
import org.iocp4j.internal.concurrent.MpmcPacketQueue;

/**
 * A completion port in plain Java with the Win32 port's semantics, for every platform that is not
 * Windows (and for Windows when asked for with {@code -Diocp4j.backend=portable}).
 *
 * <p>How it mirrors the kernel's queue object ({@code KQUEUE}): packets go into a lock-free FIFO
 * {@link MpmcPacketQueue} (and, when it is full, an overflow {@link PacketRing}); one lock guards a LIFO stack of
 * waiting threads and the count of <em>running</em> threads. A thread is associated with
 * the last port it polled (a thread belongs to at most one port, as on Windows) and counts as running
 * from the moment it takes a packet until it polls again, calls {@link #blocking}, polls another port or
 * dies. A packet is handed to a waiter only while fewer than {@link #concurrency()} threads run; the
 * releaser writes the packets straight into the waiter's holder or batch before unparking it, so a woken
 * thread never finds its packet taken by someone else.
 *
 * <p>The fast paths take no lock: a post when no thread waits, and a poll by a thread that is already
 * running on this port and finds packets queued (it keeps its running slot, as on Windows, where it would
 * give the slot up and take it straight back). Everything else (waiting, releasing a waiter, the overflow,
 * association) goes through the lock. A post and a thread about to wait form a Dekker pair: the poster
 * publishes its packet and then reads the waiter count, the waiter raises the count and then looks at the
 * queue, so at least one of them sees the other.
 *
 * <p>Three differences from Windows, all documented in {@code docs/architecture.md}: a thread whose poll
 * timed out does not count as running (Windows counts it until it waits again); the death of a
 * running thread is noticed lazily, within {@value #DEAD_THREAD_SWEEP_MILLIS} ms of the next time the
 * limit holds a packet back; and a running thread asked to ({@link #keepNextPost}, the dispatcher before
 * the last callback of a batch) keeps its next post for its own next poll rather than releasing a waiter.
 */
public final class PortableCompletionPort extends CompletionPort implements Platform.Port {

    static final long DEAD_THREAD_SWEEP_MILLIS = 10;
    private static final long DEAD_THREAD_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(DEAD_THREAD_SWEEP_MILLIS);

    /** Outcome of a wait: still waiting. Positive outcomes count the packets handed over. */
    private static final int WAITING = 0;
    /** Outcome of a wait: the port closed. */
    private static final int RELEASED_BY_CLOSE = -1;

    /** Cells in the lock-free ring; beyond them, packets wait in the overflow ring. */
    static final int RING_CAPACITY = 1 << 16;
    /**
     * How many times a running thread that found the queue empty looks again before it waits: a waiter
     * costs its next poster a lock and an unpark, so a short look pays when packets come in streams.
     */
    private static final int SPINS = Integer.getInteger("iocp4j.portable.spins", 64);

    /** Packets from one selector turn worth waking another thread for (see {@link #afterTurn}). */
    private static final int SHARE_THRESHOLD = 8;
    /** A wait shorter than this parks: {@code select} counts whole milliseconds. */
    private static final long MIN_SELECT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private static final ThreadLocal<ThreadState> THREAD_STATE = ThreadLocal.withInitial(ThreadState::new);

    private final int concurrency;
    /** Threads a dispatcher will run here ({@link #expectThreads}). */
    private volatile int expectedThreads;
    private final PortSupport.Holders holders = PortSupport.holders();
    /*
     * A monitor rather than a ReentrantLock: on JDK 17 a contended ReentrantLock allocates a queue node
     * per wait, which showed up as bytes per packet in PortBenchmark; a contended monitor does not.
     */
    private final Object lock = new Object();
    private final MpmcPacketQueue queue = new MpmcPacketQueue(RING_CAPACITY);
    // Everything below is guarded by lock; the volatile ones are also read without it.
    private final PacketRing overflow = new PacketRing();
    private final ArrayList<ThreadState> associated = new ArrayList<>();
    private ThreadState waiters;
    private volatile int waiterCount;
    private volatile int running;
    /** Packets wait in {@link #overflow}: posts go there too (after the ring's, in order) until it drains. */
    private volatile boolean overflowing;
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
        return platform().backend();
    }

    @Override
    public Platform platform() {
        return PortablePlatform.INSTANCE;
    }

    @Override
    public int concurrency() {
        return concurrency;
    }

    @Override
    public void associate(long handle, long key) throws IocpException {
        if (handle == 0 || handle == -1) {
            throw new IllegalArgumentException("not a handle: " + handle);
        }
        if (closed) {
            throw Errors.portClosed("CreateIoCompletionPort");
        }
        // A handle this backend issued and has closed is an invalid handle (6, in PortableHandles.associate),
        // as on Windows; only a value it never issued is a foreign handle.
        if (!PortableHandles.isPortable(handle) && !PortableHandles.wasIssued(handle)) {
            throw new UnsupportedOperationException("handle 0x" + Long.toHexString(handle) + " is not a portable"
                    + " handle: the portable completion port has no operating-system handles to associate; it runs"
                    + " on " + System.getProperty("os.name") + " (the native backend needs Windows x64). Open files"
                    + " and sockets through org.iocp4j.io, which works on both.");
        }
        PortableHandles.associate(handle, this, key);
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
        if (closed) {
            throw Errors.portClosed("PostQueuedCompletionStatus");
        }
        if (overflowing || !queue.offer(key, bytesTransferred, overlappedAddress, errorCode)) {
            postOverflowing(key, bytesTransferred, overlappedAddress, errorCode);
        }
        if (waiterCount != 0) {
            releaseAfterPost();
        }
    }

    private void postOverflowing(long key, int bytesTransferred, long overlappedAddress, int errorCode)
            throws PortClosedException {
        synchronized (lock) {
            if (closed) {
                throw Errors.portClosed("PostQueuedCompletionStatus");
            }
            if (overflowing || !queue.offer(key, bytesTransferred, overlappedAddress, errorCode)) {
                overflow.add(key, bytesTransferred, overlappedAddress, errorCode);
                overflowing = true;
            }
        }
    }

    /**
     * A packet went in while threads wait: hand it to one, if the limit allows, the most recent waiter first,
     * as Windows' LIFO. Packets that a waiting thread of this port posts itself, while it turns the sockets'
     * selector, wait for the end of its turn ({@link #afterTurn}): it then takes a batch of them itself, and
     * wakes others only for the rest (the reactor's completions, without a hand-off).
     */
    private void releaseAfterPost() {
        ThreadState self = THREAD_STATE.get();
        if (self.port == this) {
            if (self.leading) {
                return;
            }
            if (self.keepNext && self.running) {
                // Its poll comes next and takes this packet: waking a thread for it would cost more (and on
                // an idle machine far more) than the packet; one kept at most, the next post releases.
                self.keepNext = false;
                self.kept = true;
                return;
            }
        }
        ThreadState wake;
        synchronized (lock) {
            if (waiters == null || closed) {
                return;
            }
            if (running >= concurrency) {
                sweepDeadThreads(false);
            }
            // Before this packet, no waiter was releasable; one packet releases at most one waiter.
            wake = releaseOne();
        }
        if (wake != null) {
            wake(wake);
        }
    }

    /**
     * After {@code me} turned the selector: what its turn posted here, released as {@link #releaseAfterPost}
     * would have, {@code me} first. A turn that found many sockets ready is shared with the waiters the limit
     * lets run: {@code me} takes its share, not a whole batch, so the other CPUs do not idle while it runs
     * the callbacks one after another. A few packets it keeps: waking a thread costs more than they do.
     */
    private void afterTurn(ThreadState me) {
        ArrayList<ThreadState> wake = null;
        synchronized (lock) {
            if (closed || !hasPackets()) {
                return;
            }
            if (me.waiting) {
                release(me, share(me));
            }
            if (hasPackets()) {
                wake = releaseAll();
            }
        }
        unparkAll(wake);
    }

    @Override
    public boolean poll(Completion into, long timeout, TimeUnit unit) throws PortClosedException {
        Objects.requireNonNull(into, "into");
        long nanos = PortSupport.timeoutNanos(timeout, unit);
        ThreadState me = enter();
        boolean kept = endKeep(me);
        if (mayTakeWithoutLock(me) && takeOneFast(into, nanos != 0)) {
            if (kept) {
                releaseKept(); // what it left (the kept packet, if it took older ones) goes to the waiters
            }
            return true;
        }
        ArrayList<ThreadState> wake = null;
        try {
            synchronized (lock) {
                enterLocked(me);
                if (nanos == 0) {
                    if (running >= concurrency || !takeOne(into)) {
                        return false;
                    }
                    startRunning(me);
                    wake = kept ? releaseAll() : null;
                    return true;
                }
                me.single = into;
                me.batchEntries = null;
                if (pushAndReleaseSelf(me)) {
                    wake = kept ? releaseAll() : null;
                    return true;
                }
            }
        } finally {
            unparkAll(wake);
        }
        return awaitHandOff(me, nanos) > 0;
    }

    @Override
    public int poll(CompletionBatch into, long timeout, TimeUnit unit) throws PortClosedException {
        Objects.requireNonNull(into, "into");
        long nanos = PortSupport.timeoutNanos(timeout, unit);
        ByteBuffer entries = holders.beginFill(into).memory();
        int filled = 0;
        ArrayList<ThreadState> wake = null;
        try {
            ThreadState me = enter();
            boolean kept = endKeep(me);
            if (mayTakeWithoutLock(me) && (filled = drainFast(entries, into.capacity(), nanos != 0)) > 0) {
                if (kept) {
                    releaseKept(); // what it left (the kept packet, if it took older ones) goes to the waiters
                }
                return filled;
            }
            synchronized (lock) {
                enterLocked(me);
                if (nanos == 0) {
                    if (running >= concurrency || (filled = drain(entries, into.capacity())) == 0) {
                        return 0;
                    }
                    startRunning(me);
                    wake = kept ? releaseAll() : null;
                    return filled;
                }
                me.single = null;
                me.batchEntries = entries;
                me.batchCapacity = into.capacity();
                if (pushAndReleaseSelf(me)) {
                    filled = me.outcome;
                    wake = kept ? releaseAll() : null;
                    return filled;
                }
            }
            filled = awaitHandOff(me, nanos);
            return filled;
        } finally {
            holders.endFill(into, filled);
            unparkAll(wake);
        }
    }

    @Override
    public void keepNextPost() {
        ThreadState me = THREAD_STATE.get();
        if (me.port == this && me.running) {
            me.keepNext = true;
        }
    }

    @Override
    public void releaseKept() {
        if (waiterCount == 0 || queue.isEmpty() && !overflowing) {
            return;
        }
        ArrayList<ThreadState> wake;
        synchronized (lock) {
            if (closed) {
                return;
            }
            wake = releaseAll();
        }
        unparkAll(wake);
    }

    /** Ends {@code me}'s keep ({@link #keepNextPost}) at a poll; returns whether it kept a packet. */
    private static boolean endKeep(ThreadState me) {
        boolean kept = me.kept;
        me.kept = false;
        me.keepNext = false;
        return kept;
    }


    @Override
    public <T, X extends Throwable> T blocking(BlockingAction<T, X> action) throws X {
        ThreadState me = THREAD_STATE.get();
        boolean left = false;
        if (me.port == this) {
            endKeep(me);
            ArrayList<ThreadState> wake;
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
        ArrayList<ThreadState> wake = new ArrayList<>();
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (ThreadState w = waiters; w != null; w = w.next) {
                w.waiting = false;
                w.outcome = RELEASED_BY_CLOSE;
                wake.add(w);
            }
            waiters = null;
            waiterCount = 0;
            overflow.clear();
            overflowing = false;
            for (long pos; (pos = queue.claimOne()) >= 0;) {
                queue.release(pos); // dropped with the port, as the kernel drops a closed port's packets
            }
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

    @Override
    public OptionalLong queueDepth() throws PortClosedException {
        if (closed) {
            throw Errors.portClosed("NtQueryIoCompletion");
        }
        return OptionalLong.of(queuedPackets());
    }

    /** Lock-free: the ring's indexes (volatile reads); with packets in the overflow, as many as fit in an int. */
    @Override
    public int queuedPacketsHint() {
        return overflowing ? Integer.MAX_VALUE : queue.size();
    }

    /** The number of packets queued now. */
    public int queuedPackets() {
        synchronized (lock) {
            return queue.size() + overflow.size();
        }
    }

    // ---- the queue object ----


    /** The calling thread's state, detached from any other port it was running on. */
    private ThreadState enter() throws PortClosedException {
        if (closed) {
            throw Errors.portClosed("GetQueuedCompletionStatus");
        }
        ThreadState me = THREAD_STATE.get();
        PortableCompletionPort previous = me.port;
        if (previous != null && previous != this) {
            previous.detach(me);
        }
        return me;
    }

    /**
     * Whether {@code me} may take packets without the lock: it already runs on this port, and giving its
     * running slot up and taking it back (what a poll does) would keep the count within the limit.
     */
    private boolean mayTakeWithoutLock(ThreadState me) {
        return me.port == this && me.running && running <= concurrency;
    }

    /** Lock-free batch take for a running thread; with {@code spin}, looks again a little before giving up. */
    private int drainFast(ByteBuffer entries, int max, boolean spin) {
        int n = queue.drainTo(entries, max);
        if (n == 0 && spin && shouldLeadRatherThanSpin()) {
            return 0;
        }
        for (int i = 0; n == 0 && spin && i < SPINS && !overflowing; i++) {
            Thread.onSpinWait();
            if (!queue.isEmpty()) {
                n = queue.drainTo(entries, max);
            }
        }
        return n;
    }

    /** Lock-free single take for a running thread, as {@link #drainFast}. */
    private boolean takeOneFast(Completion into, boolean spin) {
        long pos = queue.claimOne();
        if (pos < 0 && spin && shouldLeadRatherThanSpin()) {
            return false;
        }
        for (int i = 0; pos < 0 && spin && i < SPINS && !overflowing; i++) {
            Thread.onSpinWait();
            if (!queue.isEmpty()) {
                pos = queue.claimOne();
            }
        }
        if (pos < 0) {
            return false;
        }
        holders.fill(into, queue.keyAt(pos), queue.bytesAt(pos), queue.overlappedAt(pos), queue.errorAt(pos));
        queue.release(pos);
        return true;
    }

    /**
     * Whether a running thread that found no packets should go and turn a sockets' selector at once rather
     * than look at the queue again: it is the only thread running here and nobody turns one selector, so the
     * next packets can only come from readiness nobody is watching (or from a post, which wakes it there).
     */
    private boolean shouldLeadRatherThanSpin() {
        SocketReactor[] reactors = PortableSockets.INSTANCE.reactorsIfOpen();
        if (reactors == null || running > 1) {
            return false;
        }
        for (SocketReactor r : reactors) {
            if (r.owner() == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Under the lock: makes {@code me} a waiting (not running) thread of this port. Throws if the port
     * closed since {@link #enter()}.
     */
    private void enterLocked(ThreadState me) throws PortClosedException {
        if (closed) {
            throw Errors.portClosed("GetQueuedCompletionStatus");
        }
        if (me.port != this) {
            sweepDeadThreads(true);
            me.port = this;
            associated.add(me);
        } else if (me.running) {
            stopRunning(me);
        }
        if (running >= concurrency && hasPackets()) {
            sweepDeadThreads(false);
        }
    }

    /** Under the lock (for the overflow): whether any packet is queued. */
    private boolean hasPackets() {
        return !queue.isEmpty() || overflowing;
    }

    /** Under the lock: the oldest packet into {@code into}, from the ring, else the overflow. */
    private boolean takeOne(Completion into) {
        long pos = queue.claimOne();
        if (pos >= 0) {
            holders.fill(into, queue.keyAt(pos), queue.bytesAt(pos), queue.overlappedAt(pos), queue.errorAt(pos));
            queue.release(pos);
            return true;
        }
        if (!overflowing) {
            return false;
        }
        holders.fill(into, overflow.headKey(), overflow.headBytes(), overflow.headOverlapped(), overflow.headError());
        overflow.removeHead();
        overflowing = overflow.size() > 0;
        return true;
    }

    /** Under the lock: up to {@code max} of the oldest packets, the ring's first, then the overflow's. */
    private int drain(ByteBuffer entries, int max) {
        int n = queue.drainTo(entries, max);
        if (n < max && overflowing) {
            n += overflow.drainTo(entries, n, max - n);
            overflowing = overflow.size() > 0;
        }
        return n;
    }

    /**
     * Under the lock: puts {@code me} on the waiter stack, then looks at the queue (the waiter's half of
     * the Dekker pair with posters) and takes packets at once if the limit allows.
     *
     * @return true if {@code me} got packets ({@code me.outcome} says how many) and need not wait
     */
    private boolean pushAndReleaseSelf(ThreadState me) {
        push(me);
        // A dead-thread sweep (inside enterLocked) may have released me already.
        if (me.waiting) {
            release(me);
        }
        return !me.waiting;
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

    /** Under the lock: hands packets to the most recent waiter if the limit allows; returns it to {@link #wake}. */
    private ThreadState releaseOne() {
        ThreadState w = waiters;
        return w == null ? null : release(w);
    }

    /** Under the lock: hands packets to {@code w}, a waiter, if the limit allows; returns it, or null. */
    private ThreadState release(ThreadState w) {
        return release(w, Integer.MAX_VALUE);
    }

    /** Under the lock: as {@link #release(ThreadState)}, at most {@code max} packets. */
    private ThreadState release(ThreadState w, int max) {
        if (running >= concurrency) {
            return null;
        }
        // Packets go straight into the waiter's holder: it is parked (or queued on this lock, or selecting),
        // so nobody else touches that memory, and a woken thread never finds its packet gone.
        int handed = w.batchEntries != null ? drain(w.batchEntries, Math.min(max, w.batchCapacity))
                : takeOne(w.single) ? 1 : 0;
        if (handed == 0) {
            return null;
        }
        unlink(w);
        startRunning(w);
        w.outcome = handed; // volatile write: publishes the packets to the waiter
        return w;
    }

    /**
     * Under the lock: how many of the queued packets a turn's leader keeps, when parked waiters could share
     * them (see {@link #afterTurn}); the leader is one of {@link #waiterCount} and not yet running. Waiters
     * that turn selectors of their own are left to them: their sockets keep them busy, and a socket's
     * completions stay with the thread whose selector watches it.
     */
    private int share(ThreadState me) {
        int queued = queue.size() + overflow.size();
        if (queued < SHARE_THRESHOLD) {
            return Integer.MAX_VALUE;
        }
        int parked = 0;
        for (ThreadState w = waiters; w != null; w = w.next) {
            if (w != me && !w.leading) {
                parked++;
            }
        }
        int others = Math.min(parked, concurrency - running - 1);
        if (others <= 0) {
            return Integer.MAX_VALUE;
        }
        return (queued + others) / (others + 1);
    }

    /** Under the lock: releases every waiter the limit allows (after the running count dropped). */
    private ArrayList<ThreadState> releaseAll() {
        ArrayList<ThreadState> wake = null;
        ThreadState w;
        while ((w = releaseOne()) != null) {
            if (wake == null) {
                wake = new ArrayList<>(2);
            }
            wake.add(w);
        }
        return wake;
    }

    private static void unparkAll(ArrayList<ThreadState> threads) {
        if (threads != null) {
            threads.forEach(PortableCompletionPort::wake);
        }
    }

    /**
     * Wakes a waiter whose outcome was just set: out of {@code select} if it turns the sockets' selector
     * (its {@code leading} flag and its outcome are a Dekker pair with {@link #lead}), else out of its park.
     */
    private static void wake(ThreadState w) {
        if (w.leading) {
            w.reactor.wakeup(); // set before leading, which was read true after it
        }
        LockSupport.unpark(w.thread);
    }

    /**
     * Waits until a releaser hands packets over, the port closes or the time is up: in the sockets' selector
     * if nobody turns it (see {@link SocketReactor}), else parked.
     */
    private int awaitHandOff(ThreadState me, long nanos) throws PortClosedException {
        boolean forever = nanos == Long.MAX_VALUE;
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            for (;;) {
                // Like GetQueuedCompletionStatus, the wait ignores interrupts (a pending one would also end
                // every select at once); the status is restored below.
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                int outcome = me.outcome;
                if (outcome > 0) {
                    return outcome;
                }
                if (outcome == RELEASED_BY_CLOSE) {
                    throw Errors.portAbandoned("GetQueuedCompletionStatus");
                }
                long left = forever ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return timedOut(me);
                }
                SocketReactor[] reactors = left >= MIN_SELECT_NANOS ? PortableSockets.INSTANCE.reactorsIfOpen() : null;
                if (reactors != null) {
                    SocketReactor reactor = takeReactor(me, reactors);
                    if (reactor != null) {
                        try {
                            lead(me, reactor, forever ? 0 : TimeUnit.NANOSECONDS.toMillis(left));
                        } finally {
                            afterTurn(me);
                        }
                        continue;
                    }
                    requestReactor(me, reactors);
                }
                if (forever) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, left);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A free reactor for {@code me} to turn, taken, or null: the one it turned last first, so that a thread
     * keeps its sockets (their lines stay in its CPU's cache), else the next free one after it.
     */
    private static SocketReactor takeReactor(ThreadState me, SocketReactor[] reactors) {
        int home = me.reactor == null ? 0 : me.reactor.index;
        for (int i = 0; i < reactors.length; i++) {
            SocketReactor r = reactors[(home + i) % reactors.length];
            if (r.tryOwn()) {
                return r;
            }
        }
        return null;
    }

    /** No reactor was free: asks the driver of {@code me}'s last one (or any it holds) to hand it over. */
    private static void requestReactor(ThreadState me, SocketReactor[] reactors) {
        int home = me.reactor == null ? 0 : me.reactor.index;
        for (int i = 0; i < reactors.length; i++) {
            if (reactors[(home + i) % reactors.length].request()) {
                return;
            }
        }
    }

    /**
     * Turns a sockets' selector once while waiting: the operations it finishes post their packets, and
     * {@link #releaseOne} hands this port's to {@code me} first, which then runs them without a hand-off.
     */
    private static void lead(ThreadState me, SocketReactor reactor, long millis) {
        me.reactor = reactor; // before leading: a releaser that reads leading true wakes this one
        me.leading = true;
        try {
            if (me.outcome == WAITING) { // read after leading is set: a releaser either sees leading or is seen here
                reactor.turn(millis);
            }
        } finally {
            me.leading = false;
            reactor.release();
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
            throw Errors.portAbandoned("GetQueuedCompletionStatus");
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
        ArrayList<ThreadState> wake = null;
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

    /** How many threads have waited on this port and live. */
    int associatedThreads() {
        synchronized (lock) {
            return associated.size();
        }
    }

    /**
     * Says how many threads will wait on this port (a dispatcher's, which start with work): its sockets are
     * spread over that many selectors even before they come.
     *
     * @param threads the threads to expect, at least 1 counts
     */
    public void expectThreads(int threads) {
        expectedThreads = threads;
    }

    /** How many selectors this port's sockets are spread over: its threads, come or expected. */
    int threadsToServe() {
        return Math.max(expectedThreads, associatedThreads());
    }

    /** One per thread: its association, its running flag and its place on a port's waiter stack. */
    private static final class ThreadState {
        final Thread thread = Thread.currentThread();
        PortableCompletionPort port;
        boolean running;
        boolean waiting;
        ThreadState next;
        Completion single;
        ByteBuffer batchEntries;
        int batchCapacity;
        volatile int outcome;
        /** Waiting in a sockets' selector rather than parked: woken with {@code Selector.wakeup}. */
        volatile boolean leading;
        /** The reactor it turns while {@link #leading} (set before the flag), then the one it turned last. */
        SocketReactor reactor;
        /** Its next post here while it runs wakes nobody ({@link #keepNextPost}); cleared by its next poll. */
        boolean keepNext;
        /** It kept a post since its last poll: that poll hands what it leaves to the waiters. */
        boolean kept;
    }
}
