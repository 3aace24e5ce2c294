package org.iocp4j.io;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.iocp4j.IoDispatcher;
import org.iocp4j.Win32Error;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.LogLimiter;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.SocketAddresses;
import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.windows.Win32Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening TCP socket bound to an {@link IoDispatcher} that keeps a configurable number of
 * {@code AcceptEx} calls posted, so a burst of connections is accepted by the kernel while no
 * {@link #accept} call is waiting (the JDK keeps one posted, libuv 32; the default here is
 * {@value #DEFAULT_PENDING_ACCEPTS}). Each pending accept holds one fresh socket, so the number is a trade
 * between burst capacity and idle handles.
 *
 * <p>An accepted connection gets {@code SO_UPDATE_ACCEPT_CONTEXT} and its addresses
 * ({@code GetAcceptExSockaddrs}) before it is handed out. Connections accepted while no one asks wait in a
 * queue of at most the pending-accept count; beyond that the kernel's backlog holds them. A client that
 * resets before its accept completes is dropped silently and the accept posted again. Every error path
 * closes the socket it made: no handle leaks (the {@code AcceptEx} error paths are where nginx and mio
 * leaked).
 *
 * <p>Any other failed accept goes to the oldest {@link #accept} caller waiting, or, with none, to the next
 * one; it is counted ({@link #acceptFailures()}) and logged at WARN at most once per 10 s. A lone failure
 * is posted again at once; failures in a row back off (an accept that failed at once included), 50 ms
 * doubling up to 1.6 s, as Tomcat's acceptor does, so an error that persists (no buffers, no handles)
 * costs a few calls a second instead of a loop. The first accepted connection ends the series.
 */
public final class OverlappedServerSocket extends HandleChannel {

    /** Accepts kept posted unless told otherwise. */
    public static final int DEFAULT_PENDING_ACCEPTS = 4;
    /** The listen backlog unless told otherwise. */
    public static final int DEFAULT_BACKLOG = 512;

    private static final Logger LOG = LoggerFactory.getLogger(OverlappedServerSocket.class);
    private static final long FIRST_RETRY_MILLIS = 50;
    private static final long MAX_RETRY_MILLIS = 1600;
    private static final long LOG_INTERVAL_SECONDS = 10;

    private final SocketBackend sockets;
    private final int family;
    private final InetSocketAddress local;
    private final int pendingAccepts;
    private final Object lock = new Object();
    // Guarded by lock.
    private final ArrayDeque<OverlappedSocket> ready = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int posted;
    /** Failed accepts since the last success, client resets aside. */
    private int failuresInARow;
    /** A re-post is scheduled: nothing posts accepts until it runs. */
    private boolean backingOff;
    /** A failure no {@link #accept} caller has heard yet (the next one does). */
    private Throwable unheard;
    private final AtomicLong acceptFailures = new AtomicLong();
    private final LogLimiter failureLog = new LogLimiter(TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS));

    private OverlappedServerSocket(IoDispatcher dispatcher, long handle, SocketBackend sockets, int family,
                                   InetSocketAddress local, int pendingAccepts) throws IOException {
        super(dispatcher, handle);
        this.sockets = sockets;
        this.family = family;
        this.local = local;
        this.pendingAccepts = pendingAccepts;
    }

    /**
     * Listens on {@code local} with the default backlog and pending-accept count.
     *
     * @param dispatcher the dispatcher whose threads run the completions
     * @param local      the address to listen on (port 0: any free port; see {@link #localAddress()})
     * @return the listening socket
     * @throws BindException              the address is refused at bind: 10048 {@code WSAEADDRINUSE} (in use)
     *                                    or 10049 {@code WSAEADDRNOTAVAIL} (not this machine's), as a
     *                                    {@link Win32Exceptions.Bind} that keeps the code and its message
     * @throws UnresolvedAddressException if {@code local} is unresolved
     * @throws IOException                other failures, with their code
     */
    public static OverlappedServerSocket open(IoDispatcher dispatcher, InetSocketAddress local) throws IOException {
        return open(dispatcher, local, DEFAULT_BACKLOG, DEFAULT_PENDING_ACCEPTS);
    }

    /**
     * Listens on {@code local}.
     *
     * @param dispatcher     the dispatcher
     * @param local          the address
     * @param backlog        the listen backlog
     * @param pendingAccepts how many {@code AcceptEx} calls to keep posted, 1 or more
     * @return the listening socket
     * @throws BindException              the address is refused at bind (10048, 10049): see
     *                                    {@link #open(IoDispatcher, InetSocketAddress)}
     * @throws UnresolvedAddressException if {@code local} is unresolved
     * @throws IllegalArgumentException   if {@code backlog} or {@code pendingAccepts} is below 1
     * @throws IOException                other failures, with their code
     */
    public static OverlappedServerSocket open(IoDispatcher dispatcher, InetSocketAddress local, int backlog,
                                              int pendingAccepts) throws IOException {
        Objects.requireNonNull(dispatcher, "dispatcher");
        return open(dispatcher, local, backlog, pendingAccepts, OverlappedSocket.backendOf(dispatcher));
    }

    /** {@link #open(IoDispatcher, InetSocketAddress, int, int)} over the given sockets (tests). */
    static OverlappedServerSocket open(IoDispatcher dispatcher, InetSocketAddress local, int backlog,
                                       int pendingAccepts, SocketBackend sockets) throws IOException {
        if (local.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        if (pendingAccepts < 1 || backlog < 1) {
            throw new IllegalArgumentException("pendingAccepts and backlog must be 1 or more: " + pendingAccepts
                    + ", " + backlog);
        }
        int family = SocketAddresses.familyOf(local);
        long handle = sockets.socket(family);
        if (handle < 0) {
            throw Errors.ioException("WSASocketW", (int) -handle, false, null);
        }
        OverlappedServerSocket server;
        try {
            int r = sockets.bind(handle, local);
            if (r < 0) {
                throw Errors.ioException("bind", -r, false, null);
            }
            r = sockets.listen(handle, backlog); // the portable backend binds here, so 10048 may come from it
            if (r < 0) {
                throw Errors.ioException("listen", -r, false, null);
            }
            int[] error = new int[1];
            InetSocketAddress bound = sockets.localAddress(handle, error);
            if (bound == null) {
                throw Errors.ioException("getsockname", error[0], false, null);
            }
            server = new OverlappedServerSocket(dispatcher, handle, sockets, family, bound, pendingAccepts);
        } catch (IOException | RuntimeException e) {
            sockets.close(handle);
            throw e;
        }
        server.topUp();
        return server;
    }

    /**
     * The address it listens on (with the real port when opened with port 0).
     *
     * @return the address
     */
    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * How many {@code AcceptEx} calls it keeps posted.
     *
     * @return the count
     */
    public int pendingAccepts() {
        return pendingAccepts;
    }

    /**
     * Accepts that failed for a reason other than a client that reset before it was accepted (each also
     * reaches an {@link #accept} caller, and a series of them backs off: see the class comment).
     *
     * @return the count since the server opened
     */
    public long acceptFailures() {
        return acceptFailures.get();
    }

    /**
     * Accepts the next connection. If one is already waiting, the handler runs at once on this thread;
     * otherwise on an I/O thread when a connection comes.
     *
     * @param attachment handed to the handler
     * @param handler    gets the connected socket (bound to this dispatcher), or the failure
     *                   ({@code ClosedChannelException} if closed, {@link Win32Exceptions.AsynchronousClose}
     *                   if closed while waiting, or the failure of an accept posted while nobody waited)
     * @param <A>        the attachment type
     */
    @SuppressWarnings("unchecked")
    public <A> void accept(A attachment, CompletionHandler<OverlappedSocket, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        request(new Waiter((CompletionHandler<OverlappedSocket, Object>) handler, attachment, null));
    }

    /**
     * Accepts the next connection; see {@link #accept(Object, CompletionHandler)}.
     *
     * @return the connected socket
     */
    public IoFuture<OverlappedSocket> accept() {
        IoFuture<OverlappedSocket> f = new IoFuture<>();
        request(new Waiter(null, null, f));
        return f;
    }

    private void request(Waiter w) {
        OverlappedSocket s = null;
        Throwable failure = null;
        boolean closed;
        synchronized (lock) {
            closed = !isOpen();
            if (!closed) {
                s = ready.poll();
                if (s == null) {
                    failure = unheard;
                    unheard = null;
                    if (failure == null) {
                        waiting.add(w);
                    }
                }
            }
        }
        try {
            if (closed) {
                w.fail(new ClosedChannelException());
            } else if (s != null) {
                w.succeed(s);
            } else if (failure != null) {
                w.fail(failure);
            }
        } finally {
            topUp();
        }
    }

    /** Posts accepts until {@code pendingAccepts} are posted or waiting to be taken, unless backing off. */
    private void topUp() {
        int n;
        synchronized (lock) {
            if (!isOpen() || backingOff) {
                return;
            }
            n = pendingAccepts - posted - ready.size();
            if (n <= 0) {
                return;
            }
            posted += n;
        }
        for (int i = 0; i < n; i++) {
            start(new Accept(this), 0);
        }
    }

    private void accepted(OverlappedSocket s) {
        Waiter w;
        boolean keep;
        synchronized (lock) {
            posted--;
            failuresInARow = 0;
            unheard = null; // stale: the listener works
            w = waiting.poll();
            keep = w == null && isOpen();
            if (keep) {
                ready.add(s);
            }
        }
        try {
            if (w != null) {
                w.succeed(s);
            } else if (!keep) {
                s.close(Duration.ZERO); // the listener closed meanwhile: nobody will take it
            }
        } finally {
            topUp();
        }
    }

    private void acceptFailed(Accept op, Throwable t) {
        List<Waiter> failing = new ArrayList<>();
        boolean open;
        boolean clientGone = isClientGone(t);
        long delay = 0;
        int inARow = 0;
        boolean schedule = false;
        synchronized (lock) {
            posted--;
            open = isOpen();
            if (!open) {
                failing.addAll(waiting);
                waiting.clear();
            } else if (!clientGone) {
                acceptFailures.incrementAndGet();
                inARow = ++failuresInARow;
                Waiter w = waiting.poll();
                if (w != null) {
                    failing.add(w);
                } else {
                    unheard = t;
                }
                // Posted again from here, an accept that failed at once would recurse: it always waits.
                delay = retryDelayMillis(op.failedAtOnce ? inARow : inARow - 1);
                schedule = delay > 0 && !backingOff;
                backingOff |= delay > 0;
            }
        }
        try {
            for (Waiter w : failing) {
                w.fail(t);
            }
        } finally {
            if (schedule) {
                logBackOff(t, inARow, delay);
                retryAfter(delay);
            } else if (open && (clientGone || delay == 0) && !op.failedAtOnce) {
                topUp();
            }
        }
    }

    /** The wait before posting again after the {@code n}th retry in a row: none for 0, then doubling. */
    private static long retryDelayMillis(int n) {
        return n <= 0 ? 0 : Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(n - 1, 16));
    }

    private void logBackOff(Throwable t, int inARow, long delay) {
        long heldBack = failureLog.tryAcquire();
        if (heldBack >= 0) {
            LOG.warn("{}: accept failed {} time(s) in a row ({} in all, {} such line(s) held back); posting again in"
                    + " {} ms: {}", this, inARow, acceptFailures.get(), heldBack, delay, t.toString());
        }
    }

    /** Ends the back-off after {@code delay} ms, on an I/O thread. */
    private void retryAfter(long delay) {
        Executor onDispatcher = task -> {
            try {
                dispatcher.execute(task);
            } catch (RejectedExecutionException e) {
                // Shut down, or its task queue full: the next accept() or completion posts again.
                synchronized (lock) {
                    backingOff = false;
                }
            }
        };
        CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, onDispatcher).execute(() -> {
            synchronized (lock) {
                backingOff = false;
            }
            topUp();
        });
    }

    /** The client reset before its accept completed: nothing for the application to hear. */
    private static boolean isClientGone(Throwable t) {
        if (!(t instanceof Win32Error)) {
            return false;
        }
        int code = ((Win32Error) t).errorCode();
        return code == Win32Errors.WSAECONNRESET || code == Win32Errors.ERROR_NETNAME_DELETED;
    }

    @Override
    void closing() {
        List<OverlappedSocket> unclaimed;
        List<Waiter> failing;
        synchronized (lock) {
            unclaimed = new ArrayList<>(ready);
            ready.clear();
            failing = new ArrayList<>(waiting);
            waiting.clear();
        }
        for (OverlappedSocket s : unclaimed) {
            s.close(Duration.ZERO);
        }
        for (Waiter w : failing) {
            w.fail(Errors.ioException("AcceptEx", Win32Errors.ERROR_OPERATION_ABORTED, true, null));
        }
    }

    @Override
    int cancelIo(long overlapped) {
        return sockets.cancel(handle, overlapped);
    }

    @Override
    int closeHandle() {
        return sockets.close(handle);
    }

    @Override
    public String toString() {
        return "OverlappedServerSocket[" + local + ", handle 0x" + Long.toHexString(handle) + "]";
    }

    /** One {@link #accept} call waiting for a connection. */
    private static final class Waiter {
        final CompletionHandler<OverlappedSocket, Object> handler;
        final Object attachment;
        final IoFuture<OverlappedSocket> future;

        Waiter(CompletionHandler<OverlappedSocket, Object> handler, Object attachment, IoFuture<OverlappedSocket> future) {
            this.handler = handler;
            this.attachment = attachment;
            this.future = future;
        }

        void succeed(OverlappedSocket s) {
            if (future != null) {
                if (!future.complete(s)) {
                    s.close(Duration.ZERO); // the future was cancelled: nobody owns the socket
                }
            } else {
                handler.completed(s, attachment);
            }
        }

        void fail(Throwable t) {
            if (future != null) {
                future.completeExceptionally(t);
            } else {
                handler.failed(t, attachment);
            }
        }
    }

    /** One posted {@code AcceptEx}: its socket and address block are freed on every path but success. */
    private static final class Accept extends PendingIo<OverlappedSocket> {
        private final OverlappedServerSocket server;
        private long acceptedHandle = -1;
        /** The AcceptEx address block: the kernel writes it until the packet, so the operation holds it. */
        private NativeRegion addresses;

        Accept(OverlappedServerSocket server) {
            super(server, (CompletionHandler<OverlappedSocket, Object>) null, null);
            this.server = server;
        }

        @Override
        String operation() {
            return "AcceptEx";
        }

        @Override
        long initiate(long overlappedAddress) {
            long s = server.sockets.socket(server.family);
            if (s < 0) {
                return s;
            }
            acceptedHandle = s;
            addresses = NativeRegion.allocate(Win32Socket.ACCEPT_ADDRESSES_SIZE);
            return server.sockets.accept(server.handle, acceptedHandle, addresses.address(), overlappedAddress);
        }

        @Override
        OverlappedSocket succeeded(int bytes) throws IOException {
            int[] error = new int[1];
            InetSocketAddress[] ends = server.sockets.finishAccept(server.handle, acceptedHandle, addresses.address(),
                    error);
            if (ends == null) {
                throw Errors.ioException("SO_UPDATE_ACCEPT_CONTEXT/GetAcceptExSockaddrs", error[0], false, null);
            }
            addresses = null;
            OverlappedSocket s = new OverlappedSocket(server.dispatcher, acceptedHandle, server.sockets, ends[0], ends[1]);
            acceptedHandle = -1; // the socket owns it now
            return s;
        }

        @Override
        void failedCleanup() {
            addresses = null; // the packet came (or never will): the kernel is done with it
            if (acceptedHandle != -1) {
                server.sockets.close(acceptedHandle);
                acceptedHandle = -1;
            }
        }

        @Override
        void handOut(OverlappedSocket value, Throwable failure) {
            if (failure == null) {
                server.accepted(value);
            } else {
                server.acceptFailed(this, failure);
            }
        }
    }
}
