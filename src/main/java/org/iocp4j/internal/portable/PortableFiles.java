package org.iocp4j.internal.portable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.iocp4j.internal.Errors;
import org.iocp4j.internal.FileBackend;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.linux.LinuxErrors;
import org.iocp4j.internal.linux.LinuxFile;
import org.iocp4j.internal.linux.LinuxLibrary;
import org.iocp4j.internal.windows.Win32File;

/**
 * {@link FileBackend} for every platform, in one of two ways chosen once per process:
 * <ul>
 *   <li><b>With {@code libiocp4j.so}</b> (Linux x86-64, {@link LinuxLibrary#isLoaded()}): a file descriptor
 *       per handle. A read or write is first tried at once on the calling thread with
 *       {@code preadv2}/{@code pwritev2} and {@code RWF_NOWAIT}: it completes if the page cache has the data
 *       (or can take the write) and fails with {@code EAGAIN} instead of waiting for the device. Completed,
 *       it returns its byte count with no packet on a handle that skips the port on success (the caller then
 *       runs its handler inline, as on Windows), or posts its packet and returns {@code -997} on one that
 *       does not. Would it wait, it goes to the device threads, which make the blocking call.</li>
 *   <li><b>Without it</b> (elsewhere, on JDK 24+ without native access, with
 *       {@code -Diocp4j.linux.library=false}): a {@link FileChannel} per handle, every read and write on the
 *       device threads, each posting its packet when it ends: like Wine, nothing completes at once, so
 *       skip-on-success is accepted and never applies.</li>
 * </ul>
 * Share modes and {@code FILE_FLAG_NO_BUFFERING} have no equivalent here (the alignment rules of unbuffered
 * I/O are still checked above this class, so code behaves alike on Windows).
 *
 * <p>Interrupts: a {@code FileChannel} closes itself when a thread blocked in it is interrupted, or when a
 * thread whose interrupt status is set calls into it; a Win32 handle knows nothing of Java's interrupts. So
 * no application thread ever calls into a channel here: reads and writes run on the device's threads, and
 * the synchronous calls ({@link #size}, {@link #truncate}, {@link #flush}) on a cached pool of the
 * backend's own, the caller waiting uninterruptibly (its interrupt status kept for it). Those threads run
 * nothing but this class's calls, so nobody interrupts them. Clearing and restoring the caller's status
 * around the call would not do: another thread's interrupt during the call would still close the channel.
 * A system call through the library ignores interrupts (the JVM retries nothing for it, and {@code EINTR} is
 * retried in C), so with the library the application's thread makes the at-once attempts and the
 * synchronous calls itself, with no hop to the control pool.
 *
 * <p>Closing a handle while operations are queued: they end with 995 ({@code ERROR_OPERATION_ABORTED}) on
 * both paths; the library's descriptor is closed once no operation still uses it ({@link SharedFd}).
 */
public final class PortableFiles implements FileBackend {

    /** The one instance. */
    public static final PortableFiles INSTANCE = new PortableFiles();

    private static final int PENDING = -Win32Errors.ERROR_IO_PENDING;
    /** Threads of the device executor: enough for a few reads in flight to overlap on a disk. */
    private static final int THREADS = Integer.getInteger("iocp4j.portable.fileThreads", 4);

    /** Operations queued or running, by OVERLAPPED address (unique while submitted): what cancel finds. */
    private final ConcurrentHashMap<Long, FileTask> pending = new ConcurrentHashMap<>();
    private volatile ExecutorService device;
    /** Runs the synchronous calls: not the device, where a {@code size()} would wait behind queued reads. */
    private volatile ExecutorService control;
    /** Whether files go through {@code libiocp4j.so}: decided once, so every handle of the process agrees. */
    private final boolean linux;

    private PortableFiles() {
        linux = LinuxLibrary.isLoaded();
    }

    /**
     * Whether this backend's files go through {@code libiocp4j.so} (at-once reads and writes on the caller's
     * thread) rather than {@code FileChannel} on device threads; {@link LinuxLibrary#status()} says why not.
     */
    public boolean usesLinuxLibrary() {
        return linux;
    }

    private ExecutorService device() {
        ExecutorService d = device;
        if (d == null) {
            synchronized (this) {
                d = device;
                if (d == null) {
                    device = d = pool("iocp4j-portable-file-", THREADS, new LinkedBlockingQueue<>());
                }
            }
        }
        return d;
    }

