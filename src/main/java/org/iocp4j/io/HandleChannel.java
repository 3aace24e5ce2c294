package org.iocp4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.iocp4j.BoundHandle;
import org.iocp4j.IoDispatcher;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.OwnedOverlappeds;
import org.iocp4j.internal.Win32Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every overlapped channel shares: a handle bound to a dispatcher, the count of its operations in
 * flight, and close as a barrier.
 *
 * <p>Close: no new operation starts; what is outstanding is cancelled ({@code CancelIoEx(handle, NULL)});
 * the handle is closed when the last packet has come back (its OVERLAPPEDs freed by then), or at the
 * deadline, whichever comes first. An OVERLAPPED whose packet has not come is never freed: it stays
 * submitted, its packet frees it whenever it comes, and close reports it. The count and the closed flag
 * share one word, so an operation cannot start after close has seen the count.
 *
 * <p>Skip-on-success is switched on in the same word: the kernel decides at each call whether a success
 * queues a packet, and {@link #start} decides after the call whether to wait for one, so the mode must not
 * change while an operation is in flight (Java would wait for a packet that never comes, or complete inline
 * an operation whose packet still comes and then frees its OVERLAPPED a second time). The switch is
 * refused unless the count is 0, and while it runs no operation starts.
 */
abstract class HandleChannel implements Channel {

    private static final Logger LOG = LoggerFactory.getLogger(HandleChannel.class);

    /** How long {@link #close()} waits for outstanding operations to come back. */
    static final Duration DEFAULT_CLOSE_DEADLINE = Duration.ofSeconds(
            Long.getLong("iocp4j.io.closeDeadlineSeconds", 10));
    private static final long CLOSED = 1L << 62;
    /** Skip-on-success is being switched on: operations wait to start (one short Win32 call). */
    private static final long SWITCHING = 1L << 61;
    /** The operations (and synchronous calls) in flight. */
    private static final long COUNT = SWITCHING - 1;

    final IoDispatcher dispatcher;
    final long handle;
    final BoundHandle bound;
    private final AtomicLong state = new AtomicLong();
    private final AtomicBoolean handleClosing = new AtomicBoolean();
    private final CountDownLatch handleClosed = new CountDownLatch(1);
    private volatile boolean skipOnSuccess;

    /**
     * Binds {@code handle}; on failure the caller still owns (and closes) it.
     */
    HandleChannel(IoDispatcher dispatcher, long handle) throws IOException {
        this.dispatcher = dispatcher;
        this.handle = handle;
        this.bound = dispatcher.bind(handle);
    }

    /** {@code CancelIoEx(handle, overlapped)}: 0, or -error (-1168 when nothing matched). */
    abstract int cancelIo(long overlapped);

    /** Closes the handle itself: 0 or -error. */
    abstract int closeHandle();

    /** Runs once, when the channel is marked closed and before its operations are cancelled. */
    void closing() {
    }

    /**
     * The Win32 handle (or the portable backend's handle value).
     *
     * @return the handle
     */
    public final long handle() {
        return handle;
    }

    /**
     * The dispatcher whose I/O threads run this channel's completions.
     *
     * @return the dispatcher
     */
    public final IoDispatcher dispatcher() {
        return dispatcher;
    }

    /**
     * Operations started and not yet completed.
     *
     * @return the count
     */
    public final int outstanding() {
        return (int) (state.get() & COUNT);
    }

    @Override
    public final boolean isOpen() {
        return (state.get() & CLOSED) == 0;
    }

    /** Skip-on-success has been set on the handle: a call that succeeds at once queues no packet. */
    final boolean skipsOnSuccess() {
        return skipOnSuccess;
    }

    /**
     * Switches skip-on-success on with {@code setMode} ({@code SetFileCompletionNotificationModes}: 0 or
     * -error), unless it is on already; only on an idle channel, and no operation starts meanwhile.
     *
     * @throws IllegalStateException   if operations are in flight
     * @throws ClosedChannelException if closed
     * @throws IOException            if {@code setMode} fails, with its Win32 code
     */
    final void switchOnSkipOnSuccess(LongSupplier setMode) throws IOException {
        for (;;) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                throw new ClosedChannelException();
            }
            if (skipOnSuccess) {
                return;
            }
            if ((s & SWITCHING) != 0) {
                Thread.onSpinWait(); // another thread is switching: see what it got
                continue;
            }
            long inFlight = s & COUNT;
            if (inFlight != 0) {
                throw new IllegalStateException(this + ": " + inFlight + " operation(s) in flight; skip-on-success"
                        + " can only be switched on while nothing is outstanding (the kernel queues a packet or not"
                        + " according to the mode at the time of each call)");
            }
            if (state.compareAndSet(s, s | SWITCHING)) {
                break;
            }
        }
        long r;
        try {
            r = setMode.getAsLong();
            if (r >= 0) {
                skipOnSuccess = true; // before the bit clears: every operation that starts next sees it
            }
        } finally {
            if (state.updateAndGet(s -> s & ~SWITCHING) == CLOSED) {
                closeHandleOnce(); // close came meanwhile and left the handle to us
            }
        }
        if (r < 0) {
            throw exceptionFor("SetFileCompletionNotificationModes", (int) -r);
        }
    }

    /**
     * Starts {@code op}: allocates its OVERLAPPED with {@code buffers} pinned, sets its offset, makes the
     * call, and handles each way the call can return.
     */
    final <V> PendingIo<V> start(PendingIo<V> op, long offset, ByteBuffer... buffers) {
        if (!begin()) {
            op.rejected(new ClosedChannelException());
            return op;
        }
        NativeOverlapped o;
        try {
            o = OwnedOverlappeds.allocator().allocate(bound, op, op, buffers); // op holds o until it frees it
        } catch (RuntimeException e) {
            ended();
            throw e;
        }
        op.overlapped = o;
        return initiate(op, o, offset);
    }

    /**
     * Starts a reusable {@code op} again on the overlapped it keeps ({@link SocketOperation}): nothing is
     * allocated. The caller has {@linkplain PendingIo#rearm rearmed} it.
     */
    final <V> PendingIo<V> restart(PendingIo<V> op, long offset) {
        if (!begin()) {
            op.rejected(new ClosedChannelException());
            return op;
        }
        return initiate(op, op.overlapped, offset);
    }

    /** Sets the offset of {@code op}'s overlapped, submits it, makes the call, and handles each way it returns. */
    private <V> PendingIo<V> initiate(PendingIo<V> op, NativeOverlapped o, long offset) {
        o.setOffset(offset); // slab memory is reused: every field the call reads is set, even a zero
        long address = o.submit();
        long r;
        try {
            r = op.initiate(address);
        } catch (RuntimeException | Error e) { // a bug below us; the call did not start
            o.abortSubmit();
            op.failedAtOnce(Win32Errors.ERROR_INVALID_PARAMETER);
            throw e;
        }
        // ERROR_MORE_DATA (a message larger than the buffer) is a warning status, not an error: the
        // kernel queues its packet even on a handle that skips the port on success. The flag read here is
        // the mode the call ran under: it cannot switch while this operation is counted in.
        if (r == -Win32Errors.ERROR_IO_PENDING || r == -Win32Errors.ERROR_MORE_DATA || (r >= 0 && !skipOnSuccess)) {
            if (!isOpen()) {
                op.cancel(); // close's cancel-all may have run before the call started
            }
        } else if (r >= 0) {
            InlineCompletions.complete(this, o, (int) r);
        } else {
            o.abortSubmit();
            op.failedAtOnce((int) -r);
        }
        return op;
    }

    /** Posts the packet the kernel skipped for a synchronous completion: an I/O thread then runs it. */
    final void postSkipped(NativeOverlapped o, int bytes) throws IOException {
        dispatcher.port().post(bound.key(), bytes, o.address());
    }

    /** Counts an operation (or a synchronous call on the handle) in, unless the channel is closed. */
    final boolean begin() {
        for (;;) {
            long s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if ((s & SWITCHING) != 0) {
                Thread.onSpinWait(); // start under the mode the switch leaves, never across it
                continue;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Runs a synchronous call on the handle: never after close, and close waits for it. */
    final long call(String operation, LongSupplier call) throws IOException {
        if (!begin()) {
            throw new ClosedChannelException();
        }
        long r;
        try {
            r = call.getAsLong();
        } finally {
            ended();
        }
        if (r < 0) {
            throw exceptionFor(operation, (int) -r);
        }
        return r;
    }

    /** Counts an operation out; the last one out of a closed channel closes the handle. */
    final void ended() {
        if (state.decrementAndGet() == CLOSED) {
            closeHandleOnce();
        }
    }

    private void closeHandleOnce() {
        if (handleClosing.compareAndSet(false, true)) {
            int r = closeHandle();
            if (r < 0) {
                LOG.warn("closing {} failed: {}", this, Win32Errors.describe(-r));
            }
            handleClosed.countDown();
        }
    }

    /** The exception for a failed operation on this channel. */
    final IOException exceptionFor(String operation, int errorCode) {
        return Errors.ioException(operation, errorCode, !isOpen(), null);
    }

    /**
     * Cancels every outstanding operation on the handle ({@code CancelIoEx(handle, NULL)}); each
     * completes through its handler, with {@link Win32Exceptions.AsynchronousClose} if the cancel took.
     *
     * @return true if anything was pending to cancel
     */
    public final boolean cancelAll() {
        return cancelIo(0) == 0;
    }

    /**
     * Closes the channel as a barrier, waiting up to 10 s (system property
     * {@code iocp4j.io.closeDeadlineSeconds}) for outstanding operations; see {@link #close(Duration)}.
     * What did not come back is logged at WARN.
     */
    @Override
    public final void close() {
        close(DEFAULT_CLOSE_DEADLINE);
    }

    /**
     * Closes the channel as a barrier. New operations fail with {@code ClosedChannelException}; those
     * outstanding are cancelled and complete through their handlers (with
     * {@link Win32Exceptions.AsynchronousClose}, 995, or normally if they had finished); the handle is
     * closed once the last of them has come back, or at the deadline. An OVERLAPPED whose packet has not
     * come back by then is never freed under the kernel: it stays reserved until its packet arrives. On
     * one of the dispatcher's own I/O threads (in a callback) close does not wait, since the packets may
     * need this thread: the handle closes when the last one has been handled.
     *
     * @param deadline how long to wait
     * @return the number of operations that had not come back at the deadline (0: a clean close), also
     *         logged at WARN when not 0
     */
    public final int close(Duration deadline) {
        long before = state.getAndUpdate(s -> s | CLOSED);
        if ((before & CLOSED) == 0) {
            closing();
            if (before == 0) {
                closeHandleOnce();
            } else {
                cancelIo(0);
            }
        }
        if (dispatcher.isIoThread()) {
            return 0;
        }
        boolean clean;
        try {
            clean = handleClosed.await(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            clean = handleClosed.getCount() == 0;
        }
        if (clean) {
            return 0;
        }
        int left = outstanding();
        if (left > 0) {
            LOG.warn("closed {} with {} operation(s) still in the kernel's hands after {}; their OVERLAPPEDs stay"
                    + " reserved until their packets come (IoDispatcher.outstandingOlderThan lists them)",
                    this, left, deadline);
        }
        closeHandleOnce();
        return Math.max(left, 0);
    }
}
