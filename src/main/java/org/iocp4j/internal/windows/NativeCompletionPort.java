package org.iocp4j.internal.windows;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.iocp4j.Backend;
import org.iocp4j.BlockingAction;
import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.IocpException;
import org.iocp4j.PortClosedException;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.PortSupport;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.Win32Layout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Win32 completion port through {@link Win32Port}.
 *
 * <p>Handle lifetime: one state word counts the threads inside a call on the handle (from just before
 * the first native call to just after the last: a poll may call the kernel more than once), with the
 * sign bit meaning "closed". A call joins with one atomic add and leaves with another; a call that
 * joins after the bit is set leaves without touching the handle. The handle is closed only when the
 * bit is set and the count is 0, so no thread ever passes a closed handle value to the kernel, where it
 * may already name another object (handle values are reused at once; under Wine a dequeue on a closed
 * port's value takes the next port's packets).
 *
 * <p>Waking waiters on close: Wine never wakes a thread waiting in a port that is closed, and on
 * Windows a waiter held back by the concurrency limit is not released by a packet. So close first posts
 * one wake-up packet (a sentinel OVERLAPPED no caller can hold) per waiting thread, repeatedly, until
 * they have all left, and then closes the handle. If some are still inside after
 * {@link #WAITER_GRACE_MILLIS} ms (held back by the limit until a running thread blocks, or not
 * scheduled), close stops waiting: it sets {@code HANDED_OFF} and returns, and the last
 * thread to leave closes the handle. A wake-up packet is queued for each of them.
 *
 * <pre>
 *   bit 63      CLOSED       close() began: no new call reaches the kernel
 *   bit 62      HANDED_OFF   close() gave up waiting: the last thread to leave closes the handle
 *   bits 0..61  count        threads inside a call on the handle
 * </pre>
 */
public final class NativeCompletionPort extends CompletionPort implements Platform.Port {

    static final long WAITER_GRACE_MILLIS = 1000;
    private static final long WAKE_UP_ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long CLOSED = Long.MIN_VALUE;
    private static final long HANDED_OFF = 1L << 62;
    private static final long COUNT = HANDED_OFF - 1;
    /**
     * The OVERLAPPED of wake-up packets: a real allocation, so no caller's address can equal it (held here,
     * so it lives as long as the class).
     */
    private static final NativeRegion WAKE_UP_OVERLAPPED = NativeRegion.allocate(Win32Layout.OVERLAPPED_SIZE);
    private static final long WAKE_UP = WAKE_UP_OVERLAPPED.address();
    private static final Logger LOG = LoggerFactory.getLogger(NativeCompletionPort.class);
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(NativeCompletionPort.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Per-thread result block for the single dequeue, freed when the thread's map lets it go. */
    private static final ThreadLocal<ResultBlock> RESULT = ThreadLocal.withInitial(ResultBlock::new);

    private final long handle;
    private final int concurrency;
    private final PortSupport.Holders holders = PortSupport.holders();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile long state;

    private NativeCompletionPort(long handle, int concurrency) {
        this.handle = handle;
        this.concurrency = concurrency;
    }

    /**
     * Creates a Win32 port.
     *
     * @param concurrency the concurrency value, 0 for the number of processors
     * @return the port
     * @throws IllegalArgumentException if {@code concurrency} is negative (the kernel would read -1 as
     *                                  4,294,967,295 threads)
     * @throws UnsatisfiedLinkError     if the DLL is not available here
     * @throws IocpException            if {@code CreateIoCompletionPort} fails
     */
    public static NativeCompletionPort open(int concurrency) throws IocpException {
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency must be >= 0 (0 = number of processors): " + concurrency);
        }
        NativeLibraryLoader.ensureLoaded();
        long handle = Win32Port.createPort0(concurrency);
        if (handle <= 0) {
            throw Errors.iocpException("CreateIoCompletionPort", handle == 0 ? Win32Errors.ERROR_INVALID_HANDLE
                    : (int) -handle);
        }
        int effective = concurrency == 0 ? Runtime.getRuntime().availableProcessors() : concurrency;
        return new NativeCompletionPort(handle, effective);
    }

    @Override
    public Backend backend() {
        return platform().backend();
    }

    @Override
    public Platform platform() {
        return WindowsPlatform.INSTANCE;
    }

    @Override
    public int concurrency() {
        return concurrency;
    }

    /**
     * The port's {@code HANDLE}, for callers making their own Win32 calls. Valid until {@link #close()}.
     *
     * @return the handle value
     */
    public long handle() {
        return handle;
    }

    /**
     * The number of threads inside a poll of this port now: waiting in the kernel, or about to.
     *
     * @return the count
     */
    public int waitingThreads() {
        return waiting.get();
    }