    /** The backend's own threads (daemons, named {@code prefix-N}), idle ones ending after 30 s. */
    private static ThreadPoolExecutor pool(String prefix, int threads, BlockingQueue<Runnable> queue) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor e = new ThreadPoolExecutor(threads, threads == 0 ? Integer.MAX_VALUE : threads, 30,
                TimeUnit.SECONDS, queue, r -> {
                    Thread t = new Thread(r, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        e.allowCoreThreadTimeOut(threads > 0);
        return e;
    }

    private ExecutorService control() {
        ExecutorService c = control;
        if (c == null) {
            synchronized (this) {
                c = control;
                if (c == null) {
                    control = c = pool("iocp4j-portable-file-call-", 0, new SynchronousQueue<>());
                }
            }
        }
        return c;
    }

    /**
     * Runs a synchronous call on the file: with the library, the system call on the caller's thread (it
     * ignores interrupts); without, on one of the backend's threads (see the class comment), the caller
     * waiting without being interruptible and keeping its interrupt status.
     */
    private long call(long handle, FileCall call, FdCall fdCall) {
        OpenFile f = file(handle);
        if (f == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        if (f.fd != null) {
            // A system call: the caller's interrupt status cannot harm the descriptor, so no hop.
            if (!f.fd.acquire()) {
                return -Win32Errors.ERROR_INVALID_HANDLE;
            }
            try {
                long r = fdCall.run(f.fd.fd);
                return r < 0 ? -LinuxErrors.win32((int) -r) : r;
            } finally {
                f.fd.release();
            }
        }
        // join() waits uninterruptibly and sets the caller's interrupt status again if it was interrupted.
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.run(f.channel);
            } catch (IOException | RuntimeException e) {
                return (long) -Errors.codeOf(e);
            }
        }, control()).join();
    }

    /** A synchronous call on a file's channel: the natives' convention. */
    private interface FileCall {
        long run(FileChannel channel) throws IOException;
    }

    /** A synchronous call on a file's descriptor: {@code >= 0} or {@code -errno}. */
    private interface FdCall {
        long run(int fd);
    }

    @Override
    public long open(String path, int access, int shareMode, int disposition, int flags, boolean sparse) {
        EnumSet<StandardOpenOption> options = EnumSet.noneOf(StandardOpenOption.class);
        if ((access & Win32File.GENERIC_READ) != 0) {
            options.add(StandardOpenOption.READ);
        }
        if ((access & Win32File.GENERIC_WRITE) != 0) {
            options.add(StandardOpenOption.WRITE);
        }
        switch (disposition) {
            case Win32File.CREATE_NEW: options.add(StandardOpenOption.CREATE_NEW); break;
            case Win32File.CREATE_ALWAYS: options.add(StandardOpenOption.CREATE); options.add(StandardOpenOption.TRUNCATE_EXISTING); break;
            case Win32File.OPEN_ALWAYS: options.add(StandardOpenOption.CREATE); break;
            case Win32File.TRUNCATE_EXISTING: options.add(StandardOpenOption.TRUNCATE_EXISTING); break;
            case Win32File.OPEN_EXISTING: break;
            default: return -Win32Errors.ERROR_INVALID_PARAMETER;
        }
        if ((flags & Win32File.FILE_FLAG_DELETE_ON_CLOSE) != 0) {
            options.add(StandardOpenOption.DELETE_ON_CLOSE);
        }
        if ((flags & Win32File.FILE_FLAG_WRITE_THROUGH) != 0) {
            options.add(StandardOpenOption.DSYNC);
        }
        if (sparse) {
            options.add(StandardOpenOption.SPARSE);
        }
        Path p = Path.of(path);
        if ((options.contains(StandardOpenOption.TRUNCATE_EXISTING) || options.contains(StandardOpenOption.CREATE))
                && !options.contains(StandardOpenOption.WRITE)) {
            options.add(StandardOpenOption.WRITE); // Windows truncates or creates with read access alone
        }
        if (Files.isDirectory(p)) {
            return -Win32Errors.ERROR_ACCESS_DENIED; // as CreateFileW without FILE_FLAG_BACKUP_SEMANTICS
        }
        if (linux) {
            return openDescriptor(p, options, (access & Win32File.GENERIC_WRITE) != 0);
        }
        try {
            FileChannel channel = FileChannel.open(p, options.toArray(new OpenOption[0]));
            return PortableHandles.register(new OpenFile(channel, null, null,
                    (access & Win32File.GENERIC_WRITE) != 0)).handle();
        } catch (NoSuchFileException e) {
            Path parent = p.toAbsolutePath().getParent();
            return parent != null && !Files.isDirectory(parent) ? -Win32Errors.ERROR_PATH_NOT_FOUND : -Win32Errors.ERROR_FILE_NOT_FOUND;
        } catch (IOException | RuntimeException e) {
            return -Errors.codeOf(e);
        }
    }

