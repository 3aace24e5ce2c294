package org.iocp4j;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.iocp4j.internal.Platforms;
import org.iocp4j.internal.PortSupport;

/**
 * An I/O completion port: a kernel queue of completion packets that a pool of threads drains, with at
 * most {@link #concurrency()} of them running at once.
 *
 * <p>On Windows x64 this is the Win32 port ({@code CreateIoCompletionPort} and friends, through JNI).
 * Elsewhere it is a portable port written in Java with the same semantics, so code written against it
 * runs and is tested on any platform ({@link Iocp#backend()} says which one is used):
 * <ul>
 *   <li>packets come out in the order they went in (FIFO);</li>
 *   <li>waiting threads are released last-in first-out, so the pool's hottest thread takes the next
 *       packet and idle threads stay idle;</li>
 *   <li>a thread that took a packet counts as running until it polls again (or says it is about to
 *       block, through {@link #blocking}); while {@link #concurrency()} threads run, further packets wait
 *       in the queue even if threads are waiting for them;</li>
 *   <li>{@link #close()} releases every waiting thread with a {@link PortClosedException} and discards
 *       packets still queued.</li>
 * </ul>
 *
 * <p>Polling does not respond to {@link Thread#interrupt()} (neither does
 * {@code GetQueuedCompletionStatus}); the interrupt status is left as it was. Close the port, or poll
 * with a timeout, to get a waiting thread back.
 *
 * <p>All methods are thread-safe. A {@code CompletionPort} is not meant to be subclassed outside
 * iocp4j.
 */
public abstract class CompletionPort implements AutoCloseable {

    static {
        // Before any port exists (each is a subclass): the ports fill the holders through this.
        PortSupport.install(new PortHolders());
    }

    /** For iocp4j's own backends. */
    protected CompletionPort() {
    }

    /**
     * Opens a port whose concurrency is the number of processors.
     *
     * @return the port
     * @throws IOException if the system refuses to create one
     * @see #open(int)
     */
    public static CompletionPort open() throws IOException {
        return open(0);
    }

