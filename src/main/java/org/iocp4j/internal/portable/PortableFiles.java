package org.iocp4j.internal.portable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
import org.iocp4j.internal.windows.Win32File;

/**
 * {@link FileBackend} for every platform: a {@link FileChannel} per handle, its positional reads and writes
 * run on a small shared executor (the "device"), each posting its packet to the handle's port when it ends,
 * as the kernel would. Every operation is pending ({@code -997}): like Wine, this backend never completes
 * file I/O at once. Share modes and {@code FILE_FLAG_NO_BUFFERING} have no equivalent here (the alignment
 * rules of unbuffered I/O are still checked above this class, so code behaves alike on Windows).
 *
 * <p>A {@code FileChannel} closes itself when a thread blocked in it is interrupted, or when a thread whose
 * interrupt status is set calls into it; a Win32 handle knows nothing of Java's interrupts. So no
 * application thread ever calls into a channel here: reads and writes run on the device's threads, and
 * the synchronous calls ({@link #size}, {@link #truncate}, {@link #flush}) on a cached pool of the
 * backend's own, the caller waiting uninterruptibly (its interrupt status kept for it). Those threads run
 * nothing but this class's calls, so nobody interrupts them. Clearing and restoring the caller's status
 * around the call would not do: another thread's interrupt during the call would still close the channel.
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

    private PortableFiles() {
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
     * Runs a synchronous call on the file on one of the backend's threads (see the class comment); the
     * caller waits without being interruptible, and keeps its interrupt status.
     */
    private long call(long handle, FileCall call) {
        OpenFile f = file(handle);
        if (f == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
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
        try {
            FileChannel channel = FileChannel.open(p, options.toArray(new OpenOption[0]));
            return PortableHandles.register(new OpenFile(channel, (access & Win32File.GENERIC_WRITE) != 0)).handle();
        } catch (NoSuchFileException e) {
            Path parent = p.toAbsolutePath().getParent();
            return parent != null && !Files.isDirectory(parent) ? -Win32Errors.ERROR_PATH_NOT_FOUND : -Win32Errors.ERROR_FILE_NOT_FOUND;
        } catch (IOException | RuntimeException e) {
            return -Errors.codeOf(e);
        }
    }

    private static OpenFile file(long handle) {
        PortableHandles.Entry e = PortableHandles.lookup(handle);
        return e != null && e.resource() instanceof OpenFile ? (OpenFile) e.resource() : null;
    }

    /** What a portable file handle stands for: the channel, and the access it was opened with. */
    static final class OpenFile {
        final FileChannel channel;
        /** Known from the open, so a write is refused (5) without calling into the channel on the caller's thread. */
        final boolean writable;

        OpenFile(FileChannel channel, boolean writable) {
            this.channel = channel;
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
        FileTask task = new FileTask(entry, file.channel, buffer.duplicate(), position, overlapped, write);
        pending.put(overlapped, task);
        device().execute(task);
        return PENDING;
    }

    @Override
    public long size(long handle) {
        return call(handle, FileChannel::size);
    }

    @Override
    public int truncate(long handle, long size) {
        return (int) call(handle, c -> {
            // SetFileInformationByHandle(FileEndOfFileInfo) both shrinks and extends.
            long now = c.size();
            if (size < now) {
                c.truncate(size);
            } else if (size > now) {
                c.write(ByteBuffer.allocate(1), size - 1);
            }
            return 0;
        });
    }

    @Override
    public int flush(long handle) {
        return (int) call(handle, c -> {
            c.force(true);
            return 0;
        });
    }

    @Override
    public int sectorSize(long handle) {
        if (file(handle) == null) {
            return -Win32Errors.ERROR_INVALID_HANDLE;
        }
        return 4096; // the common sector size; FileStore block sizes vary by file system, not by device
    }

    @Override
    public int skipCompletionPortOnSuccess(long handle) {
        return file(handle) == null ? -Win32Errors.ERROR_INVALID_HANDLE : 0; // never completes at once anyway
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
        try {
            ((OpenFile) e.resource()).channel.close(); // close is not interruptible: any thread may
            return 0;
        } catch (IOException ex) {
            return -Errors.codeOf(ex);
        }
    }

    /** One read or write on the device: runs once, unless a cancel claims it first (then 995, as Windows). */
    private final class FileTask implements Runnable {
        final PortableHandles.Entry entry;
        final FileChannel channel;
        final ByteBuffer buffer;
        final long position;
        final long overlapped;
        final boolean write;
        final AtomicBoolean claimed = new AtomicBoolean();

        FileTask(PortableHandles.Entry entry, FileChannel channel, ByteBuffer buffer, long position, long overlapped,
                 boolean write) {
            this.entry = entry;
            this.channel = channel;
            this.buffer = buffer;
            this.position = position;
            this.overlapped = overlapped;
            this.write = write;
        }

        boolean cancel() {
            if (!claimed.compareAndSet(false, true)) {
                return false; // running or done: a file operation in progress is not interrupted, as on Windows
            }
            pending.remove(overlapped, this);
            entry.complete(overlapped, 0, Win32Errors.ERROR_OPERATION_ABORTED);
            return true;
        }

        @Override
        public void run() {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            pending.remove(overlapped, this);
            int bytes = 0;
            int error = 0;
            try {
                if (write) {
                    while (buffer.hasRemaining()) { // WriteFile writes it all or fails
                        bytes += channel.write(buffer, position + bytes);
                    }
                } else {
                    int n = buffer.hasRemaining() ? channel.read(buffer, position) : 0;
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
    }
}
