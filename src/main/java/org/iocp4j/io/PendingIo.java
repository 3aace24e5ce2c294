package org.iocp4j.io;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CompletionHandler;

import org.iocp4j.IoCallback;
import org.iocp4j.NativeOverlapped;

/**
 * One overlapped operation of a {@link HandleChannel}: starts the Win32 call, and turns its packet into a
 * result for a {@link CompletionHandler} or an {@link IoFuture}.
 *
 * <p>Cancel and completion meet in one state word. {@code CancelIoEx} takes the OVERLAPPED's address, so
 * the OVERLAPPED must not be freed (and its slot reused by another operation on the same handle, which
 * the cancel would then hit) while a cancel is inside that call: a completion that finds a cancel in
 * progress leaves the result to the canceller, which delivers it when the call returns.
 *
 * @param <V> the result type
 */
abstract class PendingIo<V> implements IoCallback, IoOperation {

    private static final int PENDING = 0;
    private static final int CANCELLING = 1;
    /** The packet came during a cancel: the canceller delivers it. */
    private static final int HANDED_OVER = 2;
    /**
     * The completion is claimed and its result being made (buffer positions move, the count is taken): not
     * done yet, so nobody starts a reusable operation again under it, and {@link #isDone} is not yet true.
     */
    private static final int COMPLETING = 3;
    /** The result is made and being handed over; from here a reusable operation may start again. */
    private static final int DONE = 4;
    /** A reusable operation closed for good ({@link #closeIfDone}): done, and never rearmed again. */
    private static final int CLOSED = 5;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PendingIo.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final HandleChannel channel;
    private final CompletionHandler<V, Object> handler;
    private final Object attachment;
    private final IoFuture<V> future;
    /**
     * One object for many operations ({@link SocketOperation}): its overlapped is pre-allocated and kept
     * across them, it starts out (and returns to) DONE, and {@link #rearm} makes it PENDING again.
     */
    private final boolean reusable;
    NativeOverlapped overlapped;
    private volatile int state;
    // Written by the completing thread before it hands over (the CAS publishes them).
    private int handedError;
    private int handedBytes;

    @SuppressWarnings("unchecked")
    PendingIo(HandleChannel channel, CompletionHandler<V, ?> handler, Object attachment) {
        this.channel = channel;
        this.handler = (CompletionHandler<V, Object>) handler;
        this.attachment = attachment;
        this.future = null;
        this.reusable = false;
    }

    /** A reusable operation: its subclass sets {@link #overlapped} once and overrides {@link #handOut}. */
    PendingIo(HandleChannel channel) {
        this.channel = channel;
        this.handler = null;
        this.attachment = null;
        this.future = null;
        this.reusable = true;
        this.state = DONE;
    }

    PendingIo(HandleChannel channel, IoFuture<V> future) {
        this.channel = channel;
        this.handler = null;
        this.attachment = null;
        this.future = future;
        this.reusable = false;
        future.started(this);
    }

    /**
     * Makes a reusable operation that is done pending again, before its next start: false if it is still
     * pending (or being cancelled), so two starts of one operation cannot overlap, or closed
     * ({@link #isClosed} tells which). One CAS: a start and a close race on this word, not on a lock.
     */
    final boolean rearm() {
        if (!STATE.compareAndSet(this, DONE, PENDING)) {
            return false;
        }
        failedAtOnce = false;
        return true;
    }

    /**
     * Closes a reusable operation that is done, for good: true if this call closed it, false if it is
     * pending (or being cancelled) or was closed already ({@link #isClosed} tells which). The CAS orders it
     * with {@link #rearm}: of a racing start and close exactly one wins, and of two closes one.
     */
    final boolean closeIfDone() {
        return STATE.compareAndSet(this, DONE, CLOSED); // a strong CAS fails only if the word is not DONE
    }

    /** Whether a reusable operation is closed ({@link #closeIfDone}). */
    final boolean isClosed() {
        return state == CLOSED;
    }

    /** The Win32 call's name, for messages ({@code "ReadFile"}). */
    abstract String operation();

    /**
     * Starts the call with the OVERLAPPED at {@code overlappedAddress}: the natives' convention
     * ({@code >= 0} bytes at once, {@code -997} pending, else {@code -error}).
     */
    abstract long initiate(long overlappedAddress);

    /** The result of a success that moved {@code bytes} (moves buffer positions). */
    abstract V succeeded(int bytes) throws IOException;

    /** The result an error code stands for (end of file is -1, not a failure), or null if it is a failure. */
    V resultOf(int errorCode) {
        return null;
    }

