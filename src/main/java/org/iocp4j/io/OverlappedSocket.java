package org.iocp4j.io;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Objects;

import org.iocp4j.IoDispatcher;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.SocketAddresses;
import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.windows.Win32Socket;

/**
 * A connected TCP socket bound to an {@link IoDispatcher}: overlapped receives and sends ({@code WSARecv},
 * {@code WSASend}) with scatter and gather, whose completions run on the dispatcher's I/O threads, with a
 * {@link CompletionHandler} or as an {@link IoFuture}. Made by {@link #connect} ({@code ConnectEx}) or by
 * an {@link OverlappedServerSocket} ({@code AcceptEx}).
 *
 * <p>A read's result is the byte count, or -1 at end of stream. {@link #awaitReadable} is the zero-byte
 * read: it waits for data without pinning a buffer, so thousands of idle connections hold no buffer memory
 * (and, on Windows, no locked pages of nonpaged pool) until they have something to say. Failures map as
 * {@link Win32Exceptions} says: a reset peer is a {@link Win32Exceptions.ConnectionReset}, a refused connect a
 * {@link Win32Exceptions.Connect}, a read pending when the socket is closed an
 * {@link Win32Exceptions.AsynchronousClose}; each keeps its code.
 *
 * <p>On Windows this is a Winsock socket; elsewhere an NIO {@code SocketChannel} whose readiness is turned
 * into completions posted to the dispatcher's port.
 */
