package org.iocp4j.internal.portable;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the portable sockets' {@link Selector}s, turned by whichever thread owns it: readiness in, operations
 * finished and their packets posted out. Each socket belongs to one reactor ({@code PortableSockets}).
 *
 * <p>Who turns it (leader/follower, as Boost.Asio's reactor on Linux): a thread about to wait in a
 * {@link PortableCompletionPort} takes a selector nobody has, the one it turned last if it can, and waits in
 * {@code select} instead of parking. The operations it finishes post their packets to their ports; its own port hands them to it
 * first ({@code PortableCompletionPort.releaseOne}), so a completion goes from the readiness to the
 * callback on one thread, with no hand-off. The other waiting threads park as before (followers) and are
 * woken only for packets the leader cannot take (the port's limit, a full batch) or for other ports.
 *
 * <p>A <em>driver</em> thread ({@value #DRIVER_NAME}) keeps the selector turning when no port thread does:
 * when nobody polls a port (the SPI used directly), or every port thread is busy in callbacks. It takes the
 * selector after it has been free for {@link #VACANCY_NANOS}, and gives it up as soon as a port thread
 * asks for it ({@link #request}), so in a dispatcher's steady state the port threads lead and the driver
 * only looks in now and then. Only the owner registers channels and changes interest sets; other threads
 * queue the socket ({@link #interestChanged}) and wake the owner.
 */
final class SocketReactor {

    /** The drivers' names: this, a dash and the reactor's index. */
    static final String DRIVER_NAME = "iocp4j-portable-selector";
    private static final Logger LOG = LoggerFactory.getLogger(SocketReactor.class);
    /** How long the selector may stay free before the driver takes it: the latency bound without port threads. */
    private static final long VACANCY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The driver's longest look-in interval while port threads lead. */
    private static final long MAX_STANDBY_NANOS = TimeUnit.MILLISECONDS.toNanos(16);

    private final Selector selector;
    /** Its place among the reactors. */
    final int index;
    private final Thread driver;
    /** Set by {@link #shutDown}: the driver stops. */
    private volatile boolean stopped;
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private final ConcurrentLinkedQueue<PortableSockets.Sock> interestChanged = new ConcurrentLinkedQueue<>();
    /** What a selection does with each ready key ({@link #ready(SelectionKey)}), made once. */
    private final Consumer<SelectionKey> onReady = SocketReactor::ready;
    /** Closers waiting for a selection to end (see {@link #awaitSelection}). */
    private final ConcurrentLinkedQueue<CountDownLatch> barriers = new ConcurrentLinkedQueue<>();
    /** A port thread that wants the selector the driver holds: the driver hands it over and wakes it. */
    private volatile Thread requester;
    /** When the selector was last given up, for the driver's vacancy rule. */
    private volatile long freeSince = System.nanoTime();
    /**
     * Selections begun: the owner counts one just before each. A read records the count it sees after its
     * {@code read} returns; a zero-byte read trusts its key's "readable" only if no read did so since the
     * selection that said it (see {@code PortableSockets.Recv}).
     */
    private volatile long selections;

    SocketReactor(int index) throws IOException {
        this.index = index;
        selector = Selector.open();
        driver = new Thread(this::drive, DRIVER_NAME + "-" + index);
        driver.setDaemon(true);
        driver.start();
    }

    Selector selector() {
        return selector;
    }

    /** Whether {@code t} is this reactor's driver: for tests and diagnostics. */
    boolean isDriver(Thread t) {
        return t == driver;
    }

    /**
     * Stops the driver and closes the selector: only for a reactor that never served a socket (its siblings
     * failed to open).
     */
    void shutDown() {
        stopped = true;
        LockSupport.unpark(driver);
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing an unused selector", e);
        }
    }

    long selections() {
        return selections;
    }

    // ---- ownership ----

    /** Takes the selector if nobody has it. */
    boolean tryOwn() {
        return owner.get() == null && owner.compareAndSet(null, Thread.currentThread());
    }

    /** The thread that owns the selector now, or null: for tests and diagnostics. */
    Thread owner() {
        return owner.get();
    }

    /** Whether the calling thread owns the selector. */
    boolean ownedByCaller() {
        return owner.get() == Thread.currentThread();
    }

    /**
     * Gives the selector up. A closer that queued a barrier meanwhile needs one more selection, and a
     * leader that goes off with packets would never make it, so that selection happens here.
     */
    void release() {
        if (!barriers.isEmpty()) {
            turn(-1);
        }
        freeSince = System.nanoTime();
        owner.set(null);
    }

    /**
     * A port thread found every selector taken and is about to park: if the driver has this one, it is asked to
     * hand it over, and wakes the caller when it has (a change of hands, not a step of the steady state).
     *
     * @return whether the driver had it and was asked
     */
    boolean request() {
        if (owner.get() == driver) {
            requester = Thread.currentThread();
            selector.wakeup();
            return true;
        }
        return false;
    }

    /** Wakes whoever is (or is about to be) in {@code select}. */
    void wakeup() {
        selector.wakeup();
    }

    // ---- turning ----

    /**
     * One selection and what it found, by the owner: the queued interest changes, the selection, which runs
     * each ready key's operations as it finds the key, then the barriers' count-down and the interest
     * changes queued meanwhile.
     *
     * @param timeoutMillis {@code -1} select now, {@code 0} until woken, else at most that long
     */
    void turn(long timeoutMillis) {
        try {
            CountDownLatch[] passing = null;
            if (!barriers.isEmpty()) {
                ArrayDeque<CountDownLatch> q = new ArrayDeque<>();
                for (CountDownLatch b; (b = barriers.poll()) != null;) {
                    q.add(b);
                }
                passing = q.toArray(new CountDownLatch[0]);
                timeoutMillis = -1;
            }
            for (PortableSockets.Sock s; (s = interestChanged.poll()) != null;) {
                updateInterest(s);
            }
            // Keys of channels closed before this point are dropped (and the channels really closed) by this
            // selection, which returns at once if anyone waits on it.
            selections++; // the owner alone writes it
            // The ready keys go to onReady as the selection finds them: no selected-key set, so no set node
            // per ready key and no iterator per turn (an echo's round trip allocated both).
            if (timeoutMillis < 0) {
                selector.selectNow(onReady);
            } else {
                selector.select(onReady, timeoutMillis);
            }
            if (passing != null) {
                for (CountDownLatch b : passing) {
                    b.countDown();
                }
            }
            for (PortableSockets.Sock s; (s = interestChanged.poll()) != null;) {
                updateInterest(s);
            }
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                LOG.warn("the portable sockets' selector caught an exception and carries on", e);
            }
        }
    }

    /** One ready key of a selection: its socket's operations run, under its monitor. */
    private static void ready(SelectionKey k) {
        try {
            PortableSockets.ready((PortableSockets.Sock) k.attachment(), k);
        } catch (RuntimeException e) {
            // Operations do not throw (Op.attempt); whatever else did must not skip the other keys.
            LOG.warn("the portable sockets' selector caught an exception and carries on", e);
        }
    }

    /** A socket's queued operations changed what it waits for: the owner updates its key before it selects. */
    void interestChanged(PortableSockets.Sock s) {
        interestChanged.add(s);
        if (!ownedByCaller()) {
            selector.wakeup();
        }
    }

    private void updateInterest(PortableSockets.Sock s) {
        synchronized (s) {
            SelectableChannel c = s.channel != null ? s.channel : s.server;
            if (c == null || s.closed || !c.isOpen()) {
                return;
            }
            int ops = s.interest() & c.validOps();
            SelectionKey k = s.key != null && s.key.channel() == c ? s.key : null;
            try {
                if (k == null) {
                    if (ops != 0) {
                        s.key = c.register(selector, ops, s);
                    }
                } else if (k.isValid()) {
                    k.interestOps(ops);
                }
            } catch (ClosedChannelException | CancelledKeyException e) {
                // closed meanwhile: close() failed its operations
            }
        }
    }

    /**
     * NIO defers the real close of a channel registered with a selector until the selector drops its key,
     * in its next selection. Until then a closed listener still completes connections in its backlog (which
     * then reset) and its port stays taken: unlike {@code closesocket}. So close waits (briefly) for one
     * selection after the close: its own, if the selector is free.
     */
    void awaitSelection() {
        if (ownedByCaller()) {
            return; // the selection this thread is in (or makes next) drops the key
        }
        if (tryOwn()) {
            try {
                turn(-1);
            } finally {
                release();
            }
            return;
        }
        CountDownLatch passed = new CountDownLatch(1);
        barriers.add(passed);
        selector.wakeup();
        try {
            if (!passed.await(1, TimeUnit.SECONDS)) {
                LOG.debug("the selector did not pass a selection within 1 s of a close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the driver ----

    private void drive() {
        long standby = VACANCY_NANOS;
        while (!stopped) {
            if (owner.get() == null && System.nanoTime() - freeSince >= VACANCY_NANOS && tryOwn()) {
                lead();
                standby = VACANCY_NANOS;
            } else {
                // Port threads lead (or just left): look in less often the longer they keep it.
                LockSupport.parkNanos(this, standby);
                standby = owner.get() == null ? VACANCY_NANOS : Math.min(standby * 2, MAX_STANDBY_NANOS);
            }
        }
    }

    /** The driver turns the selector until a port thread asks for it. */
    private void lead() {
        Thread handTo = null;
        try {
            while (!stopped && (handTo = requester) == null) {
                turn(0);
                Thread.interrupted(); // nobody should interrupt it; if someone did, select must not spin
            }
        } finally {
            requester = null;
            release();
        }
        if (handTo != null) {
            LockSupport.unpark(handTo);
        }
    }
}
