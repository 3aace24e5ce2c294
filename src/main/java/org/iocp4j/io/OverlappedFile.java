package org.iocp4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

import org.iocp4j.IoDispatcher;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.FileBackend;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.windows.Win32File;

/**
 * A file opened for overlapped I/O ({@code CreateFileW} with {@code FILE_FLAG_OVERLAPPED}) and bound to an
 * {@link IoDispatcher}: positional reads and writes whose completions run on the dispatcher's I/O threads,
 * with a {@link CompletionHandler} or as an {@link IoFuture}.
 *
 * <p>The handler's result is the byte count, or -1 at end of file, whether Windows reports the end at once
 * ({@code ReadFile} fails with 38, {@code ERROR_HANDLE_EOF}) or in the packet. The buffer's position moves
 * by the count when the operation completes, as with NIO; the buffer must be direct and must not be
 * touched until then. Failures are mapped as {@link Win32Exceptions} says, each keeping its Win32 code.
 *
 * <p>On Windows this is the Win32 file; elsewhere (the portable backend) a {@code FileChannel} whose
 * reads and writes run on a small internal executor that posts their completions to the dispatcher's
 * port, so the same code, handlers and threads work on both.
 *
 * <pre>{@code
 * try (OverlappedFile f = OverlappedFile.open(dispatcher, path, StandardOpenOption.READ)) {
 *     ByteBuffer buf = ByteBuffer.allocateDirect(4096);
 *     int n = f.read(buf, 1L << 32).get();        // a future...
 *     f.read(buf.clear(), 0, null, new CompletionHandler<Integer, Void>() { ... }); // ...or a handler
 * }
 * }</pre>
 */
public final class OverlappedFile extends HandleChannel {

    private final FileBackend files;
    private final String path;
    private final boolean unbuffered;
    private final int sectorSize;

    private OverlappedFile(IoDispatcher dispatcher, long handle, FileBackend files, String path, boolean unbuffered)
            throws IOException {
        super(dispatcher, handle);
        this.files = files;
        this.path = path;
        this.unbuffered = unbuffered;
        int sector = files.sectorSize(handle);
        this.sectorSize = sector > 0 ? sector : 4096; // where FileStorageInfo is unsupported (Wine)
    }

    /**
     * Opens a file for overlapped I/O.
     *
     * @param dispatcher the dispatcher whose threads run the completions
     * @param path       the file
     * @param options    {@link StandardOpenOption}s ({@code READ}, {@code WRITE}, {@code CREATE},
     *                   {@code CREATE_NEW}, {@code TRUNCATE_EXISTING}, {@code DELETE_ON_CLOSE}, {@code SPARSE};
     *                   {@code SYNC} and {@code DSYNC} mean write-through) and {@link FileOpenOption}s; with
     *                   neither {@code READ} nor {@code WRITE}, {@code READ}. {@code CREATE}, {@code CREATE_NEW},
     *                   {@code TRUNCATE_EXISTING} and {@code SPARSE} count only with {@code WRITE}, as in NIO.
     *                   {@code SPARSE} with {@code CREATE} or {@code CREATE_NEW} marks the file sparse
     *                   ({@code FSCTL_SET_SPARSE}), so a write far beyond the end does not first write zeros
     *                   up to it (on NTFS, synchronously); a hint, ignored where the file system cannot.
     * @return the open file
     * @throws UnsupportedOperationException for {@code APPEND} (positions are explicit here) or an unknown option
     * @throws java.nio.file.NoSuchFileException     2 or 3 ({@link Win32Exceptions.NoSuchFile})
     * @throws java.nio.file.FileAlreadyExistsException 80 with {@code CREATE_NEW}
     * @throws java.nio.file.AccessDeniedException  5, also for a directory (as {@code CreateFileW} refuses one
     *                                              on both backends; the message then says it is a directory)
     * @throws IOException                          other failures, with their Win32 code (32, a sharing
     *                                              violation, is an {@code IocpException})
     */
    public static OverlappedFile open(IoDispatcher dispatcher, Path path, OpenOption... options) throws IOException {
        return open(dispatcher, path, Set.of(options));
    }

