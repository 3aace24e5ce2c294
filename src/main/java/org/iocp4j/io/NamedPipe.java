package org.iocp4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

import org.iocp4j.IoDispatcher;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.FileBackend;
import org.iocp4j.internal.PipeBackend;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.Win32Errors;

/**
 * One end of a Windows named pipe ({@code \\.\pipe\name}) bound to an {@link IoDispatcher}: the server end
 * ({@link #createServer}, then {@link #connect()} waits for a client with an overlapped
 * {@code ConnectNamedPipe}) or a client end ({@link #open}). Reads and writes are overlapped
 * {@code ReadFile}/{@code WriteFile}.
 *
 * <p>In message mode, a message larger than the read buffer comes in parts: each read says whether it
 * ended the message ({@link PipeRead#messageComplete()}; Windows reports 234, {@code ERROR_MORE_DATA}),
 * so a partial message is reported, never lost. When the other end goes away, a read gives -1 and a write
 * fails with 109 ({@code ERROR_BROKEN_PIPE}, an {@code IocpException}) or 232.
 *
 * <p><b>Windows only.</b> Named pipes have no portable equivalent here: on the portable backend every
 * factory throws {@link UnsupportedOperationException} saying so.
 */
public final class NamedPipe extends HandleChannel {

    private final PipeBackend pipes;
    /** Reads, writes, cancels and closes: a pipe handle is a file handle. */
    private final FileBackend files;
    private final String name;
    private final boolean server;
    private final boolean messageMode;

    private NamedPipe(IoDispatcher dispatcher, long handle, Platform platform, String name, boolean server,
                      boolean messageMode) throws IOException {
        super(dispatcher, handle);
        this.pipes = platform.pipes();
        this.files = platform.files();
        this.name = name;
        this.server = server;
        this.messageMode = messageMode;
    }

    private static String fullName(String name) {
        Objects.requireNonNull(name, "name");
        return name.startsWith("\\\\") ? name : "\\\\.\\pipe\\" + name;
    }

    /**
     * Creates a server instance of a pipe (local clients only: {@code PIPE_REJECT_REMOTE_CLIENTS}).
     *
     * @param dispatcher    the dispatcher
     * @param name          {@code "name"} or {@code "\\.\pipe\name"}
     * @param messageMode   message mode (else byte mode)
     * @param firstInstance fail with 5 (access denied) if the pipe already exists elsewhere
     * @param maxInstances  1 to 255 ({@code PIPE_UNLIMITED_INSTANCES})
     * @return the server end, not yet connected
     * @throws UnsupportedOperationException on the portable backend
     * @throws IOException                   on failure (231 when no instance is left), with its code
     */
    public static NamedPipe createServer(IoDispatcher dispatcher, String name, boolean messageMode, boolean firstInstance,
                                         int maxInstances) throws IOException {
        Platform platform = Platform.of(dispatcher.port());
        PipeBackend pipes = platform.pipes(); // throws on the portable platform, which has none
        String full = fullName(name);
        long h = pipes.create(full, firstInstance, messageMode, maxInstances, 64 * 1024);
        if (h < 0) {
            throw Errors.ioException("CreateNamedPipeW", (int) -h, false, full);
        }
        return bindOrClose(dispatcher, h, platform, full, true, messageMode);
    }

