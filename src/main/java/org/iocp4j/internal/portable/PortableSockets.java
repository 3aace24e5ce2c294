package org.iocp4j.internal.portable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.internal.Errors;
import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.windows.Win32Socket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SocketBackend} on NIO for every platform: readiness turned into completions.
 *
 * <p>Each overlapped call is tried at once on the calling thread (a non-blocking read, write, accept or
 * connect); if it cannot proceed it joins its socket's FIFO queue for that direction and the
 * {@link SocketReactor} finishes it when the channel is ready, on whichever thread turns that socket's selector
 * (a port's waiting thread, usually the one that then runs the callback). There are a few reactors, one per
 * CPU up to {@link #MAX_REACTORS}, and each socket belongs to one, dealt round-robin when it first waits among
 * as many as its port has (or expects) threads: with a dispatcher's threads each turning a selector of their own, a
 * socket's readiness, completions and next operations stay on one thread, as in an event-loop group (its
 * state, its buffers and the kernel's socket stay in one CPU's cache), and the threads select in parallel
 * instead of taking turns at one selector. A port with one thread deals all its sockets to the first
 * reactor, which that thread turns: a reactor no port thread turns is left to its driver, whose completions
 * are a hand-off to the port's thread. The two ends of a loopback connection made in this process go to one
 * reactor: loopback delivers data within the sender's system call, so the thread that sent finds its peer
 * readable in its own next selection, and the round trip needs no wake-up of another thread. Either way exactly one packet is
 * posted, to the port the socket is associated with (for an accept: the listener's), and the call returns
 * -997 like an overlapped call that went pending; except that a receive or send that succeeds at once on a
 * socket that skips the port on success returns its byte count and posts nothing, as on Windows. A
 * socket's queues, its channel and its closed flag are guarded by its own monitor, held across the
 * non-blocking attempt so a later operation never overtakes a queued one; the reactor's owner alone
 * registers channels and changes interest sets.
 */
public final class PortableSockets implements SocketBackend {

    /** The one instance. */
    public static final PortableSockets INSTANCE = new PortableSockets();

    private static final Logger LOG = LoggerFactory.getLogger(PortableSockets.class);
    private static final int PENDING = -Win32Errors.ERROR_IO_PENDING;
    private static final int WSAEINVAL = Win32Errors.WSAEINVAL;
    private static final int WSAENOPROTOOPT = Win32Errors.WSAENOPROTOOPT;

    /** At most this many reactors, however many CPUs: more threads than reactors follow (park) meanwhile. */
    static final int MAX_REACTORS = 4;
    /** How many reactors: one per CPU up to {@link #MAX_REACTORS}. */
    static final int REACTOR_COUNT = Math.max(1, Math.min(MAX_REACTORS, Runtime.getRuntime().availableProcessors()));

    /** Opened with the first socket operation that has to wait; {@link #REACTOR_COUNT} of them. */
    private volatile SocketReactor[] reactors;
    /** Deals sockets to reactors. */
    private final AtomicInteger nextReactor = new AtomicInteger();
    /** Loopback connections of this process that have waited, by their ends: a peer is dealt its peer's reactor. */
    private final ConcurrentHashMap<Ends, Sock> loopbackEnds = new ConcurrentHashMap<>();

    /** A receive that fills this many bytes or more is bulk data: the next one tries at once again. */
    static final int BULK_FILL = 2048;

    private PortableSockets() {
    }

    /** A socket: nothing but a family until bound, listened on or connected (as a Winsock socket). */
    static final class Sock {
        final int family;
        PortableHandles.Entry entry;
        // Guarded by this.
        InetSocketAddress bindAddress;
        /**
         * Bound to {@link #bindAddress} from bind to listen or connect when it names a port: the address is
         * taken at bind, as in Winsock (10048 there, not later), while NIO has yet to learn whether the socket
         * will listen (a server channel) or connect (this channel). Null for port 0, which never conflicts.
         */
        SocketChannel reserved;
        SocketChannel channel;
        ServerSocketChannel server;
        final Map<SocketOption<Object>, Object> options = new LinkedHashMap<>();
        final ArrayDeque<Op> reads = new ArrayDeque<>();
        final ArrayDeque<Op> writes = new ArrayDeque<>();
        final ArrayDeque<Op> accepts = new ArrayDeque<>();
        Op connect;
        boolean closed;
        /** Its channel's (or server's) key in the reactor's selector, once the reactor's owner registered it. */
        SelectionKey key;
        /**
         * The last receive tried at once found nothing: the next waits for the selector's word without trying,
         * which saves a system call that fails per receive in request/response traffic (the answer is never
         * there yet when the next read is issued). Cleared when a receive fills buffers of at least
         * {@link #BULK_FILL} bytes (bulk data: more is likely queued) or a zero-byte receive reports data (the
         * caller then reads it, and expects it at once). A small message that fills its buffer exactly (an
         * echo's) does not clear it: clearing then cost a failed read per round trip.
         */
        boolean readsWait;
        /** {@code SocketReactor.selections()} as a read on the channel last saw it on its return (-1: no read yet). */
        long lastReadSelection = -1;
        /**
         * The last receive and send started, kept for the next one with the same buffer array (a reusable
         * operation's, {@code org.iocp4j.io.SocketOperation}): once done and out of its queue, it is set up
         * again instead of allocated with its duplicates.
         */
        Recv lastRecv;
        Send lastSend;

        /** Which of the reactors watches it, dealt when it first waits (under the monitor); -1 before. */
        volatile int reactorIndex = -1;
        /** A loopback connection's ends once dealt, its key in {@code loopbackEnds}; guarded by this. */
        Ends ends;

        Sock(int family) {
            this.family = family;
        }

        /**
         * Under the monitor: whether an accept may take it. AcceptEx wants a socket "not bound or connected"
         * and fails with WSAEINVAL otherwise; here the socket would also lose (and leak) its channel.
         */
        boolean acceptable() {
            return bindAddress == null && channel == null && server == null;
        }

        /** Under the monitor: the interest set the queued operations need. */
        int interest() {
            int ops = 0;
            if (!reads.isEmpty()) {
                ops |= SelectionKey.OP_READ;
            }
            if (!writes.isEmpty()) {
                ops |= SelectionKey.OP_WRITE;
            }
            if (!accepts.isEmpty()) {
                ops |= SelectionKey.OP_ACCEPT;
            }
            if (connect != null) {
                ops |= SelectionKey.OP_CONNECT;
            }
            return ops;
        }
    }

    /** One overlapped call: {@link #attempt} under the socket's monitor; true when it is complete. */
    abstract static class Op {
        final Sock sock;
        /** Final but for {@link #reuse}, under the monitor, of an operation done and out of its queue. */
        long overlapped;
        /** Guarded by sock's monitor: its one packet is posted. */
        private boolean completed;
        /**
         * Guarded by sock's monitor: set while the call's own thread makes its first attempt. A receive or
         * send that succeeds then, on a socket that skips the port on success, keeps its byte count here
         * instead of posting a packet (-1: none kept).
         */
        boolean atOnce;
        private int atOnceBytes = -1;

        Op(Sock sock, long overlapped) {
            this.sock = sock;
            this.overlapped = overlapped;
        }

        /** Under the monitor: sets up an operation that is done and in no queue for another OVERLAPPED. */
        void reuse(long nextOverlapped) {
            overlapped = nextOverlapped;
            completed = false;
            atOnceBytes = -1;
        }

        /** Under the monitor: whether its packet is posted (or its byte count kept): no queue holds it now. */
        boolean done() {
            return completed;
        }

        /**
         * Tries to finish; true when done (and the packet posted). Never throws: a runtime exception (NIO's,
         * or a bug's) ends the operation with an error packet. Thrown in the selector's turn it would leave
         * the operation at its queue's head, never completed and holding back every operation behind it;
         * thrown on a caller's thread it would escape an overlapped call that promised a packet.
         */
        final boolean attempt() {
            try {
                return tryFinish();
            } catch (RuntimeException e) {
                LOG.debug("an attempt of a portable socket operation threw: it ends with an error packet", e);
                complete(bytesSoFar(), Errors.codeOf(e));
                return true;
            }
        }

        /** {@link #attempt}'s work: true when done (and the packet posted). */
        abstract boolean tryFinish();

        /**
         * The first attempt, on the caller's thread: returns the byte count if the operation succeeded and its
         * packet was skipped (see {@link #atOnce}), else {@code -997} (done with its packet posted, or not done).
         */
        final long attemptAtOnce() {
            atOnce = true;
            try {
                attempt();
            } finally {
                atOnce = false;
            }
            return atOnceBytes >= 0 ? atOnceBytes : PENDING;
        }

        /** Whether a success at once may skip the port: WSARecv and WSASend, not AcceptEx or ConnectEx here. */
        boolean mayCompleteAtOnce() {
            return false;
        }

        /** The bytes it has moved so far, for a packet that ends it early (a cancel, a close, an error). */
        int bytesSoFar() {
            return 0;
        }

        /**
         * Posts the operation's packet, once: whichever of attempt, cancel, close or the runtime-exception
         * net comes second (a bug) posts nothing, since the OVERLAPPED may already be freed and reused.
         */
        void complete(int bytes, int error) {
            if (completed) {
                LOG.warn("a second completion of one portable socket operation (error {}) was dropped", error);
                return;
            }
            completed = true;
            if (atOnce && error == 0 && mayCompleteAtOnce() && sock.entry.skipsOnSuccess()) {
                atOnceBytes = bytes;
                return;
            }
            sock.entry.complete(overlapped, bytes, error);
        }
    }

    private static Sock sock(long handle) {
        PortableHandles.Entry e = PortableHandles.lookup(handle);
        return e != null && e.resource() instanceof Sock ? (Sock) e.resource() : null;
    }

    @Override
    public long socket(int family) {
        if (family != Win32Socket.AF_INET && family != Win32Socket.AF_INET6) {
            return -Win32Errors.WSAEAFNOSUPPORT;
        }
        Sock s = new Sock(family);
        s.entry = PortableHandles.register(s);
        return s.entry.handle();
    }

    @Override
    public int bind(long socket, InetSocketAddress local) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (s) {
            if (s.bindAddress != null || s.channel != null || s.server != null || s.closed) {
                return -WSAEINVAL;
            }
            try {
                if (local.getPort() != 0) {
                    s.reserved = reserve(s, local);
                } else if (!local.getAddress().isAnyLocalAddress()) {
                    reserve(s, local).close(); // only to ask: an address this machine lacks is 10049 here, as in Winsock
                }
            } catch (IOException | RuntimeException e) {
                return -Errors.codeOf(e);
            }
            s.bindAddress = local;
            return 0;
        }
    }

    /**
     * A channel bound to {@code local}, with the socket's options. Unless the user chose, its
     * {@code SO_REUSEADDR} is what the server channel that replaces it at listen would have by default
     * (on Linux on, so a port whose earlier connections linger in TIME_WAIT stays bindable while one a
     * listener holds does not; on Windows off, where on would let it share a listener's port).
     */
    private static SocketChannel reserve(Sock s, InetSocketAddress local) throws IOException {
        SocketChannel c = SocketChannel.open();
        try {
            c.configureBlocking(false);
            c.setOption(StandardSocketOptions.SO_REUSEADDR, ServerDefaults.REUSE_ADDRESS);
            applyOptions(s, c);
            c.bind(local);
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The options a server channel opens with on this platform, read once. */
    private static final class ServerDefaults {
        static final boolean REUSE_ADDRESS = reuseAddress();

        private static boolean reuseAddress() {
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                return probe.getOption(StandardSocketOptions.SO_REUSEADDR);
            } catch (IOException e) {
                return false; // Winsock's own default
            }
        }
    }

    @Override
    public int listen(long socket, int backlog) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (s) {
            if (s.bindAddress == null || s.channel != null || s.server != null) {
                return -WSAEINVAL;
            }
            try {
                if (s.reserved != null) {
                    s.reserved.close(); // never registered, never connected: the port is free at once
                    s.reserved = null;
                }
                ServerSocketChannel server = ServerSocketChannel.open();
                try {
                    server.configureBlocking(false);
                    for (Map.Entry<SocketOption<Object>, Object> o : s.options.entrySet()) {
                        if (server.supportedOptions().contains(o.getKey())) {
                            server.setOption(o.getKey(), o.getValue());
                        }
                    }
                    server.bind(s.bindAddress, backlog);
                } catch (IOException | RuntimeException e) {
                    server.close();
                    throw e;
                }
                s.server = server;
                return 0;
            } catch (IOException | RuntimeException e) {
                return -Errors.codeOf(e);
            }
        }
    }

    @Override
    public int accept(long listener, long accepted, long addresses, long overlapped) {
        Sock l = sock(listener);
        Sock a = sock(accepted);
        if (l == null || a == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (a) {
            if (!a.acceptable()) {
                return -WSAEINVAL; // at once, as AcceptEx
            }
        }
        return (int) start(new Accept(l, a, overlapped), l.accepts);
    }

    @Override
    public InetSocketAddress[] finishAccept(long listener, long accepted, long addresses, int[] errors) {
        Sock a = sock(accepted);
        if (a == null) {
            errors[0] = Win32Errors.ERROR_INVALID_HANDLE;
            return null;
        }
        synchronized (a) {
            try {
                return new InetSocketAddress[] {(InetSocketAddress) a.channel.getLocalAddress(),
                        (InetSocketAddress) a.channel.getRemoteAddress()};
            } catch (IOException | RuntimeException e) {
                errors[0] = Errors.codeOf(e);
                return null;
            }
        }
    }

    @Override
    public int connect(long socket, InetSocketAddress remote, long overlapped) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (s) {
            // ConnectEx refuses a socket that is not bound (10022), as it does a listening or connected one.
            if (s.bindAddress == null || s.channel != null || s.server != null || s.closed) {
                return -WSAEINVAL;
            }
            try {
                SocketChannel c = s.reserved != null ? s.reserved : SocketChannel.open();
                s.reserved = null;
                try {
                    c.configureBlocking(false);
                    applyOptions(s, c);
                    InetSocketAddress b = s.bindAddress;
                    // A loopback connection is bound before it connects even to the wildcard and port 0, so that
                    // its port is known while the connect is pending (see deal). Not others: a port picked at bind
                    // is unique for the address, one picked at connect only for the pair, and a client with many
                    // outbound connections would run out sooner.
                    boolean loopback = remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
                    if (c.getLocalAddress() == null
                            && (b.getPort() != 0 || !b.getAddress().isAnyLocalAddress() || loopback)) {
                        c.bind(b);
                    }
                } catch (IOException | RuntimeException e) {
                    c.close();
                    throw e;
                }
                s.channel = c;
            } catch (IOException | RuntimeException e) {
                return -Errors.codeOf(e);
            }
        }
        Connect op = new Connect(s, remote, overlapped);
        synchronized (s) {
            if (op.attempt()) {
                return PENDING;
            }
            s.connect = op;
        }
        interestChanged(s);
        return PENDING;
    }

    @Override
    public int finishConnect(long socket) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (s) {
            return s.channel != null && s.channel.isConnected() ? 0 : -Win32Errors.WSAENOTCONN;
        }
    }

    @Override
    public long recv(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        Recv op;
        synchronized (s) {
            op = s.lastRecv;
            if (op != null && op.done() && op.sameBuffers(buffers, offset, length) && s.reads.isEmpty()) {
                op.reuse(overlapped);
            } else {
                op = new Recv(s, buffers, offset, length, overlapped);
                s.lastRecv = op;
            }
        }
        return start(op, s.reads);
    }

    @Override
    public long send(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        Send op;
        synchronized (s) {
            op = s.lastSend;
            if (op != null && op.done() && op.sameBuffers(buffers, offset, length) && s.writes.isEmpty()) {
                op.reuse(overlapped);
            } else {
                op = new Send(s, buffers, offset, length, overlapped);
                s.lastSend = op;
            }
        }
        return start(op, s.writes);
    }

    /**
     * A receive's or send's buffers: duplicates of the caller's, whose positions NIO moves (the caller's
     * move only when the completion is handled, as a Win32 call leaves them alone), kept with the array
     * they came from so a later operation on the same array can reuse them ({@link Sock#lastRecv}).
     */
    abstract static class Transfer extends Op {
        final ByteBuffer[] source;
        final int offset;
        final ByteBuffer[] buffers;

        Transfer(Sock sock, ByteBuffer[] source, int offset, int length, long overlapped) {
            super(sock, overlapped);
            this.source = source;
            this.offset = offset;
            this.buffers = new ByteBuffer[length];
            for (int i = 0; i < length; i++) {
                buffers[i] = source[offset + i].duplicate();
            }
        }

        /** Whether a new operation names the very array (and range) this one copied. */
        final boolean sameBuffers(ByteBuffer[] other, int otherOffset, int length) {
            return other == source && otherOffset == offset && length == buffers.length;
        }

        @Override
        void reuse(long nextOverlapped) {
            super.reuse(nextOverlapped);
            for (int i = 0; i < buffers.length; i++) {
                ByteBuffer from = source[offset + i];
                ByteBuffer d = buffers[i];
                d.limit(from.limit()); // the duplicate's capacity is the buffer's: any limit fits
                d.position(from.position());
            }
        }
    }

    /**
     * Tries {@code op} at once unless others wait before it, else queues it for the selector.
     *
     * @return -997, or the byte count of a receive or send that succeeded at once and skipped the port
     */
    private long start(Op op, ArrayDeque<Op> queue) {
        Sock s = op.sock;
        synchronized (s) {
            if (s.closed) {
                return -Win32Errors.ERROR_INVALID_HANDLE;
            }
            if (queue == s.accepts ? s.server == null : s.channel == null) {
                return -Win32Errors.WSAENOTCONN;
            }
            // A zero-byte read waits for the selector's word on readability: NIO cannot ask without reading.
            boolean waitForSelector = op instanceof Recv && (((Recv) op).zeroByte || s.readsWait);
            if (queue.isEmpty() && !waitForSelector) {
                long r = op.attemptAtOnce();
                if (op.completed) {
                    return r;
                }
            }
            queue.add(op);
            if (watched(s, queue)) {
                return PENDING; // the selector already waits for this readiness: no wake-up, no update
            }
        }
        interestChanged(s);
        return PENDING;
    }

    /**
     * Under {@code s}'s monitor: whether the selector's key already has the interest {@code queue}'s operations
     * wait for. Only the selector's owner sets interest, before its next selection, so an interest seen here
     * is one that selection watches (or one whose readiness it is about to hand to {@link #ready}, which
     * needs this monitor first). Reads keep their interest between operations (see {@link #ready}), so a
     * connection that reads again and again wakes the selector once, not once per read.
     */
    private boolean watched(Sock s, ArrayDeque<Op> queue) {
        SelectableChannel c = queue == s.accepts ? s.server : s.channel;
        SelectionKey k = s.key;
        if (c == null || k == null || k.channel() != c) {
            return false;
        }
        int needed = queue == s.reads ? SelectionKey.OP_READ : queue == s.writes ? SelectionKey.OP_WRITE : SelectionKey.OP_ACCEPT;
        try {
            return k != null && k.isValid() && (k.interestOps() & needed) != 0;
        } catch (CancelledKeyException e) {
            return false;
        }
    }

    @Override
    public int shutdown(long socket, int how) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (s) {
            if (s.channel == null) {
                return -Win32Errors.WSAENOTCONN;
            }
            try {
                if (how == Win32Socket.SD_SEND || how == Win32Socket.SD_BOTH) {
                    s.channel.shutdownOutput();
                }
                if (how == Win32Socket.SD_RECEIVE || how == Win32Socket.SD_BOTH) {
                    s.channel.shutdownInput();
                }
                return 0;
            } catch (IOException e) {
                return -Errors.codeOf(e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static SocketOption<Object> optionOf(int level, int name) {
        if (level == Win32Socket.IPPROTO_TCP && name == Win32Socket.TCP_NODELAY) {
            return (SocketOption<Object>) (SocketOption<?>) StandardSocketOptions.TCP_NODELAY;
        }
        if (level == Win32Socket.SOL_SOCKET) {
            switch (name) {
                case Win32Socket.SO_RCVBUF: return (SocketOption<Object>) (SocketOption<?>) StandardSocketOptions.SO_RCVBUF;
                case Win32Socket.SO_SNDBUF: return (SocketOption<Object>) (SocketOption<?>) StandardSocketOptions.SO_SNDBUF;
                case Win32Socket.SO_KEEPALIVE: return (SocketOption<Object>) (SocketOption<?>) StandardSocketOptions.SO_KEEPALIVE;
                case Win32Socket.SO_REUSEADDR: return (SocketOption<Object>) (SocketOption<?>) StandardSocketOptions.SO_REUSEADDR;
                default: return null;
            }
        }
        if (level == Win32Socket.IPPROTO_IPV6 && name == Win32Socket.IPV6_V6ONLY) {
            // Unsupported (10042), deliberately. NIO has no IPV6_V6ONLY, standard or extended (jdk.net), and
            // the JDK opens every IPv6 socket dual-stack (it clears IPV6_V6ONLY itself: an IPv6 wildcard
            // listener takes IPv4 connections), where Windows defaults to IPv6 only. Reporting 0 could not
            // be set to 1, and setting it would take reflection into sun.nio.ch (--add-opens).
            return null;
        }
        return null;
    }

    private static void applyOptions(Sock s, SocketChannel c) throws IOException {
        for (Map.Entry<SocketOption<Object>, Object> o : s.options.entrySet()) {
            c.setOption(o.getKey(), o.getValue());
        }
    }

    @Override
    public int setOption(long socket, int level, int name, int value) {
        SocketOption<Object> option = optionOf(level, name);
        if (option == null) {
            return -WSAENOPROTOOPT;
        }
        return set(socket, option, Boolean.class.equals(option.type()) ? (Object) (value != 0) : (Object) value);
    }

    private int set(long socket, SocketOption<Object> option, Object value) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (s) {
            try {
                if (s.channel != null) {
                    s.channel.setOption(option, value);
                } else if (s.server != null && s.server.supportedOptions().contains(option)) {
                    s.server.setOption(option, value);
                } else {
                    s.options.put(option, value);
                }
                return 0;
            } catch (IOException | RuntimeException e) {
                return -Errors.codeOf(e);
            }
        }
    }

    @Override
    public long getOption(long socket, int level, int name) {
        SocketOption<Object> option = optionOf(level, name);
        if (option == null) {
            return -WSAENOPROTOOPT;
        }
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        synchronized (s) {
            try {
                Object v = s.channel != null ? s.channel.getOption(option)
                        : s.server != null && s.server.supportedOptions().contains(option) ? s.server.getOption(option)
                        : s.options.get(option);
                if (v == null) {
                    return 0;
                }
                return v instanceof Boolean ? ((Boolean) v ? 1 : 0) : ((Integer) v).longValue();
            } catch (IOException | RuntimeException e) {
                return -Errors.codeOf(e);
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public int setLinger(long socket, boolean on, int seconds) {
        return set(socket, (SocketOption<Object>) (SocketOption<?>) StandardSocketOptions.SO_LINGER, on ? seconds : -1);
    }

    /** Reads one of a socket's addresses under its monitor: {@code errorIfNull} when there is none. */
    private interface AddressOf {
        SocketAddress of(Sock s) throws IOException;
    }

    private static InetSocketAddress address(long socket, int[] errors, AddressOf how, int errorIfNull) {
        Sock s = sock(socket);
        if (s == null) {
            errors[0] = Win32Errors.ERROR_INVALID_HANDLE;
            return null;
        }
        synchronized (s) {
            try {
                InetSocketAddress a = (InetSocketAddress) how.of(s);
                if (a == null) {
                    errors[0] = errorIfNull;
                }
                return a;
            } catch (IOException e) {
                errors[0] = Errors.codeOf(e);
                return null;
            }
        }
    }

    @Override
    public InetSocketAddress localAddress(long socket, int[] errors) {
        return address(socket, errors, s -> s.channel != null ? s.channel.getLocalAddress()
                : s.server != null ? s.server.getLocalAddress()
                : s.reserved != null ? s.reserved.getLocalAddress() : null, WSAEINVAL);
    }

    @Override
    public InetSocketAddress remoteAddress(long socket, int[] errors) {
        return address(socket, errors, s -> s.channel == null ? null : s.channel.getRemoteAddress(), Win32Errors.WSAENOTCONN);
    }

    /**
     * {@code SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)} on a socket: from now on
     * a receive or send that succeeds at once returns its byte count and queues no packet.
     *
     * @return 0, or -6 for a handle that is not an open socket
     */
    public int skipCompletionPortOnSuccess(long socket) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        s.entry.skipOnSuccess();
        return 0;
    }

    @Override
    public int cancel(long socket, long overlapped) {
        Sock s = sock(socket);
        if (s == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        List<Op> cancelled = new ArrayList<>();
        synchronized (s) {
            for (ArrayDeque<Op> q : List.of(s.reads, s.writes, s.accepts)) {
                for (Iterator<Op> it = q.iterator(); it.hasNext();) {
                    Op op = it.next();
                    if (overlapped == 0 || op.overlapped == overlapped) {
                        it.remove();
                        cancelled.add(op);
                    }
                }
            }
            if (s.connect != null && (overlapped == 0 || s.connect.overlapped == overlapped)) {
                cancelled.add(s.connect);
                s.connect = null;
            }
            for (Op op : cancelled) {
                op.complete(op.bytesSoFar(), Win32Errors.ERROR_OPERATION_ABORTED); // see Send.bytesSoFar
            }
        }
        if (cancelled.isEmpty()) {
            return -Win32Errors.ERROR_NOT_FOUND;
        }
        interestChanged(s);
        return 0;
    }

    @Override
    public int close(long socket) {
        Sock s = sock(socket);
        if (s == null || !PortableHandles.unregister(socket)) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        SocketReactor watcher;
        synchronized (s) {
            s.closed = true;
            watcher = s.key != null ? reactorOf(s) : null; // registered: dealt a reactor, and it is open
            if (s.ends != null) {
                loopbackEnds.remove(s.ends, s);
                s.ends = null;
            }
            List<Op> pending = new ArrayList<>(s.reads);
            pending.addAll(s.writes);
            pending.addAll(s.accepts);
            if (s.connect != null) {
                pending.add(s.connect);
            }
            s.reads.clear();
            s.writes.clear();
            s.accepts.clear();
            s.connect = null;
            s.lastRecv = null; // nor keep the caller's buffers reachable through a closed socket
            s.lastSend = null;
            try {
                if (s.reserved != null) {
                    s.reserved.close();
                }
                if (s.channel != null) {
                    s.channel.close();
                }
                if (s.server != null) {
                    s.server.close();
                }
            } catch (IOException e) {
                LOG.debug("closing a portable socket", e);
            }
            for (Op op : pending) {
                op.complete(op.bytesSoFar(), Win32Errors.ERROR_OPERATION_ABORTED); // see Send.bytesSoFar
            }
        }
        if (watcher != null) {
            watcher.awaitSelection();
        }
        return 0;
    }

    // ---- the reactor ----

    private void interestChanged(Sock s) {
        SocketReactor[] r = reactors();
        int i;
        synchronized (s) {
            i = s.reactorIndex;
            if (i < 0) {
                i = s.reactorIndex = deal(s);
            }
        }
        r[i].interestChanged(s);
    }

    /**
     * Under {@code s}'s monitor: a reactor for a socket about to wait the first time. The end of a loopback
     * connection whose other end here was dealt already joins it; any other socket goes round-robin among as
     * many reactors as its port has threads (so that each of them can turn one), at most {@link #REACTOR_COUNT}.
     */
    private int deal(Sock s) {
        Ends ends = loopbackEnds(s);
        if (ends != null) {
            Sock peer = loopbackEnds.get(ends.reversed());
            int peerIndex = peer == null ? -1 : peer.reactorIndex;
            s.ends = ends;
            loopbackEnds.put(ends, s);
            if (peerIndex >= 0) {
                return peerIndex;
            }
        }
        PortableCompletionPort port = s.entry == null ? null : s.entry.port();
        int spread = port == null ? 1 : Math.min(REACTOR_COUNT, Math.max(1, port.threadsToServe()));
        return Math.floorMod(nextReactor.getAndIncrement(), spread);
    }

    /**
     * Under {@code s}'s monitor: its ends if it is a connection (made or being made) over loopback, else null.
     * By ports: a connecting socket is bound to the wildcard address (ConnectEx wants it bound), which its
     * peer sees as the loopback address; only loopback connections are compared, so ports tell them apart.
     */
    private static Ends loopbackEnds(Sock s) {
        if (s.channel == null) {
            return null;
        }
        try {
            SocketAddress remote = s.connect instanceof Connect ? ((Connect) s.connect).remote
                    : s.channel.getRemoteAddress();
            SocketAddress local = s.channel.getLocalAddress();
            if (remote instanceof InetSocketAddress && local instanceof InetSocketAddress
                    && ((InetSocketAddress) remote).getAddress() != null
                    && ((InetSocketAddress) remote).getAddress().isLoopbackAddress()) {
                return new Ends(((InetSocketAddress) local).getPort(), ((InetSocketAddress) remote).getPort());
            }
        } catch (IOException | RuntimeException e) {
            // closed meanwhile: dealt as any socket
        }
        return null;
    }

    /** A loopback connection's two ports, as one side sees them: the other side's are {@link #reversed}. */
    static final class Ends {
        final int local;
        final int remote;

        Ends(int local, int remote) {
            this.local = local;
            this.remote = remote;
        }

        Ends reversed() {
            return new Ends(remote, local);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ends && ((Ends) o).local == local && ((Ends) o).remote == remote;
        }

        @Override
        public int hashCode() {
            return local << 16 ^ remote;
        }
    }

    private SocketReactor[] reactors() {
        SocketReactor[] r = reactors;
        if (r == null) {
            synchronized (this) {
                r = reactors;
                if (r == null) {
                    r = new SocketReactor[REACTOR_COUNT];
                    try {
                        for (int i = 0; i < r.length; i++) {
                            r[i] = new SocketReactor(i);
                        }
                    } catch (IOException e) {
                        for (SocketReactor opened : r) {
                            if (opened != null) {
                                opened.shutDown();
                            }
                        }
                        throw new IllegalStateException("cannot open the portable sockets' selectors", e);
                    }
                    reactors = r;
                }
            }
        }
        return r;
    }

    /**
     * The reactors, or null while no socket operation has had to wait: what a port's waiting thread may turn.
     * The array is not to be changed.
     */
    SocketReactor[] reactorsIfOpen() {
        return reactors;
    }

    /** Under {@code s}'s monitor: the reactor that watches {@code s}, or null if it never waited. */
    static SocketReactor reactorOf(Sock s) {
        SocketReactor[] r = INSTANCE.reactors;
        int i = s.reactorIndex;
        return r == null || i < 0 ? null : r[i];
    }

    /** How many ends of loopback connections are known for dealing: for tests. */
    int loopbackConnections() {
        return loopbackEnds.size();
    }

    /** The reactor that watches {@code socket}, or null if it never waited: for tests. */
    SocketReactor reactorOf(long socket) {
        Sock s = sock(socket);
        synchronized (s) {
            return reactorOf(s);
        }
    }

    /** The owner of the reactor found {@code k} ready: finishes what it can of {@code s}'s operations. */
    static void ready(Sock s, SelectionKey k) {
        synchronized (s) {
            if (!k.isValid() || s.closed) {
                return;
            }
            // Read interest outlives the reads that asked for it: the next read usually follows at once (an
            // echo, a request loop), and finding the interest still set it needs no wake-up (see watched).
            // It is dropped only when a selection finds the channel readable with no read waiting, so
            // unread data makes the selector spin once, not forever.
            boolean readableUnwanted = k.isReadable() && s.reads.isEmpty();
            drain(s.reads);
            drain(s.writes);
            drain(s.accepts);
            if (s.connect != null && s.connect.attempt()) {
                s.connect = null;
            }
            if (k.isValid()) {
                int keep = readableUnwanted ? 0 : k.interestOps() & SelectionKey.OP_READ;
                k.interestOps((s.interest() | keep) & k.channel().validOps());
            }
        }
    }

    private static void drain(ArrayDeque<Op> queue) {
        while (!queue.isEmpty() && queue.peek().attempt()) {
            queue.poll();
        }
    }

    private static void closeQuietly(Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("closing an accepted connection that found no socket", e);
        }
    }

    // ---- the operations ----

    private static final class Recv extends Transfer {
        /** No room at all: a wait for readability ({@code awaitReadable}). Final but for {@link #reuse}. */
        boolean zeroByte;

        Recv(Sock sock, ByteBuffer[] source, int offset, int length, long overlapped) {
            super(sock, source, offset, length, overlapped);
            this.zeroByte = !anyRemaining();
        }

        @Override
        void reuse(long nextOverlapped) {
            super.reuse(nextOverlapped);
            zeroByte = !anyRemaining();
        }

        @Override
        boolean mayCompleteAtOnce() {
            return true;
        }

        @Override
        boolean tryFinish() {
            if (zeroByte) {
                // Only the selector's owner attempts it, while it handles a selection's keys. "Readable" was
                // true when that selection looked, but a read since (a recv before this one in the same pass,
                // or on a caller's thread while the selection ran) may have taken the data it was about, and
                // NIO cannot look again without reading. Then it waits for the next selection, which, being
                // level-triggered, says readable again at once if data, end of stream or an error is there.
                // A read whose count is older than this selection's returned before the selection began.
                SocketReactor r = reactorOf(sock);
                SelectionKey k = sock.key;
                if (r == null || k == null || k.channel() != sock.channel || !k.isValid() || !k.isReadable()
                        || sock.lastReadSelection == r.selections()) {
                    return false;
                }
                sock.readsWait = false;
                complete(0, 0);
                return true;
            }
            try {
                long n;
                try {
                    // One buffer (the usual case) is read(2), not readv(2): the kernel skips the iovec import
                    // and its checks, a few per cent of an echo's round trip on loopback.
                    n = buffers.length == 1 ? sock.channel.read(buffers[0]) : sock.channel.read(buffers);
                } finally {
                    SocketReactor r = reactorOf(sock);
                    sock.lastReadSelection = r == null ? -1 : r.selections(); // read after the read returned
                }
                if (n == 0) {
                    sock.readsWait |= atOnce;
                    return false;
                }
                if (!atOnce && n >= BULK_FILL && !anyRemaining()) {
                    sock.readsWait = false;
                }
                complete(n < 0 ? 0 : (int) n, 0); // end of stream: 0 bytes, no error, as WSARecv
            } catch (IOException | RuntimeException e) {
                // NIO reports some socket states with runtime exceptions (NotYetConnectedException while a
                // connect is in progress): the operation ends with the code Winsock gives, never escapes.
                complete(0, Errors.codeOf(e));
            }
            return true;
        }

        private boolean anyRemaining() {
            for (ByteBuffer b : buffers) {
                if (b.hasRemaining()) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Send extends Transfer {
        long sent;

        Send(Sock sock, ByteBuffer[] source, int offset, int length, long overlapped) {
            super(sock, source, offset, length, overlapped);
        }

        @Override
        void reuse(long nextOverlapped) {
            super.reuse(nextOverlapped);
            sent = 0;
        }

        @Override
        boolean mayCompleteAtOnce() {
            return true;
        }

        @Override
        boolean tryFinish() {
            try {
                for (;;) {
                    // Written before the check even when there is nothing to send (no buffers, or empty
                    // ones): WSASend of 0 bytes completes with 0, but still fails on an unconnected socket.
                    long n = buffers.length == 1 ? sock.channel.write(buffers[0]) : sock.channel.write(buffers);
                    sent += n;
                    if (remaining() == 0) {
                        complete((int) sent, 0); // WSASend on a stream socket sends it all
                        return true;
                    }
                    if (n == 0) {
                        return false;
                    }
                }
            } catch (IOException | RuntimeException e) { // as in Recv
                complete((int) sent, Errors.codeOf(e));
                return true;
            }
        }

        /**
         * A send cut short (cancelled, aborted by a close, failed) keeps its error code, 995 for the first
         * two as a cancelled WSASend, but its packet also says how many bytes already went. They are in the
         * kernel's send buffer and cannot be called back, so the stream now holds a prefix of the buffers;
         * a caller that accounts for the stream (or resumes it) needs that count, and a Win32 packet carries
         * a byte count whatever its status. org.iocp4j.io still reports a plain failure and moves no buffer
         * position, as NIO's asynchronous channels do not report bytes for a write that failed either.
         * Whether Windows' AFD reports a partial count here is not checked by the C suite.
         */
        @Override
        int bytesSoFar() {
            return (int) sent;
        }

        private long remaining() {
            long r = 0;
            for (ByteBuffer b : buffers) {
                r += b.remaining();
            }
            return r;
        }
    }

    private static final class Accept extends Op {
        final Sock into;

        Accept(Sock listener, Sock into, long overlapped) {
            super(listener, overlapped);
            this.into = into;
        }

        @Override
        boolean tryFinish() {
            try {
                // The listener's monitor, then the socket's (the only place that holds both). The socket is
                // checked before a connection is taken, so no connection goes to an accept that cannot keep
                // it: it stays in the backlog for the next accept.
                synchronized (into) {
                    if (into.closed) {
                        complete(0, Win32Errors.ERROR_OPERATION_ABORTED);
                        return true;
                    }
                    if (!into.acceptable()) { // another accept into the same socket got there first
                        complete(0, WSAEINVAL);
                        return true;
                    }
                    SocketChannel c = sock.server.accept();
                    if (c == null) {
                        return false;
                    }
                    boolean handedOver = false;
                    try {
                        c.configureBlocking(false);
                        applyOptions(into, c); // may throw at an option value NIO refuses
                        into.channel = c;
                        handedOver = true;
                    } finally {
                        if (!handedOver) {
                            closeQuietly(c); // the connection is lost either way; its descriptor need not be
                        }
                    }
                }
                complete(0, 0);
            } catch (IOException e) {
                complete(0, Errors.codeOf(e));
            }
            return true;
        }
    }

    private static final class Connect extends Op {
        final InetSocketAddress remote;
        boolean started;

        Connect(Sock sock, InetSocketAddress remote, long overlapped) {
            super(sock, overlapped);
            this.remote = remote;
        }

        @Override
        boolean tryFinish() {
            try {
                boolean connected;
                if (!started) {
                    started = true;
                    connected = sock.channel.connect(remote);
                } else {
                    connected = sock.channel.finishConnect();
                }
                if (!connected) {
                    return false;
                }
                complete(0, 0);
            } catch (IOException | RuntimeException e) { // as in Recv (an unresolved address, ...)
                int code = Errors.codeOf(e);
                // The packet of a failed ConnectEx says 1225 for a refusal, not 10061.
                complete(0, code == Win32Errors.WSAECONNREFUSED ? Win32Errors.ERROR_CONNECTION_REFUSED : code);
            }
            return true;
        }
    }
}