    /**
     * Opens a file for overlapped I/O; see {@link #open(IoDispatcher, Path, OpenOption...)}.
     *
     * @param dispatcher the dispatcher whose threads run the completions
     * @param path       the file
     * @param options    the options
     * @return the open file
     * @throws IOException as {@link #open(IoDispatcher, Path, OpenOption...)}
     */
    public static OverlappedFile open(IoDispatcher dispatcher, Path path, Set<? extends OpenOption> options)
            throws IOException {
        Objects.requireNonNull(dispatcher, "dispatcher");
        String name = path.toAbsolutePath().toString();
        boolean write = options.contains(StandardOpenOption.WRITE);
        boolean read = options.contains(StandardOpenOption.READ) || !write;
        int access = (read ? Win32File.GENERIC_READ : 0) | (write ? Win32File.GENERIC_WRITE : 0);
        int share = Win32File.FILE_SHARE_READ | Win32File.FILE_SHARE_WRITE | Win32File.FILE_SHARE_DELETE;
        int flags = 0;
        boolean create = false;
        boolean createNew = false;
        boolean truncate = false;
        boolean skip = false;
        boolean sparse = false;
        for (OpenOption o : options) {
            if (o == StandardOpenOption.READ || o == StandardOpenOption.WRITE) {
                continue;
            } else if (o == StandardOpenOption.SPARSE) {
                sparse = true;
            } else if (o == StandardOpenOption.CREATE) {
                create = true;
            } else if (o == StandardOpenOption.CREATE_NEW) {
                createNew = true;
            } else if (o == StandardOpenOption.TRUNCATE_EXISTING) {
                truncate = true;
            } else if (o == StandardOpenOption.DELETE_ON_CLOSE) {
                flags |= Win32File.FILE_FLAG_DELETE_ON_CLOSE;
            } else if (o == StandardOpenOption.SYNC || o == StandardOpenOption.DSYNC) {
                flags |= Win32File.FILE_FLAG_WRITE_THROUGH;
            } else if (o == FileOpenOption.UNBUFFERED) {
                flags |= Win32File.FILE_FLAG_NO_BUFFERING;
            } else if (o == FileOpenOption.NOSHARE_READ) {
                share &= ~Win32File.FILE_SHARE_READ;
            } else if (o == FileOpenOption.NOSHARE_WRITE) {
                share &= ~Win32File.FILE_SHARE_WRITE;
            } else if (o == FileOpenOption.NOSHARE_DELETE) {
                share &= ~Win32File.FILE_SHARE_DELETE;
            } else if (o == FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS) {
                skip = true;
            } else if (o == StandardOpenOption.APPEND) {
                throw new UnsupportedOperationException("APPEND: every read and write of an OverlappedFile names its"
                        + " position; write at size() to append");
            } else {
                throw new UnsupportedOperationException("unsupported open option: " + o);
            }
        }
        int disposition = Win32File.OPEN_EXISTING;
        if (write) {
            if (createNew) {
                disposition = Win32File.CREATE_NEW;
            } else if (create) {
                disposition = truncate ? Win32File.CREATE_ALWAYS : Win32File.OPEN_ALWAYS;
            } else if (truncate) {
                disposition = Win32File.TRUNCATE_EXISTING;
            }
        }
        FileBackend files = Platform.of(dispatcher.port()).files();
        boolean creates = disposition == Win32File.CREATE_NEW || disposition == Win32File.CREATE_ALWAYS
                || disposition == Win32File.OPEN_ALWAYS;
        long handle = files.open(name, access, share, disposition, flags, sparse && creates);
        if (handle < 0) {
            int error = (int) -handle;
            if (error == Win32Errors.ERROR_ACCESS_DENIED && Files.isDirectory(path)) {
                throw Errors.directoryNotFile("CreateFileW", name);
            }
            throw Errors.ioException("CreateFileW", error, false, name);
        }
        OverlappedFile file;
        try {
            file = new OverlappedFile(dispatcher, handle, files, name, (flags & Win32File.FILE_FLAG_NO_BUFFERING) != 0);
        } catch (IOException | RuntimeException e) {
            files.close(handle); // bind failed: the handle is still ours
            throw e;
        }
        if (skip) {
            try {
                file.skipCompletionPortOnSuccess();
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
        }
        return file;
    }

    /**
     * Reads into {@code dst}'s remaining bytes from {@code position}.
     *
     * @param dst        a direct buffer, not read-only; its position moves by the count on completion
     * @param position   the file position, 0 or more (beyond 4 GiB is fine)
     * @param attachment handed to the handler
     * @param handler    gets the byte count, or -1 at end of file; or the failure
     * @param <A>        the attachment type
     * @return the operation, to cancel it
     * @throws IllegalArgumentException for a heap or read-only buffer, a negative position, or an unbuffered
     *                                  file's misaligned position, length or buffer
     * @throws java.util.concurrent.RejectedExecutionException when the dispatcher is shut down or its
     *                                  backpressure bound refuses the operation
     */
    public <A> IoOperation read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        checkRead(dst, position);
        return start(new Read(this, dst, position, handler, attachment), position, dst);
    }

