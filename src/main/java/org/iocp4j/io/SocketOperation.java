package org.iocp4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.iocp4j.IoDispatcher;
import org.iocp4j.internal.Win32Errors;

/**
 * A receive or send that one connection makes again and again with the same buffer and handler, and that
 * allocates nothing per operation (.NET's {@code SocketAsyncEventArgs}): its OVERLAPPED is pre-allocated
 * with the buffer pinned ({@link IoDispatcher#preAllocate}), the result reaches the handler as an
 * {@code int}, never boxed, and on the portable backend the socket reuses its bookkeeping for a buffer
 * array it has seen before. Made by {@link OverlappedSocket#operation}.
 *
 * <p>One operation at a time: {@link #receive} or {@link #send} while the last one is still pending throws
 * {@link IllegalStateException}; from the handler (the usual place to start the next one) the operation
 * is already done. The handler runs on an I/O thread, or at once on the calling thread when the socket
 * skips the port on success ({@link OverlappedSocket#skipCompletionPortOnSuccess}). The buffer's position
 * moves by the bytes transferred before the handler runs, as with {@link OverlappedSocket#read}.
 *
 * <pre>{@code
 * SocketOperation echo = socket.operation(ByteBuffer.allocateDirect(4096), new SocketOperation.Handler() {
 *     public void completed(SocketOperation op, int bytes) {
 *         ...  // bytes == -1: end of stream
 *     }
 *     public void failed(SocketOperation op, IOException error) {
 *         ...
 *     }
 * });
 * echo.receive();
 * }</pre>
 *
 * <p>{@link #close} frees the OVERLAPPED; closing the socket does not (a pending operation completes with
 * {@link Win32Exceptions.AsynchronousClose} then, and a later start fails with
 * {@link java.nio.channels.ClosedChannelException}). An operation dropped without {@code close} is
 * reported by the dispatcher's leak detection.
 */
public final class SocketOperation implements IoOperation, AutoCloseable {

    /** Gets each operation's outcome. */
    public interface Handler {

        /**
         * The operation succeeded.
         *
         * @param operation the operation, done: it may be started again from here
         * @param bytes     bytes received or sent; -1 for a receive at end of stream
         */
        void completed(SocketOperation operation, int bytes);

        /**
         * The operation failed.
         *
         * @param operation the operation, done
         * @param error     why: the same exceptions as {@link OverlappedSocket#read}'s ({@link Win32Exceptions})
         */
        void failed(SocketOperation operation, IOException error);
    }

    private final OverlappedSocket socket;
    private final ByteBuffer buffer;
    private final Handler handler;
    private final Io io;

    SocketOperation(OverlappedSocket socket, ByteBuffer buffer, Handler handler) {
        this.socket = socket;
        this.buffer = buffer;
        this.handler = handler;
        this.io = new Io(this);
        io.overlapped = socket.bound.preAllocate(io, this, buffer);
    }

    /** @return the socket this operation belongs to */
    public OverlappedSocket socket() {
        return socket;
    }

    /** @return the buffer it receives into and sends from */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Receives into the buffer's remaining bytes ({@code WSARecv}). The handler gets the count, or -1 at
     * end of stream (also after {@link OverlappedSocket#shutdownInput}); 0 at once when the buffer has no
     * room.
     *
     * @throws IllegalStateException if this operation is pending, or closed
     */
    public void receive() {
        io.begin(false);
        if (socket.isOpen()) {
            if (socket.inputShut()) {
                io.answered(-1);
                return;
            }
            if (!buffer.hasRemaining()) {
                io.answered(0);
                return;
            }
        }
        socket.restart(io, 0);
    }

    /**
     * Sends the buffer's remaining bytes ({@code WSASend}): the handler gets their count once all are sent.
     *
     * @throws IllegalStateException if this operation is pending, or closed
     */
    public void send() {
        io.begin(true);
        if (socket.outputShut() && socket.isOpen()) {
            io.refused(socket.exceptionFor("WSASend", Win32Errors.WSAESHUTDOWN));
            return;
        }
        socket.restart(io, 0);
    }

    /**
     * Cancels the pending operation ({@code CancelIoEx}); it still completes through the handler.
     *
     * @return true if a cancel was requested; false if nothing was pending
     */
    @Override
    public boolean cancel() {
        return io.cancel();
    }

    /** @return true unless an operation is pending */
    @Override
    public boolean isDone() {
        return io.isDone();
    }

    /**
     * Frees the OVERLAPPED. A second call does nothing.
     *
     * @throws IllegalStateException if an operation is pending (cancel it, or close the socket, and wait
     *                               for its handler first)
     */
    @Override
    public void close() {
        io.close();
    }

    @Override
    public String toString() {
        return "SocketOperation on " + socket;
    }

    /** The operation's life, shared with every other overlapped operation ({@link PendingIo}). */
    private static final class Io extends ReusableIo {
        private final SocketOperation owner;
        private final ByteBuffer[] buffers;
        private boolean sending;

        Io(SocketOperation owner) {
            super(owner.socket, owner);
            this.owner = owner;
            this.buffers = new ByteBuffer[] {owner.buffer};
        }

        void begin(boolean send) {
            begin();
            sending = send;
        }

        void answered(int value) {
            result = value;
            answered((Void) null);
        }

        void refused(IOException e) {
            rejected(e);
        }

        @Override
        String operation() {
            return sending ? "WSASend" : "WSARecv";
        }

        @Override
        long initiate(long overlappedAddress) {
            OverlappedSocket s = owner.socket;
            return sending ? s.sendFrom(buffers, overlappedAddress) : s.receiveInto(buffers, overlappedAddress);
        }

        @Override
        Void succeeded(int bytes) {
            if (bytes == 0 && !sending) {
                result = -1; // 0 bytes into room: end of stream
                return null;
            }
            ByteBuffer b = owner.buffer;
            b.position(b.position() + bytes);
            result = bytes;
            return null;
        }

        @Override
        Void resultOf(int errorCode) {
            if (isResult(errorCode)) {
                result = -1; // a receive posted just before shutdownInput: end of stream too
            }
            return null;
        }

        @Override
        boolean isResult(int errorCode) {
            return !sending && errorCode == Win32Errors.WSAESHUTDOWN;
        }

        @Override
        void completed(int bytes) {
            owner.handler.completed(owner, bytes);
        }

        @Override
        void failed(IOException error) {
            owner.handler.failed(owner, error);
        }
    }
}
