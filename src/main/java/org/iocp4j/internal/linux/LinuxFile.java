package org.iocp4j.internal.linux;

import java.lang.annotation.Native;
import java.nio.ByteBuffer;

/**
 * The JNI natives of {@code native/linux/LinuxFile.c}: file descriptors, one system call each, primitives
 * only, and the public calls the portable backend makes through them.
 *
 * <p>Results follow the house rule, with {@code errno} for Win32's last error: {@code >= 0} is the value,
 * {@code < 0} is {@code -errno}, read in C right after the failing call. {@link LinuxErrors} turns an errno
 * into the Win32 code the backends speak. None of these calls looks at Java's interrupt status: a thread
 * interrupted in a system call here is not "closed by interrupt" as a {@code FileChannel} is, and the only
 * signal the JVM sends its threads is retried in C ({@code EINTR}).
 *
 * <p>The public calls take a direct buffer and use its {@code [position, limit)} without moving the
 * position: its address comes from the JVM ({@link LinuxMemory}), never a synthetic one. They must only run
 * when {@link LinuxLibrary#isLoaded()}.
 */
public final class LinuxFile {

    /** The ABI of {@code libiocp4j.so}: bumped with any change to a native's signature or meaning. */
    @Native public static final int ABI_VERSION = 1;

    // open(2)'s flags, as Linux x86-64 defines them (the C side checks each against <fcntl.h>)
    @Native public static final int O_RDONLY = 0;
    @Native public static final int O_WRONLY = 1;
    @Native public static final int O_RDWR = 2;
    @Native public static final int O_CREAT = 0100;
    @Native public static final int O_EXCL = 0200;
    @Native public static final int O_TRUNC = 01000;
    @Native public static final int O_DSYNC = 010000;

    // errno values the Java side tells apart (the C side checks each against <errno.h>)
    @Native public static final int EPERM = 1;
    @Native public static final int ENOENT = 2;
    @Native public static final int EIO = 5;
    @Native public static final int EBADF = 9;
    @Native public static final int EAGAIN = 11;
    @Native public static final int ENOMEM = 12;
    @Native public static final int EACCES = 13;
    @Native public static final int EEXIST = 17;
    @Native public static final int ENOTDIR = 20;
    @Native public static final int EISDIR = 21;
    @Native public static final int EINVAL = 22;
    @Native public static final int ENFILE = 23;
    @Native public static final int EMFILE = 24;
    @Native public static final int ETXTBSY = 26;
    @Native public static final int EFBIG = 27;
    @Native public static final int ENOSPC = 28;
    @Native public static final int EROFS = 30;
    @Native public static final int ENAMETOOLONG = 36;
    @Native public static final int ELOOP = 40;
    @Native public static final int EOPNOTSUPP = 95;
    @Native public static final int EDQUOT = 122;

    /** The longest path {@link #open} passes ({@code PATH_MAX} less the terminating NUL). */
    @Native public static final int MAX_PATH_BYTES = 4095;

    private LinuxFile() {
    }

    /** The {@link #ABI_VERSION} the library was compiled against. */
    static native int abiVersion0();

    /** {@code open(path, flags | O_CLOEXEC, 0666)}: path holds {@code length} bytes, no NUL. fd or -errno. */
    static native int open0(byte[] path, int length, int flags);

    /** {@code close(fd)}: 0 or -errno (the descriptor is gone either way). */
    static native int close0(int fd);

    /** {@code preadv2(fd, ..., RWF_NOWAIT)}: bytes (0 at end of file) or -errno; -EAGAIN when it would wait. */
    static native int readNowait0(int fd, long address, int length, long position);

    /** {@code pwritev2(fd, ..., RWF_NOWAIT)}: bytes or -errno; -EAGAIN when it would wait. */
    static native int writeNowait0(int fd, long address, int length, long position);

    /** {@code pread(fd, ...)}, blocking, {@code EINTR} retried: bytes (0 at end of file) or -errno. */
    static native int read0(int fd, long address, int length, long position);

    /** {@code pwrite(fd, ...)}, blocking, {@code EINTR} retried: bytes or -errno. */
    static native int write0(int fd, long address, int length, long position);

    /** {@code fstat(fd).st_size} or -errno. */
    static native long size0(int fd);

    /** {@code ftruncate(fd, size)}: shrinks or extends (with zeros). 0 or -errno. */
    static native int truncate0(int fd, long size);

    /** {@code fsync(fd)}, or {@code fdatasync(fd)} with {@code dataOnly}: 0 or -errno. */
    static native int sync0(int fd, boolean dataOnly);

    /**
     * Opens {@code path} (its bytes in the platform's file name encoding).
     *
     * @param flags {@code O_*} above; {@code O_CLOEXEC} is always added
     * @return the descriptor, or -errno ({@code -ENAMETOOLONG} past {@link #MAX_PATH_BYTES},
     *         {@code -EINVAL} for a NUL in the path)
     */
    public static int open(byte[] path, int flags) {
        if (path.length > MAX_PATH_BYTES) {
            return -ENAMETOOLONG;
        }
        for (byte b : path) {
            if (b == 0) {
                return -EINVAL;
            }
        }
        return open0(path, path.length, flags);
    }

    /** Closes {@code fd}: 0 or -errno. */
    public static int close(int fd) {
        return close0(fd);
    }

    /** Reads {@code dst}'s remaining bytes at {@code position} if the page cache has them: bytes or -errno. */
    public static int readNowait(int fd, ByteBuffer dst, int done, long position) {
        return readNowait0(fd, LinuxMemory.addressOf(dst) + dst.position() + done, dst.remaining() - done,
                position + done);
    }

    /** Writes {@code src}'s remaining bytes at {@code position} unless it would wait: bytes or -errno. */
    public static int writeNowait(int fd, ByteBuffer src, int done, long position) {
        return writeNowait0(fd, LinuxMemory.addressOf(src) + src.position() + done, src.remaining() - done,
                position + done);
    }

    /**
     * Reads into {@code dst} from its position plus {@code done}, at {@code position + done}, waiting for the
     * device: bytes or -errno.
     */
    public static int read(int fd, ByteBuffer dst, int done, long position) {
        return read0(fd, LinuxMemory.addressOf(dst) + dst.position() + done, dst.remaining() - done,
                position + done);
    }

    /** Writes {@code src} from its position plus {@code done}, at {@code position + done}: bytes or -errno. */
    public static int write(int fd, ByteBuffer src, int done, long position) {
        return write0(fd, LinuxMemory.addressOf(src) + src.position() + done, src.remaining() - done,
                position + done);
    }

    /** The file's size or -errno. */
    public static long size(int fd) {
        return size0(fd);
    }

    /** Sets the file's size: 0 or -errno. */
    public static int truncate(int fd, long size) {
        return truncate0(fd, size);
    }

    /** Flushes data and metadata ({@code dataOnly} false) or data only to the device: 0 or -errno. */
    public static int sync(int fd, boolean dataOnly) {
        return sync0(fd, dataOnly);
    }
}