    /** The library's open, with the flags of the options NIO would have had (SPARSE: Linux files are sparse). */
    private static long openDescriptor(Path p, EnumSet<StandardOpenOption> options, boolean writable) {
        int flags = options.contains(StandardOpenOption.WRITE)
                ? options.contains(StandardOpenOption.READ) ? LinuxFile.O_RDWR : LinuxFile.O_WRONLY
                : LinuxFile.O_RDONLY;
        if (options.contains(StandardOpenOption.CREATE_NEW)) {
            flags |= LinuxFile.O_CREAT | LinuxFile.O_EXCL;
        } else if (options.contains(StandardOpenOption.CREATE)) {
            flags |= LinuxFile.O_CREAT;
        }
        if (options.contains(StandardOpenOption.TRUNCATE_EXISTING)) {
            flags |= LinuxFile.O_TRUNC;
        }
        if (options.contains(StandardOpenOption.DSYNC)) {
            flags |= LinuxFile.O_DSYNC;
        }
        Path absolute = p.toAbsolutePath();
        int fd = LinuxFile.open(absolute.toString().getBytes(FILE_NAMES), flags);
        if (fd < 0) {
            if (fd == -LinuxFile.ENOENT) {
                Path parent = absolute.getParent();
                return parent != null && !Files.isDirectory(parent) ? -Win32Errors.ERROR_PATH_NOT_FOUND
                        : -Win32Errors.ERROR_FILE_NOT_FOUND;
            }
            return -LinuxErrors.win32(-fd);
        }
        Path deleteOnClose = options.contains(StandardOpenOption.DELETE_ON_CLOSE) ? absolute : null;
        int reopenFlags = flags & (3 | LinuxFile.O_DSYNC); // the access mode; never create, exclude or truncate again
        return PortableHandles.register(new OpenFile(null, new SharedFd(fd, (flags & 3) != LinuxFile.O_WRONLY,
                reopenFlags), deleteOnClose, writable)).handle();
    }

    /** How the JDK encodes file names for the system (Java 11+: {@code sun.jnu.encoding}). */
    private static final Charset FILE_NAMES = fileNameCharset();

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static OpenFile file(long handle) {
        PortableHandles.Entry e = PortableHandles.lookup(handle);
        return e != null && e.resource() instanceof OpenFile ? (OpenFile) e.resource() : null;
    }

    /**
     * What a portable file handle stands for: the channel (NIO) or the descriptor (the library), and the
     * access it was opened with.
     */
    static final class OpenFile {
        /** Null with the library. */
        final FileChannel channel;
        /** Null without the library. */
        final SharedFd fd;
        /** {@code FILE_FLAG_DELETE_ON_CLOSE} with the library: the file to delete at close, else null. */
        final Path deleteOnClose;
        /** Known from the open, so a write is refused (5) without calling into the channel on the caller's thread. */
        final boolean writable;

        OpenFile(FileChannel channel, SharedFd fd, Path deleteOnClose, boolean writable) {
            this.channel = channel;
            this.fd = fd;
            this.deleteOnClose = deleteOnClose;
            this.writable = writable;
        }
    }

    @Override
    public long read(long handle, ByteBuffer dst, long position, long overlapped) {
        return start(handle, dst, position, overlapped, false);
    }

    @Override
    public long write(long handle, ByteBuffer src, long position, long overlapped) {
        return start(handle, src, position, overlapped, true);
    }

    private long start(long handle, ByteBuffer buffer, long position, long overlapped, boolean write) {
        PortableHandles.Entry entry = PortableHandles.lookup(handle);
        if (entry == null || !(entry.resource() instanceof OpenFile)) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        OpenFile file = (OpenFile) entry.resource();
        if (write && !file.writable) {
            return -Win32Errors.ERROR_ACCESS_DENIED;
        }
        if (file.fd != null) {
            if (!write && !file.fd.readable) {
                return -Win32Errors.ERROR_ACCESS_DENIED; // as ReadFile on a handle without GENERIC_READ (not EBADF's 6)
            }
            return startAtOnce(entry, file, buffer, position, overlapped, write);
        }
        queue(new FileTask(entry, file, buffer.duplicate(), position, overlapped, write, 0));
        return PENDING;
    }