public final class OverlappedSocket extends HandleChannel {

    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];

    private final SocketBackend sockets;
    private volatile InetSocketAddress local;
    private volatile InetSocketAddress remote;
    // Kept here, as NIO keeps them, because Winsock answers WSAESHUTDOWN (10058) to a read after
    // shutdown(SD_RECEIVE), where this API promises end of stream; reads and writes check them first.
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;

    OverlappedSocket(IoDispatcher dispatcher, long handle, SocketBackend sockets, InetSocketAddress local,
                     InetSocketAddress remote) throws IOException {
        super(dispatcher, handle);
        this.sockets = sockets;
        this.local = local;
        this.remote = remote;
    }

    static SocketBackend backendOf(IoDispatcher dispatcher) {
        return Platform.of(dispatcher.port()).sockets();
    }

    /**
     * Connects to {@code remote} ({@code ConnectEx} on a socket bound to the wildcard address).
     *
     * @param dispatcher the dispatcher whose threads run the socket's completions
     * @param remote     a resolved IPv4 or IPv6 address
     * @return the connected socket; fails with {@link Win32Exceptions.Connect} when refused (1225 / 10061) or
     *         timed out (121 / 10060), {@link Win32Exceptions.NoRouteToHost} when unreachable (1231, 1232, ...)
     * @throws UnresolvedAddressException if {@code remote} is unresolved
     * @throws IOException                if the socket cannot even be made or bound (its Win32 code kept; a
     *                                    refused bind, 10048, is a {@link Win32Exceptions.Bind})
     */
    public static IoFuture<OverlappedSocket> connect(IoDispatcher dispatcher, InetSocketAddress remote) throws IOException {
        IoFuture<OverlappedSocket> f = new IoFuture<>();
        OverlappedSocket s = unconnected(dispatcher, remote);
        s.start(new Connect(s, remote, f), 0);
        return f;
    }

    /**
     * Connects to {@code remote}; see {@link #connect(IoDispatcher, InetSocketAddress)}.
     *
     * @param dispatcher the dispatcher
     * @param remote     the address
     * @param attachment handed to the handler
     * @param handler    gets the connected socket, or the failure (the socket is then closed)
     * @param <A>        the attachment type
     * @return the operation, to cancel it
     * @throws IOException as {@link #connect(IoDispatcher, InetSocketAddress)}
     */
    public static <A> IoOperation connect(IoDispatcher dispatcher, InetSocketAddress remote, A attachment,
                                          CompletionHandler<OverlappedSocket, ? super A> handler) throws IOException {
        Objects.requireNonNull(dispatcher, "dispatcher");
        return connect(dispatcher, remote, attachment, handler, backendOf(dispatcher));
    }

    /** {@link #connect(IoDispatcher, InetSocketAddress, Object, CompletionHandler)} over the given sockets (tests). */
    static <A> IoOperation connect(IoDispatcher dispatcher, InetSocketAddress remote, A attachment,
                                   CompletionHandler<OverlappedSocket, ? super A> handler, SocketBackend sockets)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        OverlappedSocket s = unconnected(dispatcher, remote, sockets);
        return s.start(new Connect(s, remote, handler, attachment), 0);
    }

    private static OverlappedSocket unconnected(IoDispatcher dispatcher, InetSocketAddress remote) throws IOException {
        Objects.requireNonNull(dispatcher, "dispatcher");
        return unconnected(dispatcher, remote, backendOf(dispatcher));
    }

    private static OverlappedSocket unconnected(IoDispatcher dispatcher, InetSocketAddress remote, SocketBackend sockets)
            throws IOException {
        if (remote.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        int family = SocketAddresses.familyOf(remote);
        long handle = sockets.socket(family);
        if (handle < 0) {
            throw Errors.ioException("WSASocketW", (int) -handle, false, null);
        }
        try {
            InetAddress any = InetAddress.getByName(family == Win32Socket.AF_INET6 ? "::" : "0.0.0.0");
            int r = sockets.bind(handle, new InetSocketAddress(any, 0)); // ConnectEx wants a bound socket
            if (r < 0) {
                throw Errors.ioException("bind", -r, false, null);
            }
            return new OverlappedSocket(dispatcher, handle, sockets, null, remote);
        } catch (IOException | RuntimeException e) {
            sockets.close(handle);
            throw e;
        }
    }

    /**
     * Reads into {@code dst}'s remaining bytes: whatever has arrived, at least one byte. A buffer with no
     * bytes remaining completes at once with 0, as in NIO.2 (Winsock would wait for data: that wait is
     * {@link #awaitReadable}), so a loop that forgets {@code clear()} spins rather than hangs.
     *
     * @param dst        a direct buffer, not read-only; its position moves by the count on completion
     * @param attachment handed to the handler
     * @param handler    gets the count, or -1 at end of stream; or the failure
     * @param <A>        the attachment type
     * @return the operation, to cancel it
     * @throws IllegalArgumentException for a heap or read-only buffer
     */
    public <A> IoOperation read(ByteBuffer dst, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        ByteBuffer[] dsts = single(dst, true);
        return receive(new Recv<Integer>(this, dsts, 1, false, handler, attachment), dsts);
    }

    /**
     * Reads into {@code dst}'s remaining bytes; see {@link #read(ByteBuffer, Object, CompletionHandler)}.
     *
     * @param dst a direct buffer
     * @return the count, or -1 at end of stream
     */
    public IoFuture<Integer> read(ByteBuffer dst) {
        ByteBuffer[] dsts = single(dst, true);
        IoFuture<Integer> f = new IoFuture<>();
        receive(new Recv<>(this, dsts, 1, f), dsts);
        return f;
    }

    /**
     * Scatter read: fills {@code dsts[offset .. offset+length)} in order ({@code WSARecv} with several
     * {@code WSABUF}s).
     *
     * @param dsts       direct buffers
     * @param offset     the first buffer
     * @param length     how many buffers
     * @param attachment handed to the handler
     * @param handler    gets the total count, or -1 at end of stream; 0 at once if no buffer has bytes remaining
     * @param <A>        the attachment type
     * @return the operation
     */
    public <A> IoOperation read(ByteBuffer[] dsts, int offset, int length, A attachment,
                                CompletionHandler<Long, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        ByteBuffer[] pinned = slice(dsts, offset, length, true);
        return receive(new Recv<Long>(this, pinned, pinned.length, true, handler, attachment), pinned);
    }

    /**
     * Waits for data without a buffer (a zero-byte {@code WSARecv}): completes with 0 when data has
     * arrived or the stream has ended (the next read says which), so an idle connection pins no memory.
     *
     * @param attachment handed to the handler
     * @param handler    gets 0, or the failure
     * @param <A>        the attachment type
     * @return the operation
     */
    public <A> IoOperation awaitReadable(A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        return receive(new Recv<Integer>(this, NO_BUFFERS, 0, false, handler, attachment), NO_BUFFERS);
    }

    /**
     * Waits for data without a buffer; see {@link #awaitReadable(Object, CompletionHandler)}.
     *
     * @return 0 once readable
     */
    public IoFuture<Integer> awaitReadable() {
        IoFuture<Integer> f = new IoFuture<>();
        receive(new Recv<>(this, NO_BUFFERS, 0, f), NO_BUFFERS);
        return f;
    }

    /**
     * Writes all of {@code src}'s remaining bytes ({@code WSASend}).
     *
     * @param src        a direct buffer; its position moves by the count on completion
     * @param attachment handed to the handler
     * @param handler    gets the count, or the failure
     * @param <A>        the attachment type
     * @return the operation
     */
    public <A> IoOperation write(ByteBuffer src, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        ByteBuffer[] srcs = single(src, false);
        return send(new Send<Integer>(this, srcs, false, handler, attachment), srcs);
    }

    /**
     * Writes all of {@code src}'s remaining bytes; see {@link #write(ByteBuffer, Object, CompletionHandler)}.
     *
     * @param src a direct buffer
     * @return the count
     */
    public IoFuture<Integer> write(ByteBuffer src) {
        ByteBuffer[] srcs = single(src, false);
        IoFuture<Integer> f = new IoFuture<>();
        send(new Send<>(this, srcs, f), srcs);
        return f;
    }

    /**
     * Gather write of {@code srcs[offset .. offset+length)} in order.
     *
     * @param srcs       direct buffers
     * @param offset     the first buffer
     * @param length     how many buffers
     * @param attachment handed to the handler
     * @param handler    gets the total count
     * @param <A>        the attachment type
     * @return the operation
     */
    public <A> IoOperation write(ByteBuffer[] srcs, int offset, int length, A attachment,
                                 CompletionHandler<Long, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        ByteBuffer[] pinned = slice(srcs, offset, length, false);
        return send(new Send<Long>(this, pinned, true, handler, attachment), pinned);
    }

    /**
     * Sets {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS} on the socket: from now on a receive or send that
     * completes at once (data already there, room in the send buffer) queues no packet, and its handler runs
     * on the calling thread before the read or write method returns (nested up to a depth of 16; deeper ones
     * on the same thread once the stack has unwound to the outermost). Off by default; irreversible, as on Windows. The portable backend means the same: a
     * receive or send it can finish on the calling thread (NIO's non-blocking read or write) completes there,
     * the rest through the port. Only on an idle socket, on both backends: the kernel applies the
     * mode per call, so a switch under a receive or send in flight would lose or duplicate its completion.
     *
     * @throws IllegalStateException                     if operations are in flight ({@link #outstanding()})
     * @throws java.nio.channels.ClosedChannelException if closed
     * @throws IOException                               on failure, with its Win32 code
     */
    public void skipCompletionPortOnSuccess() throws IOException {
        switchOnSkipOnSuccess(() -> Platform.of(dispatcher.port()).skipCompletionPortOnSuccess(handle));
    }

    /**
     * Whether {@link #skipCompletionPortOnSuccess()} is set.
     *
     * @return true if set
     */
    public boolean skipsCompletionPortOnSuccess() {
        return skipsOnSuccess();
    }

    /**
     * Ends the output side ({@code shutdown(SD_SEND)}): the peer reads end of stream after what was sent.
     * From then on a write fails with {@link Win32Exceptions.Shutdown} (a {@code ClosedChannelException},
     * 10058) without reaching the kernel; the socket stays open for reading. A second call does nothing.
     *
     * @throws ClosedChannelException if the socket is closed
     * @throws IOException            on failure, with its code
     */
    public void shutdownOutput() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        if (!outputShutdown) {
            call("shutdown", () -> sockets.shutdown(handle, Win32Socket.SD_SEND));
            outputShutdown = true;
        }
    }

    /**
     * Ends the input side ({@code shutdown(SD_RECEIVE)}). From then on a read completes at once with -1
     * (end of stream, as in NIO; Winsock itself would fail it with 10058), a zero-byte read with 0. A second
     * call does nothing.
     *
     * @throws ClosedChannelException if the socket is closed
     * @throws IOException            on failure, with its code
     */
    public void shutdownInput() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        if (!inputShutdown) {
            call("shutdown", () -> sockets.shutdown(handle, Win32Socket.SD_RECEIVE));
            inputShutdown = true;
        }
    }

    /**
     * A receive or send this socket makes again and again with {@code buffer} and {@code handler}, allocating
     * nothing per operation; see {@link SocketOperation}. It holds one OVERLAPPED until closed.
     *
     * @param buffer  a direct buffer, pinned for the operation's life
     * @param handler gets each operation's outcome
     * @return the operation, not started
     * @throws IllegalArgumentException   for a heap or read-only buffer
     * @throws IllegalStateException      if every OVERLAPPED of the dispatcher is in use
     * @throws java.util.concurrent.RejectedExecutionException if the dispatcher is shut down
     */
    public SocketOperation operation(ByteBuffer buffer, SocketOperation.Handler handler) {
        Objects.requireNonNull(handler, "handler");
        single(buffer, true); // the checks; the operation keeps its own array
        return new SocketOperation(this, buffer, handler);
    }

    /** {@link SocketOperation}'s receive: the same array each time, so the backend may reuse its bookkeeping. */
    long receiveInto(ByteBuffer[] buffers, long overlappedAddress) {
        return sockets.recv(handle, buffers, 0, buffers.length, overlappedAddress);
    }

    /** {@link SocketOperation}'s send. */
    long sendFrom(ByteBuffer[] buffers, long overlappedAddress) {
        return sockets.send(handle, buffers, 0, buffers.length, overlappedAddress);
    }

    /** @return whether {@link #shutdownInput} was called */
    boolean inputShut() {
        return inputShutdown;
    }

    /** @return whether {@link #shutdownOutput} was called */
    boolean outputShut() {
        return outputShutdown;
    }

    /**
     * Starts a receive, or answers it at once: after {@link #shutdownInput}, and for a read with no room
     * (a closed socket still refuses both).
     */
    private <V> IoOperation receive(Recv<V> op, ByteBuffer[] buffers) {
        if (isOpen()) {
            if (inputShutdown) {
                op.answered(op.endOfStream());
                return op;
            }
            if (op.hasNoRoom()) {
                op.answered(box(0, op.asLong));
                return op;
            }
        }
        return start(op, 0, buffers);
    }

    /** Starts a send, or refuses it after {@link #shutdownOutput} (a closed socket refuses it as closed). */
    private <V> IoOperation send(Send<V> op, ByteBuffer[] buffers) {
        if (outputShutdown && isOpen()) {
            op.rejected(Errors.ioException(op.operation(), Win32Errors.WSAESHUTDOWN, false, null));
            return op;
        }
        return start(op, 0, buffers);
    }

    /**
     * Sets an option: {@code TCP_NODELAY}, {@code SO_RCVBUF}, {@code SO_SNDBUF}, {@code SO_KEEPALIVE},
     * {@code SO_REUSEADDR}, or {@code SO_LINGER} (0: close resets the connection).
     *
     * @param option the option
     * @param value  its value
     * @param <T>    its type
     * @return this socket
     * @throws NullPointerException          if {@code option} is null
     * @throws IllegalArgumentException      if {@code value} is null or negative
     * @throws UnsupportedOperationException for another option
     * @throws IOException                   on failure, with its code
     */
    public <T> OverlappedSocket setOption(SocketOption<T> option, T value) throws IOException {
        SocketOptionsMap.set(this, sockets, option, value);
        return this;
    }

    /**
     * Reads an option back (not {@code SO_LINGER}).
     *
     * @param option the option
     * @param <T>    its type
     * @return its value
     * @throws NullPointerException          if {@code option} is null
     * @throws UnsupportedOperationException for another option, or {@code SO_LINGER}
     * @throws IOException                   on failure
     */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return SocketOptionsMap.get(this, sockets, option);
    }

    /**
     * The local address ({@code getsockname}).
     *
     * @return the address
     * @throws IOException on failure (closed: {@code ClosedChannelException})
     */
    public InetSocketAddress localAddress() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException(); // as NIO, though the address is known
        }
        if (local == null) {
            int[] error = new int[1];
            call("getsockname", () -> {
                local = sockets.localAddress(handle, error);
                return local == null ? -error[0] : 0;
            });
        }
        return local;
    }

    /**
     * The peer's address.
     *
     * @return the address
     */
    public InetSocketAddress remoteAddress() {
        return remote;
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
        return "OverlappedSocket[" + (local == null ? "?" : local) + " -> " + remote + ", handle 0x"
                + Long.toHexString(handle) + "]";
    }

    private static ByteBuffer[] single(ByteBuffer b, boolean read) {
        Objects.requireNonNull(b, "buffer");
        check(b, read);
        return new ByteBuffer[] {b};
    }

    private static ByteBuffer[] slice(ByteBuffer[] buffers, int offset, int length, boolean read) {
        Objects.checkFromIndexSize(offset, length, buffers.length);
        ByteBuffer[] out = new ByteBuffer[length];
        for (int i = 0; i < length; i++) {
            out[i] = Objects.requireNonNull(buffers[offset + i], "buffer");
            check(out[i], read);
        }
        return out;
    }

    private static void check(ByteBuffer b, boolean read) {
        if (!b.isDirect()) {
            throw new IllegalArgumentException("a heap buffer: overlapped I/O needs memory the GC never moves"
                    + " (ByteBuffer.allocateDirect)");
        }
        if (read && b.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only buffer");
        }
    }

    /** Moves the buffers' positions by {@code bytes}, in order. */
    static void advance(ByteBuffer[] buffers, long bytes) {
        for (ByteBuffer b : buffers) {
            int n = (int) Math.min(b.remaining(), bytes);
            b.position(b.position() + n);
            bytes -= n;
            if (bytes == 0) {
                break;
            }
        }
    }

    static long remaining(ByteBuffer[] buffers) {
        long n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    static <V> V box(long value, boolean asLong) {
        return asLong ? (V) Long.valueOf(value) : (V) Integer.valueOf((int) value);
    }

    /**
     * {@code WSARecv}: 0 bytes into room is end of stream (-1); a zero-byte read ({@link #awaitReadable})
     * completes with 0. A read with buffers but no room never reaches Winsock ({@link #receive}).
     */
    private static final class Recv<V> extends PendingIo<V> {
        private final OverlappedSocket socket;
        private final ByteBuffer[] dsts;
        private final int length;
        /** The scatter form's result is a {@code Long}, as in NIO. */
        private final boolean asLong;

        Recv(OverlappedSocket socket, ByteBuffer[] dsts, int length, boolean asLong, CompletionHandler<V, ?> handler,
             Object attachment) {
            super(socket, handler, attachment);
            this.socket = socket;
            this.dsts = dsts;
            this.length = length;
            this.asLong = asLong;
        }

        Recv(OverlappedSocket socket, ByteBuffer[] dsts, int length, IoFuture<V> future) {
            super(socket, future);
            this.socket = socket;
            this.dsts = dsts;
            this.length = length;
            this.asLong = false;
        }

        @Override
        String operation() {
            return "WSARecv";
        }

        @Override
        long initiate(long overlappedAddress) {
            return socket.sockets.recv(socket.handle, dsts, 0, length, overlappedAddress);
        }

        @Override
        V succeeded(int bytes) {
            if (bytes == 0) {
                return endOfStream();
            }
            advance(dsts, Integer.toUnsignedLong(bytes));
            return box(Integer.toUnsignedLong(bytes), asLong);
        }

        /** -1 for a read, 0 for a zero-byte read (the next read says end of stream). */
        V endOfStream() {
            return box(waitOnly() ? 0 : -1, asLong);
        }

        /** {@link #awaitReadable}: no buffers at all. */
        boolean waitOnly() {
            return dsts == NO_BUFFERS;
        }

        /** A read given buffers without a byte of room: NIO.2 answers 0 at once. */
        boolean hasNoRoom() {
            return !waitOnly() && remaining(dsts) == 0;
        }

        /** A receive posted just before {@code shutdownInput} may still meet WSAESHUTDOWN: end of stream too. */
        @Override
        V resultOf(int errorCode) {
            return errorCode == Win32Errors.WSAESHUTDOWN ? endOfStream() : null;
        }
    }

    /** {@code WSASend}: all the bytes or a failure. */
    private static final class Send<V> extends PendingIo<V> {
        private final OverlappedSocket socket;
        private final ByteBuffer[] srcs;
        private final boolean asLong;

        Send(OverlappedSocket socket, ByteBuffer[] srcs, boolean asLong, CompletionHandler<V, ?> handler,
             Object attachment) {
            super(socket, handler, attachment);
            this.socket = socket;
            this.srcs = srcs;
            this.asLong = asLong;
        }

        Send(OverlappedSocket socket, ByteBuffer[] srcs, IoFuture<V> future) {
            super(socket, future);
            this.socket = socket;
            this.srcs = srcs;
            this.asLong = false;
        }

        @Override
        String operation() {
            return "WSASend";
        }

        @Override
        long initiate(long overlappedAddress) {
            return socket.sockets.send(socket.handle, srcs, 0, srcs.length, overlappedAddress);
        }

        @Override
        V succeeded(int bytes) {
            advance(srcs, Integer.toUnsignedLong(bytes));
            return box(Integer.toUnsignedLong(bytes), asLong);
        }
    }

    /** {@code ConnectEx}, then {@code SO_UPDATE_CONNECT_CONTEXT}; on failure the socket is closed. */
    private static final class Connect extends PendingIo<OverlappedSocket> {
        private final OverlappedSocket socket;
        private final InetSocketAddress remote;

        Connect(OverlappedSocket socket, InetSocketAddress remote, CompletionHandler<OverlappedSocket, ?> handler,
                Object attachment) {
            super(socket, handler, attachment);
            this.socket = socket;
            this.remote = remote;
        }

        Connect(OverlappedSocket socket, InetSocketAddress remote, IoFuture<OverlappedSocket> future) {
            super(socket, future);
            this.socket = socket;
            this.remote = remote;
        }

        @Override
        String operation() {
            return "ConnectEx";
        }

        @Override
        long initiate(long overlappedAddress) {
            return socket.sockets.connect(socket.handle, remote, overlappedAddress);
        }

        @Override
        OverlappedSocket succeeded(int bytes) throws IOException {
            int r = socket.sockets.finishConnect(socket.handle);
            if (r < 0) {
                throw Errors.ioException("setsockopt(SO_UPDATE_CONNECT_CONTEXT)", -r, false, null);
            }
            if (!socket.isOpen()) { // closed while connecting: nobody can use it
                throw Errors.ioException("ConnectEx", Win32Errors.ERROR_OPERATION_ABORTED, true, null);
            }
            return socket;
        }

        @Override
        void failedCleanup() {
            socket.close(Duration.ZERO);
        }

        @Override
        void unclaimed(OverlappedSocket value) {
            value.close(Duration.ZERO);
        }

        @Override
        OverlappedSocket resultOf(int errorCode) {
            return null;
        }
    }
}