    /**
     * Whether {@code errorCode} stands for a result rather than a failure, for an operation whose results
     * are all null ({@code Void}); others say so through {@link #resultOf}.
     */
    boolean isResult(int errorCode) {
        return false;
    }

    /** Cleanup that must run whatever the outcome, before the handler (a socket accepted for nothing...). */
    void failedCleanup() {
    }

    /** A success whose future was cancelled first: releases what nobody will take (a connected socket). */
    void unclaimed(V value) {
    }

    @Override
    public final void completed(int errorCode, int bytesTransferred, NativeOverlapped o) {
        for (;;) {
            int s = state;
            if (s == PENDING && STATE.compareAndSet(this, PENDING, COMPLETING)) {
                deliver(errorCode, bytesTransferred);
                return;
            }
            if (s >= HANDED_OVER) { // HANDED_OVER, COMPLETING, DONE, CLOSED
                throw new IllegalStateException(this + " completed twice");
            }
            if (s == CANCELLING) {
                handedError = errorCode;
                handedBytes = bytesTransferred;
                if (STATE.compareAndSet(this, CANCELLING, HANDED_OVER)) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** The call failed at once (no packet came): set before the result is handed out. */
    boolean failedAtOnce;

    /** Completes an operation whose call failed at once (no packet will come). */
    final void failedAtOnce(int errorCode) {
        failedAtOnce = true;
        completed(errorCode, 0, overlapped);
    }

    /** Completes an operation that could not even start (closed channel): no OVERLAPPED was allocated. */
    final void rejected(Throwable t) {
        state = DONE;
        handOut(null, t);
    }

    /** Completes with {@code value} an operation answered without the call (no OVERLAPPED was allocated). */
    final void answered(V value) {
        state = DONE;
        handOut(value, null);
    }

    @Override
    public final boolean cancel() {
        if (!STATE.compareAndSet(this, PENDING, CANCELLING)) {
            return false;
        }
        channel.cancelIo(overlapped.address());
        if (!STATE.compareAndSet(this, CANCELLING, PENDING)) {
            state = COMPLETING; // HANDED_OVER: the packet came meanwhile
            deliver(handedError, handedBytes);
        }
        return true;
    }

    @Override
    public final boolean isDone() {
        return state >= DONE; // DONE or CLOSED
    }

    private void deliver(int errorCode, int bytes) {
        V value = null;
        Throwable failure = null;
        // The result is made while the operation still counts as in flight: a connect's or an accept's
        // success sets SO_UPDATE_*_CONTEXT on the handle, and close closes the handle once the count drops.
        // Counted out first, a concurrent close could close the handle under the option, whose value
        // Windows hands at once to the next socket opened (Wine shows it), so the option would land there.
        try {
            if (errorCode == 0) {
                value = succeeded(bytes);
            } else {
                value = resultOf(errorCode);
                if (value == null && !isResult(errorCode)) {
                    failure = channel.exceptionFor(operation(), errorCode);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            if (!reusable) {
                overlapped.free();
            }
            channel.ended();
        }
        if (failure != null) {
            failedCleanup(); // after ended(): a cleanup that closes the channel must not find itself in flight
        }
        doneThenHandOut(value, failure);
    }

    /**
     * Marks the operation done, now that its result is made, and hands the result out. Done comes before the
     * handler so that the handler may start a reusable operation again; a reusable one takes its count
     * before it is done ({@link ReusableIo}), since a start on another thread may reuse the field at once.
     */
    void doneThenHandOut(V value, Throwable failure) {
        markDone();
        handOut(value, failure);
    }

    /**
     * Marks a completing operation done ({@link #doneThenHandOut}'s first step, for an override). A release
     * store: the thread that sees DONE (a start's CAS, {@link #isDone}) sees the result made before it, and
     * nothing here needs the full fence of a volatile write.
     */
    final void markDone() {
        STATE.setRelease(this, DONE);
    }

    /** Hands the outcome to the handler or future (an internal operation may take it itself). */
    void handOut(V value, Throwable failure) {
        if (future != null) {
            if (failure == null) {
                if (!future.complete(value)) {
                    unclaimed(value); // the future was cancelled first: its result has no taker
                }
            } else {
                future.completeExceptionally(failure);
            }
        } else if (failure == null) {
            handler.completed(value, attachment);
        } else {
            handler.failed(failure, attachment);
        }
    }

    @Override
    public String toString() {
        return operation() + " on " + channel;
    }
}