    private void queue(FileTask task) {
        pending.put(task.overlapped, task);
        device().execute(task);
    }

    /**
     * The library's path: the call with {@code RWF_NOWAIT} on the caller's thread, then the device's threads
     * for what would wait (or for the rest of a partial transfer).
     */
    private long startAtOnce(PortableHandles.Entry entry, OpenFile file, ByteBuffer buffer, long position,
                             long overlapped, boolean write) {
        SharedFd fd = file.fd;
        int remaining = buffer.remaining();
        if (!buffer.isDirect()) {
            // As the native backend: the address of a heap buffer moves with the GC (OverlappedFile refuses it).
            throw new IllegalArgumentException("a heap buffer: the Linux library's file I/O needs memory the GC"
                    + " never moves (ByteBuffer.allocateDirect)");
        }
        if (!fd.acquire()) {
            return -Win32Errors.ERROR_INVALID_HANDLE; // closed between the lookup and here
        }
        int done = 0;
        int error = 0;
        boolean atOnce = write ? fd.writesAtOnce : fd.readsAtOnce;
        if (remaining == 0) {
            atOnce = true; // nothing to move: done, as the NIO path completes it
        } else if (atOnce) {
            int mine = fd.mine();
            int n = write ? LinuxFile.writeNowait(mine, buffer, 0, position)
                    : LinuxFile.readNowait(mine, buffer, 0, position);
            if (n == -LinuxFile.EAGAIN) {
                atOnce = false;
            } else if (n == -LinuxFile.EOPNOTSUPP) {
                atOnce = false;
                if (write) {
                    fd.writesAtOnce = false;
                } else {
                    fd.readsAtOnce = false;
                }
            } else if (n < 0) {
                error = LinuxErrors.win32(-n);
            } else if (n == 0 && !write) {
                error = Win32Errors.ERROR_HANDLE_EOF;
            } else if (n < remaining) {
                // Part came from the cache: the device reads the rest (or finds the end of the file there).
                done = n;
                atOnce = false;
            } else {
                done = n;
            }
        }
        if (!atOnce) {
            // The use taken above travels with the task, which gives it back when it ends.
            queue(new FileTask(entry, file, buffer.duplicate(), position, overlapped, write, done));
            return PENDING;
        }
        fd.release();
        if (entry.skipsOnSuccess()) {
            return error != 0 ? -error : done; // no packet: the caller completes it, as Windows' callers do
        }
        entry.complete(overlapped, done, error);
        return PENDING;
    }

    @Override
    public long size(long handle) {
        return call(handle, FileChannel::size, LinuxFile::size);
    }

    @Override
    public int truncate(long handle, long size) {
        OpenFile f = file(handle);
        if (f != null && f.fd != null && !f.writable) {
            return -Win32Errors.ERROR_ACCESS_DENIED; // as NIO and Windows (ftruncate would say EINVAL: 87)
        }
        return (int) call(handle, c -> {
            // SetFileInformationByHandle(FileEndOfFileInfo) both shrinks and extends.
            long now = c.size();
            if (size < now) {
                c.truncate(size);
            } else if (size > now) {
                c.write(ByteBuffer.allocate(1), size - 1);
            }
            return 0;
        }, fd -> LinuxFile.truncate(fd, size)); // ftruncate does both
    }

    @Override
    public int flush(long handle) {
        return (int) call(handle, c -> {
            c.force(true);
            return 0;
        }, fd -> LinuxFile.sync(fd, false));
    }