    /**
     * Opens the client end of a pipe, waiting up to {@code timeout} while every instance is busy.
     *
     * @param dispatcher  the dispatcher
     * @param name        {@code "name"} or {@code "\\.\pipe\name"}
     * @param messageMode read in message mode (the server must have created a message pipe)
     * @param timeout     how long to wait for a free instance
     * @return the client end, connected
     * @throws UnsupportedOperationException on the portable backend
     * @throws IOException                   on failure (2: no such pipe; 121: timed out), with its code
     */
    public static NamedPipe open(IoDispatcher dispatcher, String name, boolean messageMode, Duration timeout)
            throws IOException {
        Platform platform = Platform.of(dispatcher.port());
        PipeBackend pipes = platform.pipes(); // throws on the portable platform, which has none
        String full = fullName(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            long h = pipes.open(full, messageMode);
            if (h >= 0) {
                return bindOrClose(dispatcher, h, platform, full, false, messageMode);
            }
            long left = deadline - System.nanoTime();
            if (h != -Win32Errors.ERROR_PIPE_BUSY || left <= 0) {
                throw Errors.ioException("CreateFileW", (int) -h, false, full);
            }
            int r = pipes.waitFor(full, (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
            if (r < 0 && r != -Win32Errors.ERROR_SEM_TIMEOUT) {
                throw Errors.ioException("WaitNamedPipeW", -r, false, full);
            }
        }
    }

    private static NamedPipe bindOrClose(IoDispatcher d, long h, Platform platform, String full, boolean server,
                                         boolean messageMode) throws IOException {
        try {
            return new NamedPipe(d, h, platform, full, server, messageMode);
        } catch (IOException | RuntimeException e) {
            platform.files().close(h);
            throw e;
        }
    }

    /**
     * Server end: waits for a client ({@code ConnectNamedPipe}); completes at once if one connected since
     * the instance was created (535, {@code ERROR_PIPE_CONNECTED}, is success).
     *
     * @return this pipe, once a client is connected
     * @throws IllegalStateException on a client end
     */
    public IoFuture<NamedPipe> connect() {
        if (!server) {
            throw new IllegalStateException("connect() is for the server end; a client end is connected by open()");
        }
        IoFuture<NamedPipe> f = new IoFuture<>();
        start(new Connect(this, f), 0);
        return f;
    }

    /**
     * Server end: ends the connection with the current client ({@code DisconnectNamedPipe}), so the instance
     * can {@link #connect()} the next one.
     *
     * @throws IOException on failure
     */
    public void disconnect() throws IOException {
        call("DisconnectNamedPipe", () -> pipes.disconnect(handle));
    }

    /**
     * Reads into {@code dst}'s remaining bytes.
     *
     * @param dst a direct buffer; its position moves by the count on completion
     * @return how much was read and whether it ended a message (always true in byte mode)
     */
    public IoFuture<PipeRead> read(ByteBuffer dst) {
        check(dst);
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read into a read-only buffer");
        }
        IoFuture<PipeRead> f = new IoFuture<>();
        start(new Read(this, dst, f), 0, dst);
        return f;
    }

    /**
     * Writes {@code src}'s remaining bytes (one message in message mode).
     *
     * @param src a direct buffer; its position moves by the count on completion
     * @return the count; fails with 109 or 232 when the other end is gone
     */
    public IoFuture<Integer> write(ByteBuffer src) {
        check(src);
        IoFuture<Integer> f = new IoFuture<>();
        start(new Write(this, src, f), 0, src);
        return f;
    }

    private static void check(ByteBuffer b) {
        Objects.requireNonNull(b, "buffer");
        if (!b.isDirect()) {
            throw new IllegalArgumentException("a heap buffer: overlapped I/O needs memory the GC never moves"
                    + " (ByteBuffer.allocateDirect)");
        }
    }

    /**
     * Whether this is a message-mode pipe end.
     *
     * @return true in message mode
     */
    public boolean isMessageMode() {
        return messageMode;
    }

    /**
     * The pipe's full name.
     *
     * @return {@code \\.\pipe\...}
     */
    public String name() {
        return name;
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
        return "NamedPipe[" + name + (server ? ", server" : ", client") + ", handle 0x" + Long.toHexString(handle) + "]";
    }

    private static final class Connect extends PendingIo<NamedPipe> {
        private final NamedPipe pipe;

        Connect(NamedPipe pipe, IoFuture<NamedPipe> f) {
            super(pipe, f);
            this.pipe = pipe;
        }

        @Override
        String operation() {
            return "ConnectNamedPipe";
        }

        @Override
        long initiate(long overlappedAddress) {
            return pipe.pipes.connect(pipe.handle, overlappedAddress);
        }

        @Override
        NamedPipe succeeded(int bytes) {
            return pipe;
        }

        @Override
        NamedPipe resultOf(int errorCode) {
            return errorCode == Win32Errors.ERROR_PIPE_CONNECTED ? pipe : null; // connected before we asked
        }
    }

    private static final class Read extends PendingIo<PipeRead> {
        private final NamedPipe pipe;
        private final ByteBuffer dst;

        Read(NamedPipe pipe, ByteBuffer dst, IoFuture<PipeRead> f) {
            super(pipe, f);
            this.pipe = pipe;
            this.dst = dst;
        }

        @Override
        String operation() {
            return "ReadFile";
        }

        @Override
        long initiate(long overlappedAddress) {
            return pipe.files.read(pipe.handle, dst, 0, overlappedAddress);
        }

        @Override
        PipeRead succeeded(int bytes) {
            dst.position(dst.position() + bytes);
            return new PipeRead(bytes, true);
        }

        @Override
        PipeRead resultOf(int errorCode) {
            if (errorCode == Win32Errors.ERROR_MORE_DATA) {
                // The buffer is full with the message's first part (the packet's count is its size).
                int filled = dst.remaining();
                dst.position(dst.limit());
                return new PipeRead(filled, false);
            }
            if (errorCode == Win32Errors.ERROR_BROKEN_PIPE || errorCode == Win32Errors.ERROR_NO_DATA) {
                return new PipeRead(-1, true);
            }
            return null;
        }
    }

    private static final class Write extends PendingIo<Integer> {
        private final NamedPipe pipe;
        private final ByteBuffer src;

        Write(NamedPipe pipe, ByteBuffer src, IoFuture<Integer> f) {
            super(pipe, f);
            this.pipe = pipe;
            this.src = src;
        }

        @Override
        String operation() {
            return "WriteFile";
        }

        @Override
        long initiate(long overlappedAddress) {
            return pipe.files.write(pipe.handle, src, 0, overlappedAddress);
        }

        @Override
        Integer succeeded(int bytes) {
            src.position(src.position() + bytes);
            return bytes;
        }
    }
}