    @Override
    public void associate(long fileHandle, long key) throws IocpException {
        if (fileHandle == 0 || fileHandle == -1) {
            throw new IllegalArgumentException("not a handle: " + fileHandle);
        }
        enter("CreateIoCompletionPort");
        try {
            check("CreateIoCompletionPort", Win32Port.associate0(handle, fileHandle, key));
        } finally {
            leave();
        }
    }

    @Override
    public void post(long key, int bytesTransferred, long overlappedAddress) throws IocpException {
        enter("PostQueuedCompletionStatus");
        try {
            check("PostQueuedCompletionStatus", Win32Port.post0(handle, key, bytesTransferred, overlappedAddress));
        } finally {
            leave();
        }
    }

    @Override
    public OptionalLong queueDepth() throws IocpException {
        enter("NtQueryIoCompletion");
        try {
            int depth = Win32Port.queueDepth0(handle);
            check("NtQueryIoCompletion", depth);
            return OptionalLong.of(depth);
        } finally {
            leave();
        }
    }

    @Override
    public boolean poll(Completion into, long timeout, TimeUnit unit) throws IocpException {
        Objects.requireNonNull(into, "into");
        long nanos = PortSupport.timeoutNanos(timeout, unit);
        ResultBlock result = RESULT.get();
        enterWaiting("GetQueuedCompletionStatus");
        try {
            long deadline = System.nanoTime() + nanos;
            for (;;) {
                int r = Win32Port.dequeue0(handle, result.address, millisFor(nanos, deadline));
                if (r == Win32Port.DEQUEUE_PACKET || r == Win32Port.DEQUEUE_FAILED_PACKET) {
                    ByteBuffer m = result.memory;
                    long overlapped = NativeMemory.getLong(m, Win32Layout.RESULT_OVERLAPPED);
                    if (overlapped == WAKE_UP) {
                        throw Errors.portAbandoned("GetQueuedCompletionStatus");
                    }
                    holders.fill(into, NativeMemory.getLong(m, Win32Layout.RESULT_KEY),
                            NativeMemory.getInt(m, Win32Layout.RESULT_BYTES), overlapped,
                            r == Win32Port.DEQUEUE_PACKET ? 0 : NativeMemory.getInt(m, Win32Layout.RESULT_ERROR));
                    return true;
                }
                if (r == Win32Port.DEQUEUE_TIMEOUT) {
                    if (timeLeft(nanos, deadline)) {
                        throwIfClosing("GetQueuedCompletionStatus");
                        continue;
                    }
                    return false;
                }
                throw dequeueFailed("GetQueuedCompletionStatus", -r);
            }
        } finally {
            leaveWaiting();
        }
    }

    @Override
    public int poll(CompletionBatch into, long timeout, TimeUnit unit) throws IocpException {
        Objects.requireNonNull(into, "into");
        long nanos = PortSupport.timeoutNanos(timeout, unit);
        NativeRegion entries = holders.beginFill(into);
        int filled = 0;
        try {
            enterWaiting("GetQueuedCompletionStatusEx");
            try {
                long deadline = System.nanoTime() + nanos;
                for (;;) {
                    int r = Win32Port.dequeueBatch0(handle, entries.address(), into.capacity(), millisFor(nanos, deadline),
                            false);
                    if (r > 0) {
                        filled = state < 0 ? dropWakeUps(entries.memory(), r) : r;
                        if (filled == 0) {
                            throw Errors.portAbandoned("GetQueuedCompletionStatusEx");
                        }
                        return filled;
                    }
                    if (r == 0) {
                        if (timeLeft(nanos, deadline)) {
                            throwIfClosing("GetQueuedCompletionStatusEx");
                            continue;
                        }
                        return 0;
                    }
                    throw dequeueFailed("GetQueuedCompletionStatusEx", -r);
                }
            } finally {
                leaveWaiting();
            }
        } finally {
            holders.endFill(into, filled);
        }
    }

    @Override
    public <T, X extends Throwable> T blocking(BlockingAction<T, X> action) throws X {
        // The kernel takes a thread that waits out of the port's running count by itself.
        return action.run();
    }

    @Override
    public boolean isOpen() {
        return state >= 0;
    }