    @Override
    public int sectorSize(long handle) {
        if (file(handle) == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        return 4096; // the common sector size; FileStore block sizes vary by file system, not by device
    }

    /**
     * Sets the handle's flag: with the library, an operation that completes at once then returns its count
     * and posts no packet; without it nothing completes at once, so the flag never applies.
     */
    @Override
    public int skipCompletionPortOnSuccess(long handle) {
        PortableHandles.Entry e = PortableHandles.lookup(handle);
        if (e == null || !(e.resource() instanceof OpenFile)) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        e.skipOnSuccess();
        return 0;
    }

    @Override
    public int cancel(long handle, long overlapped) {
        if (file(handle) == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE; // as CancelIoEx: a closed handle is not "nothing pending"
        }
        boolean any = false;
        if (overlapped != 0) {
            FileTask t = pending.get(overlapped);
            any = t != null && t.entry.handle() == handle && t.cancel();
        } else {
            for (FileTask t : pending.values()) {
                if (t.entry.handle() == handle && t.cancel()) {
                    any = true;
                }
            }
        }
        return any ? 0 : -Win32Errors.ERROR_NOT_FOUND;
    }

    @Override
    public int close(long handle) {
        PortableHandles.Entry e = PortableHandles.lookup(handle);
        if (e == null || !PortableHandles.unregister(handle)) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        OpenFile f = (OpenFile) e.resource();
        if (f.fd != null) {
            f.fd.close(); // the descriptor itself once no queued or running operation uses it
            if (f.deleteOnClose != null) {
                try {
                    Files.deleteIfExists(f.deleteOnClose); // as NIO's DELETE_ON_CLOSE: at the close, by name
                } catch (IOException ex) {
                    return -Errors.codeOf(ex);
                }
            }
            return 0;
        }
        try {
            f.channel.close(); // close is not interruptible: any thread may
            return 0;
        } catch (IOException ex) {
            return -Errors.codeOf(ex);
        }
    }

    /**
     * One read or write on the device: runs once, unless a cancel claims it first (then 995, as Windows).
     * With the library it holds a use of the descriptor from its start, given back when it ends.
     */
    private final class FileTask implements Runnable {
        final PortableHandles.Entry entry;
        final OpenFile file;
        final ByteBuffer buffer;
        final long position;
        final long overlapped;
        final boolean write;
        /** Bytes already moved at once (the library's partial transfers). */
        final int done;
        final AtomicBoolean claimed = new AtomicBoolean();

        FileTask(PortableHandles.Entry entry, OpenFile file, ByteBuffer buffer, long position, long overlapped,
                 boolean write, int done) {
            this.entry = entry;
            this.file = file;
            this.buffer = buffer;
            this.position = position;
            this.overlapped = overlapped;
            this.write = write;
            this.done = done;
        }

        boolean cancel() {
            if (!claimed.compareAndSet(false, true)) {
                return false; // running or done: a file operation in progress is not interrupted, as on Windows
            }
            pending.remove(overlapped, this);
            if (file.fd != null) {
                file.fd.release();
            }
            entry.complete(overlapped, done, Win32Errors.ERROR_OPERATION_ABORTED);
            return true;
        }

        @Override
        public void run() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            pending.remove(overlapped, this);
            if (file.fd != null) {
                runOnDescriptor();
                return;
            }
            int bytes = 0;
            int error = 0;
            try {
                if (write) {
                    while (buffer.hasRemaining()) { // WriteFile writes it all or fails
                        bytes += file.channel.write(buffer, position + bytes);
                    }
                } else {
                    int n = buffer.hasRemaining() ? file.channel.read(buffer, position) : 0;
                    if (n < 0) {
                        error = Win32Errors.ERROR_HANDLE_EOF;
                    } else {
                        bytes = n;
                    }
                }
            } catch (IOException | RuntimeException e) {
                error = Errors.codeOf(e);
            }
            entry.complete(overlapped, bytes, error);
        }

        /** The blocking calls, until all is moved (a write) or the end of the file (a read). */
        private void runOnDescriptor() {
            SharedFd fd = file.fd;
            int bytes = done;
            int error = 0;
            try {
                if (fd.isClosed()) {
                    error = Win32Errors.ERROR_OPERATION_ABORTED; // as a closed FileChannel's queued operations
                } else {
                    int total = buffer.remaining();
                    int mine = fd.mine();
                    while (bytes < total) {
                        int n = write ? LinuxFile.write(mine, buffer, bytes, position)
                                : LinuxFile.read(mine, buffer, bytes, position);
                        if (n < 0) {
                            error = LinuxErrors.win32(-n);
                            break;
                        }
                        if (n == 0) {
                            if (!write && bytes == 0) {
                                error = Win32Errors.ERROR_HANDLE_EOF;
                            }
                            break; // a read at the end of the file; a write of 0 bytes would loop for ever
                        }
                        bytes += n;
                    }
                }
            } catch (RuntimeException e) {
                error = Win32Errors.ERROR_IO_DEVICE; // a bug; the use is given back and the packet still comes
            } finally {
                fd.release();
            }
            entry.complete(overlapped, bytes, error);
        }
    }
}