    /**
     * Reads into {@code dst}'s remaining bytes from {@code position}; see
     * {@link #read(ByteBuffer, long, Object, CompletionHandler)}.
     *
     * @param dst      a direct buffer, not read-only
     * @param position the file position
     * @return the byte count, or -1 at end of file
     */
    public IoFuture<Integer> read(ByteBuffer dst, long position) {
        checkRead(dst, position);
        IoFuture<Integer> f = new IoFuture<>();
        start(new Read(this, dst, position, f), position, dst);
        return f;
    }

    /**
     * Writes {@code src}'s remaining bytes at {@code position} (the file grows as needed).
     *
     * @param src        a direct buffer; its position moves by the count on completion
     * @param position   the file position, 0 or more
     * @param attachment handed to the handler
     * @param handler    gets the byte count, or the failure (5, {@link Win32Exceptions.AccessDenied}, on a file
     *                   opened without {@code WRITE})
     * @param <A>        the attachment type
     * @return the operation, to cancel it
     * @throws IllegalArgumentException as {@link #read(ByteBuffer, long, Object, CompletionHandler)}
     */
    public <A> IoOperation write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        checkWrite(src, position);
        return start(new Write(this, src, position, handler, attachment), position, src);
    }

    /**
     * Writes {@code src}'s remaining bytes at {@code position}; see
     * {@link #write(ByteBuffer, long, Object, CompletionHandler)}.
     *
     * @param src      a direct buffer
     * @param position the file position
     * @return the byte count
     */
    public IoFuture<Integer> write(ByteBuffer src, long position) {
        checkWrite(src, position);
        IoFuture<Integer> f = new IoFuture<>();
        start(new Write(this, src, position, f), position, src);
        return f;
    }

    /**
     * The file's size ({@code GetFileSizeEx}).
     *
     * @return the size in bytes
     * @throws java.nio.channels.ClosedChannelException if closed
     * @throws IOException                               on failure, with its Win32 code
     */
    public long size() throws IOException {
        return call("GetFileSizeEx", () -> files.size(handle));
    }

    /**
     * Sets the file's size, shrinking or growing it ({@code SetFileInformationByHandle(FileEndOfFileInfo)}).
     *
     * @param size the new size
     * @throws IOException on failure (5 without {@code WRITE})
     */
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size: " + size);
        }
        call("SetFileInformationByHandle", () -> files.truncate(handle, size));
    }

    /**
     * Flushes the file's buffers to the device ({@code FlushFileBuffers}).
     *
     * @throws IOException on failure (5 without {@code WRITE})
     */
    public void flush() throws IOException {
        call("FlushFileBuffers", () -> files.flush(handle));
    }

    /**
     * The sector size that {@link FileOpenOption#UNBUFFERED} I/O aligns to (4096 where the system does not
     * say).
     *
     * @return the sector size in bytes
     */
    public int sectorSize() {
        return sectorSize;
    }

    /**
     * Whether the file was opened with {@link FileOpenOption#UNBUFFERED}.
     *
     * @return true if unbuffered
     */
    public boolean isUnbuffered() {
        return unbuffered;
    }

    /**
     * Sets {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS} on the handle: from now on an operation that completes
     * at once queues no packet, and its handler runs on the calling thread before the read or write method
     * returns (nested up to a depth of 16; deeper ones on the same thread once the stack has unwound to the
     * outermost). Irreversible, as on Windows. Only on
     * an idle file (or with {@link FileOpenOption#SKIP_COMPLETION_PORT_ON_SUCCESS} at open): the kernel
     * applies the mode per call, so a switch under a read or write in flight would lose or duplicate its
     * completion. Calling it again once set does nothing.
     *
     * @throws IllegalStateException                     if operations are in flight ({@link #outstanding()},
     *                                                   a {@link #size()} running on another thread included)
     * @throws java.nio.channels.ClosedChannelException if closed
     * @throws IOException                               on failure, with its Win32 code
     */
    public void skipCompletionPortOnSuccess() throws IOException {
        switchOnSkipOnSuccess(() -> files.skipCompletionPortOnSuccess(handle));
    }

    /**
     * Whether {@link #skipCompletionPortOnSuccess()} is set.
     *
     * @return true if set
     */
    public boolean skipsCompletionPortOnSuccess() {
        return skipsOnSuccess();
    }

    /**
     * The file's path.
     *
     * @return the absolute path as opened
     */
    public String path() {
        return path;
    }

    @Override
    int cancelIo(long overlapped) {
        return files.cancel(handle, overlapped);
    }

    @Override
    int closeHandle() {
        return files.close(handle);
    }

    @Override
    public String toString() {
        return "OverlappedFile[" + path + ", handle 0x" + Long.toHexString(handle) + "]";
    }

    /**
     * A reusable read or write on one direct buffer, started again and again with nothing allocated per
     * operation: see {@link FileOperation}.
     *
     * @param buffer  a direct buffer the operation keeps (pinned with its OVERLAPPED until {@link FileOperation#close})
     * @param handler called once per start
     * @return the operation, not started
     * @throws IllegalArgumentException for a heap buffer
     * @throws java.util.concurrent.RejectedExecutionException when the dispatcher is shut down or its
     *                                  backpressure bound refuses the OVERLAPPED
     */
    public FileOperation operation(ByteBuffer buffer, FileOperation.Handler handler) {
        Objects.requireNonNull(handler, "handler");
        requireDirect(buffer);
        return new FileOperation(this, buffer, handler);
    }

    /** {@link FileOperation}'s read. */
    long readInto(ByteBuffer dst, long position, long overlappedAddress) {
        return files.read(handle, dst, position, overlappedAddress);
    }

    /** {@link FileOperation}'s write. */
    long writeFrom(ByteBuffer src, long position, long overlappedAddress) {
        return files.write(handle, src, position, overlappedAddress);
    }

    void checkRead(ByteBuffer dst, long position) {
        check(dst, position);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only buffer");
        }
    }

    void checkWrite(ByteBuffer src, long position) {
        check(src, position);
    }

    private static void requireDirect(ByteBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("a heap buffer: overlapped I/O needs memory the GC never moves"
                    + " (ByteBuffer.allocateDirect)");
        }
    }

    private void check(ByteBuffer buffer, long position) {
        requireDirect(buffer);
        if (position < 0) {
            throw new IllegalArgumentException("negative position: " + position);
        }
        if (unbuffered) {
            // The address of the buffer's position modulo the sector size, from the JDK (a power of two).
            int misaligned = buffer.alignmentOffset(buffer.position(), sectorSize);
            String wrong = position % sectorSize != 0 ? "position " + position
                    : buffer.remaining() % sectorSize != 0 ? "length " + buffer.remaining()
                    : misaligned != 0 ? "buffer address (at its position, " + misaligned + " bytes past a boundary)"
                    : null;
            if (wrong != null) {
                throw new IllegalArgumentException("unbuffered I/O on " + path + ": the " + wrong + " is not a multiple"
                        + " of the sector size " + sectorSize + " (align buffers with"
                        + " ByteBuffer.allocateDirect(n + sector).alignedSlice(sector))");
            }
        }
    }

    /** A read: end of file is -1, in the packet (38) or as a success with no bytes. */
    private static final class Read extends PendingIo<Integer> {
        private final OverlappedFile file;
        private final ByteBuffer dst;
        private final long position;

        Read(OverlappedFile file, ByteBuffer dst, long position, CompletionHandler<Integer, ?> handler, Object attachment) {
            super(file, handler, attachment);
            this.file = file;
            this.dst = dst;
            this.position = position;
        }

        Read(OverlappedFile file, ByteBuffer dst, long position, IoFuture<Integer> future) {
            super(file, future);
            this.file = file;
            this.dst = dst;
            this.position = position;
        }

        @Override
        String operation() {
            return "ReadFile";
        }

        @Override
        long initiate(long overlappedAddress) {
            return file.files.read(file.handle, dst, position, overlappedAddress);
        }

        @Override
        Integer succeeded(int bytes) {
            if (bytes == 0 && dst.hasRemaining()) {
                return -1;
            }
            dst.position(dst.position() + bytes);
            return bytes;
        }

        @Override
        Integer resultOf(int errorCode) {
            return errorCode == Win32Errors.ERROR_HANDLE_EOF ? -1 : null;
        }
    }

    /** A write: all of the buffer or a failure. */
    private static final class Write extends PendingIo<Integer> {
        private final OverlappedFile file;
        private final ByteBuffer src;
        private final long position;

        Write(OverlappedFile file, ByteBuffer src, long position, CompletionHandler<Integer, ?> handler, Object attachment) {
            super(file, handler, attachment);
            this.file = file;
            this.src = src;
            this.position = position;
        }

        Write(OverlappedFile file, ByteBuffer src, long position, IoFuture<Integer> future) {
            super(file, future);
            this.file = file;
            this.src = src;
            this.position = position;
        }

        @Override
        String operation() {
            return "WriteFile";
        }

        @Override
        long initiate(long overlappedAddress) {
            return file.files.write(file.handle, src, position, overlappedAddress);
        }

        @Override
        Integer succeeded(int bytes) {
            src.position(src.position() + bytes);
            return bytes;
        }
    }
}
