package org.iocp4j.internal.portable;

import java.util.concurrent.atomic.AtomicInteger;

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
 */
final class SharedFd {

    private static final Logger LOG = LoggerFactory.getLogger(SharedFd.class);
    /** The closed bit of {@link #state}; the bits below count the uses. */
    private static final int CLOSED = 1 << 30;

    final int fd;
    /** Opened for reading (not {@code O_WRONLY}). */
    final boolean readable;
    private final AtomicInteger state = new AtomicInteger();
    /** Cleared on {@code EOPNOTSUPP}: plain races between operations only cost one more attempt. */
    volatile boolean readsAtOnce = true;
    volatile boolean writesAtOnce = true;

    SharedFd(int fd, boolean readable) {
        this.fd = fd;
        this.readable = readable;
    }

    /** Takes a use of the descriptor: false once the handle is closed. */
    boolean acquire() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Gives a use back; the last one after the handle's close closes the descriptor. */
    void release() {
        if (state.decrementAndGet() == CLOSED) {
            closeNow();
        }
    }

    /** Whether the handle was closed (operations still queued then end with 995, as before the library). */
    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Closes the handle: the descriptor now, or when the last use is given back.
     *
     * @return false if it was closed already
     */
    boolean close() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    closeNow();
                }
                return true;
            }
        }
    }

    private void closeNow() {
        int r = LinuxFile.close(fd);
        if (r < 0) {
            // Linux releases the number even then; the error (EIO of a deferred write-back) has no caller left.
            LOG.debug("close({}) failed: errno {}", fd, -r);
        }
    }
}