    /**
     * Closes the port as {@link CompletionPort#close()} says, with one exception: a thread still inside
     * after {@value #WAITER_GRACE_MILLIS} ms (held back by the concurrency limit) does not hold close up.
     * Close then returns, the port refuses every call, and the handle itself is closed by the last
     * thread to leave, never under it.
     */
    @Override
    public void close() {
        long s;
        do {
            s = state;
            if (s < 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED));

        // Until the count is 0 or the hand-off is made, the handle stays open: posting to it is safe.
        long graceEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAITER_GRACE_MILLIS);
        for (;;) {
            s = state;
            long inside = s & COUNT;
            if (inside == 0) {
                closeHandle();
                return;
            }
            int waiters = waiting.get();
            for (int i = 0; i < waiters; i++) {
                Win32Port.post0(handle, 0, 0, WAKE_UP);
            }
            if (System.nanoTime() - graceEnd > 0) {
                handOff(inside);
                return;
            }
            LockSupport.parkNanos(this, WAKE_UP_ROUND_NANOS);
        }
    }

    /** Leaves the close to the last thread out, or makes it now if they all left meanwhile. */
    private void handOff(long inside) {
        // One more wake-up for every thread inside, whether it counts as waiting yet or not.
        for (long i = 0; i < inside; i++) {
            Win32Port.post0(handle, 0, 0, WAKE_UP);
        }
        for (;;) {
            long s = state;
            long left = s & COUNT;
            if (left == 0) {
                closeHandle();
                return;
            }
            if (STATE.compareAndSet(this, s, s | HANDED_OFF)) {
                LOG.warn("completion port 0x{} closes when the {} thread(s) still in it leave (held back by the "
                        + "concurrency limit, or not scheduled)", Long.toHexString(handle), left);
                return;
            }
        }
    }

    private void closeHandle() {
        int r = Win32Port.close0(handle);
        if (r < 0) {
            LOG.warn("CloseHandle of completion port 0x{} failed: {}", Long.toHexString(handle),
                    Win32Errors.describe(-r));
        }
    }

    // ---- the handle's lifetime ----

    private void enter(String operation) throws PortClosedException {
        long s = (long) STATE.getAndAdd(this, 1L);
        if (s < 0) {
            leave();
            throw Errors.portClosed(operation);
        }
    }

    private void leave() {
        long s = (long) STATE.getAndAdd(this, -1L) - 1;
        // The last one out after close() handed off closes the handle. A late caller may join and leave
        // again, so claim the close by clearing HANDED_OFF in the same step: it happens exactly once.
        if (s == (CLOSED | HANDED_OFF) && STATE.compareAndSet(this, s, CLOSED)) {
            closeHandle();
        }
    }

    /** Called between two kernel calls of one poll: once close began, the poll stops instead. */
    private void throwIfClosing(String operation) throws PortClosedException {
        if (state < 0) {
            throw Errors.portAbandoned(operation);
        }
    }

    private void enterWaiting(String operation) throws PortClosedException {
        enter(operation);
        waiting.incrementAndGet();
    }

    private void leaveWaiting() {
        waiting.decrementAndGet();
        leave();
    }

    private static void check(String operation, int result) throws IocpException {
        if (result < 0) {
            throw Errors.iocpException(operation, -result);
        }
    }

    private IocpException dequeueFailed(String operation, int error) {
        if (state < 0) {
            return Errors.portAbandoned(operation);
        }
        return Errors.iocpException(operation, error);
    }

    /** Removes wake-up entries a batch took after close began; returns the real packets left. */
    private static int dropWakeUps(ByteBuffer entries, int count) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int from = i * Win32Layout.ENTRY_SIZE;
            if (NativeMemory.getLong(entries, from + Win32Layout.ENTRY_OVERLAPPED) == WAKE_UP) {
                continue;
            }
            if (kept != i) {
                int to = kept * Win32Layout.ENTRY_SIZE;
                for (int off = 0; off < Win32Layout.ENTRY_SIZE; off += 8) {
                    NativeMemory.putLong(entries, to + off, NativeMemory.getLong(entries, from + off));
                }
            }
            kept++;
        }
        return kept;
    }

    // ---- timeouts: the native wait takes milliseconds in an int, INFINITE being -1 ----


    private static int millisFor(long nanos, long deadline) {
        if (nanos == Long.MAX_VALUE) {
            return Win32Port.WAIT_FOREVER;
        }
        long left = Math.max(0, deadline - System.nanoTime());
        long millis = (left + 999_999) / 1_000_000; // round up: a 1 ns wait must not become a 0 ms poll
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    private static boolean timeLeft(long nanos, long deadline) {
        return nanos == Long.MAX_VALUE || (nanos > 0 && deadline - System.nanoTime() > 0);
    }

    /** An off-heap {@code iocp4j_dequeue_result}, one per polling thread: freed with the thread's map entry. */
    private static final class ResultBlock {
        final NativeRegion region = NativeRegion.allocate(Win32Layout.RESULT_SIZE);
        final ByteBuffer memory = region.memory();
        final long address = region.address();
    }
}