    /**
     * Opens a port on the backend {@link Iocp#backend()} chooses.
     *
     * @param concurrency the most threads allowed to run at once, 0 for the number of processors
     * @return the port
     * @throws IllegalArgumentException if {@code concurrency} is negative
     * @throws UnsatisfiedLinkError     if the native backend was asked for and is not available
     * @throws IocpException            if {@code CreateIoCompletionPort} fails (for example 8,
     *                                  {@code ERROR_NOT_ENOUGH_MEMORY}, or 1450 when system resources run out)
     * @throws IOException              on other I/O failures
     */
    public static CompletionPort open(int concurrency) throws IOException {
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0 (0 = number of processors): " + concurrency);
        }
        return Platforms.current().openPort(concurrency);
    }

    /**
     * Which implementation this port runs on.
     *
     * @return the backend
     */
    public abstract Backend backend();

    /**
     * The most threads allowed to run at once (the number of processors if opened with 0).
     *
     * @return the concurrency value, at least 1
     */
    public abstract int concurrency();

    /**
     * Associates an overlapped handle with the port: every later I/O completion on the handle queues a
     * packet carrying {@code key}.
     *
     * @param handle a Win32 {@code HANDLE} or {@code SOCKET} opened for overlapped I/O
     * @param key    the completion key its packets will carry
     * @throws IllegalArgumentException      if {@code handle} is 0 or {@code INVALID_HANDLE_VALUE} (-1)
     * @throws PortClosedException           if the port is closed
     * @throws UnsupportedOperationException on the portable backend, for anything but a portable handle (a
     *                                       file or socket opened through {@code org.iocp4j.io})
     * @throws IocpException                 if {@code CreateIoCompletionPort} fails: 6,
     *                                       {@code ERROR_INVALID_HANDLE}; 87, {@code ERROR_INVALID_PARAMETER},
     *                                       when the handle is already associated with a port or was not
     *                                       opened for overlapped I/O
     */
    public abstract void associate(long handle, long key) throws IOException;

    /**
     * Queues a packet ({@code PostQueuedCompletionStatus}). The values are not interpreted: the packet
     * comes out of a poll exactly as posted, with error code 0.
     *
     * @param key               the completion key
     * @param bytesTransferred  the byte count, an unsigned {@code DWORD}
     * @param overlappedAddress an address, or any 64-bit value the receiver understands; 0 for none
     * @throws PortClosedException if the port is closed (error 6)
     * @throws IocpException       if the system refuses the packet (for example 1450,
     *                             {@code ERROR_NO_SYSTEM_RESOURCES}, when nonpaged pool runs out)
     */
    public abstract void post(long key, int bytesTransferred, long overlappedAddress) throws IOException;

    /**
     * Takes one packet, waiting up to the timeout for it ({@code GetQueuedCompletionStatus}).
     *
     * <p>The four outcomes are kept apart: a packet of a successful operation (returns true, error 0);
     * the packet of a failed operation (returns true, {@link Completion#errorCode()} non-zero); a timeout
     * (returns false); the port closed (throws).
     *
     * @param into    the holder to fill
     * @param timeout how long to wait: 0 does not wait; a timeout at or beyond {@code Long.MAX_VALUE}
     *                nanoseconds waits until a packet comes or the port closes
     * @param unit    the timeout's unit
     * @return true if a packet was taken, false if the timeout elapsed
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException     if {@code into} or {@code unit} is null
     * @throws PortClosedException      if the port was closed before (error 6) or during (error 735) the wait
     * @throws IocpException            if the dequeue itself fails for another reason
     */
    public abstract boolean poll(Completion into, long timeout, TimeUnit unit) throws IOException;

    /**
     * Takes as many packets as are queued, up to the batch's capacity, waiting up to the timeout for at
     * least one ({@code GetQueuedCompletionStatusEx}). The packets are read through the batch's
     * accessors; a failed operation's packet has a non-zero {@link CompletionBatch#errorCode(int)}.
     *
     * @param into    the batch to fill
     * @param timeout how long to wait, as for {@link #poll(Completion, long, TimeUnit)}
     * @param unit    the timeout's unit
     * @return the number of packets taken, 0 if the timeout elapsed
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException    if the batch is closed or another thread is polling into it
     * @throws NullPointerException     if {@code into} or {@code unit} is null
     * @throws PortClosedException      if the port was closed before (error 6) or during (error 735) the wait
     * @throws IocpException            if the dequeue itself fails for another reason
     */
    public abstract int poll(CompletionBatch into, long timeout, TimeUnit unit) throws IOException;

    /**
     * Runs code that is about to block, letting the port release another thread meanwhile: the calling
     * thread stops counting against {@link #concurrency()} until the action returns (the analogue of
     * {@code ForkJoinPool.managedBlock}). Windows does this by itself when a thread waits in the kernel,
     * so on the native backend the action simply runs; the portable backend needs to be told. Only a
     * thread that took a packet from this port counts; for any other thread the action simply runs.
     *
     * @param action the blocking code
     * @param <T>    its result type
     * @param <X>    the exception it may throw
     * @return what the action returned
     * @throws X what the action threw
     */
    public abstract <T, X extends Throwable> T blocking(BlockingAction<T, X> action) throws X;

    /**
     * How many packets are queued in the port now: {@code NtQueryIoCompletion} on the native port, the
     * queue's length on the portable one. A diagnostics call, not for hot paths; the value may be stale
     * by the time it returns.
     *
     * @return the depth, or empty if this port cannot say
     * @throws IOException if the port is closed (error 6) or the query fails
     */
    public OptionalLong queueDepth() throws IOException {
        return OptionalLong.empty();
    }

    /**
     * Whether the port is open.
     *
     * @return false once {@link #close()} has been called
     */
    public abstract boolean isOpen();

    /**
     * Closes the port: every thread waiting in it gets a {@link PortClosedException} (error 735), every
     * later call one with error 6, and packets still queued are discarded. Returns once no thread is
     * left inside the port, or, on the native backend, after a grace of about a second if a thread is
     * still held inside (by the concurrency limit): the port then refuses every call at once and its
     * handle is closed by the last thread to leave, so no thread ever passes a closed handle to the
     * kernel. Never hangs. Closing twice is harmless.
     */
    @Override
    public abstract void close();
}
