package org.iocp4j.internal.portable;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.iocp4j.internal.linux.LinuxFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file descriptor of {@code libiocp4j.so} shared by its handle's operations: closing the handle marks it
 * closed, and the descriptor itself is closed when the last operation using it has returned. Without that,
 * a read queued on a device thread could run after the close on a number the kernel had already given to
 * another file. Operations take a use ({@link #acquire}) for as long as they may pass the number to a
 * system call; none can be taken once closed.
 *
 * <p>Also remembers, per direction, whether the file system supports {@code RWF_NOWAIT} (many refuse it
 * for buffered writes: {@code EOPNOTSUPP}), so an unsupported attempt is made once, not per operation.
 *
 * <p>Threads read and write through descriptors of their own ({@link #mine}): a few, one per CPU up to
 * {@link #MAX_DESCRIPTORS}, each a separate open of the same file (through {@code /proc/self/fd}, so the
 * same inode whatever became of the path), made the first time a thread of that slot uses the file. In a
 * process with several threads every {@code pread} takes and drops a reference on its descriptor's open
 * file, one atomic counter: threads sharing one descriptor bounce its line between their CPUs on every call
 * (two threads doing random 4 KiB reads of a cached file: 2.66M reads/s on one descriptor, 3.03M/s on one
 * each, in C on a 2-CPU VM). A slot whose open fails (no {@code /proc}, the descriptor limit) uses the
 * first descriptor. All close together, when the last use is given back.
 */
final class SharedFd {

    private static final Logger LOG = LoggerFactory.getLogger(SharedFd.class);
    /** Ints between two stripes of {@link #uses}: 128 bytes, two cache lines (adjacent-line prefetch). */
    private static final int STRIPE_SPACING = 32;
    /** At most this many descriptors per file, whatever the CPUs. */
    static final int MAX_DESCRIPTORS = 4;
    private static final int SLOTS = Math.max(1, Math.min(MAX_DESCRIPTORS, Runtime.getRuntime().availableProcessors()));
    /** A slot of {@link #more} whose open failed: its threads use {@link #fd}. */
    private static final int REFUSED = -1;

    /** The descriptor the handle was opened with: synchronous calls, and the threads of slot 0. */
    final int fd;
    /** The flags that open the file again (the access mode and {@code O_DSYNC}). */
    private final int reopenFlags;
    /** The other slots' descriptors, each {@code fd + 1} once opened, 0 before, {@link #REFUSED}. */
    private final AtomicIntegerArray more;
    /** Opened for reading (not {@code O_WRONLY}). */
    final boolean readable;
    /**
     * The uses taken and not given back, counted in stripes, each on its own 128 bytes: a thread counts in
     * its slot's, as it reads through its slot's descriptor, so threads on different CPUs do not bounce one
     * counter's line with two atomic operations per read (as the kernel's reference on one shared
     * descriptor would, above). A use given back on another thread (a device thread's task) counts down in
     * that thread's stripe: a stripe may go below zero, only the sum means anything.
     */
    private final AtomicIntegerArray uses = new AtomicIntegerArray((SLOTS + 1) * STRIPE_SPACING);
    /** Set once by {@link #close}: no use is taken from then on. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by the one thread that closes the descriptors, once closed with no use left. */
    private final AtomicBoolean descriptorsClosed = new AtomicBoolean();
    /** Cleared on {@code EOPNOTSUPP}: plain races between operations only cost one more attempt. */
    volatile boolean readsAtOnce = true;
    volatile boolean writesAtOnce = true;

    /**
     * @param fd          the descriptor the file was opened with
     * @param readable    opened for reading
     * @param reopenFlags the {@code open} flags for the threads' own descriptors: no {@code O_CREAT},
     *                    {@code O_EXCL} or {@code O_TRUNC}
     */
    SharedFd(int fd, boolean readable, int reopenFlags) {
        this.fd = fd;
        this.readable = readable;
        this.reopenFlags = reopenFlags;
        this.more = SLOTS > 1 ? new AtomicIntegerArray(SLOTS - 1) : null;
    }

    /**
     * The calling thread's descriptor for reads and writes: call it with a use taken ({@link #acquire}), and
     * pass the number to system calls only until that use is given back.
     */
    int mine() {
        if (more == null) {
            return fd;
        }
        int slot = threadSlot() - 1;
        if (slot < 0) {
            return fd;
        }
        int v = more.get(slot);
        return v > 0 ? v - 1 : v == REFUSED ? fd : openMore(slot);
    }

    private int openMore(int slot) {
        int r = LinuxFile.open(("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII), reopenFlags);
        int v = r >= 0 ? r + 1 : REFUSED;
        if (!more.compareAndSet(slot, 0, v)) {
            if (r >= 0) {
                LinuxFile.close(r); // another thread of the slot opened one first
            }
            v = more.get(slot);
        } else if (r < 0) {
            LOG.debug("reopening descriptor {} for a thread failed: errno {}; its threads share it", fd, -r);
        }
        return v > 0 ? v - 1 : fd;
    }

    /** The descriptors open now, the first included: for tests. */
    int descriptors() {
        int n = 1;
        for (int i = 0; more != null && i < more.length(); i++) {
            n += more.get(i) > 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * Takes a use of the descriptor: false once the handle is closed. The count goes up before the closed
     * flag is read, and {@link #close} sets the flag before it sums the counts (volatile both ways): either
     * the close sees this use, or this use sees the close and gives itself back.
     */
    boolean acquire() {
        if (closed.get()) {
            return false;
        }
        int stripe = stripe();
        uses.incrementAndGet(stripe);
        if (closed.get()) {
            uses.decrementAndGet(stripe);
            closeIfUnused();
            return false;
        }
        return true;
    }

    /** Gives a use back; the last one after the handle's close closes the descriptor. */
    void release() {
        uses.decrementAndGet(stripe());
        if (closed.get()) {
            closeIfUnused();
        }
    }

    /** Whether the handle was closed (operations still queued then end with 995, as before the library). */
    boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes the handle: the descriptor now, or when the last use is given back.
     *
     * @return false if it was closed already
     */
    boolean close() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        closeIfUnused();
        return true;
    }

    /** The calling thread's stripe of {@link #uses}, by the slot {@link #mine} uses: never the first 128 bytes. */
    private static int stripe() {
        return (1 + threadSlot()) * STRIPE_SPACING;
    }

    /** The calling thread's slot, 0 to {@code SLOTS - 1}: its descriptor ({@link #mine}) and its stripe of uses. */
    private static int threadSlot() {
        return (int) (Thread.currentThread().getId() % SLOTS);
    }

    /**
     * Closed: closes the descriptors if no use is left. Every use still held was counted before the closed
     * flag was set, and no new one is, so a sum of zero (each stripe read once, in any order) means none is
     * held, and none will be; of the threads that see it, one closes.
     */
    private void closeIfUnused() {
        int sum = 0;
        for (int i = 1; i <= SLOTS; i++) {
            sum += uses.get(i * STRIPE_SPACING);
        }
        if (sum == 0 && descriptorsClosed.compareAndSet(false, true)) {
            closeNow();
        }
    }

    private void closeNow() {
        for (int i = 0; more != null && i < more.length(); i++) {
            int v = more.getAndSet(i, REFUSED);
            if (v > 0) {
                closeQuietly(v - 1);
            }
        }
        closeQuietly(fd);
    }

    private static void closeQuietly(int descriptor) {
        int r = LinuxFile.close(descriptor);
        if (r < 0) {
            // Linux releases the number even then; the error (EIO of a deferred write-back) has no caller left.
            LOG.debug("close({}) failed: errno {}", descriptor, -r);
        }
    }
}
