package org.iocp4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.iocp4j.internal.Win32Errors;

/**
 * A read or write of an {@link OverlappedFile} that is made once and started again and again, on one direct
 * buffer: its OVERLAPPED is pre-allocated with the buffer pinned, and its handler takes an {@code int}, so a
 * read that keeps a file busy (a block cache's fill, a log's append, a server's file send) allocates nothing
 * per operation. {@link SocketOperation} is the same for sockets.
 *
 * <p>One operation at a time: {@link #read} or {@link #write} again while one is pending throws
 * {@link IllegalStateException}; start the next from the handler, or after it ran. The handler runs on an
 * I/O thread, or on the starting thread when the call completes at once on a file opened with
 * {@link FileOpenOption#SKIP_COMPLETION_PORT_ON_SUCCESS}. The buffer's position moves by the bytes moved, as
 * {@link OverlappedFile#read(ByteBuffer, long)} moves it. {@link #close} frees the OVERLAPPED once nothing is
 * pending; closing the file cancels a pending operation, whose handler then gets the failure.
 *
 * <pre>{@code
 * FileOperation reader = file.operation(ByteBuffer.allocateDirect(4096), new FileOperation.Handler() {
 *     public void completed(FileOperation op, int bytes) {      // -1 at end of file
 *         consume(op.buffer().flip());
 *         op.buffer().clear();
 *         op.read(nextPosition());                             // nothing allocated
 *     }
 *     public void failed(FileOperation op, IOException error) {
 *         log(error);
 *     }
 * });
 * reader.read(0);
 * }</pre>
 */
public final class FileOperation implements IoOperation, AutoCloseable {

    /** What a {@link FileOperation} calls when it completes: exactly once per start. */
    public interface Handler {

        /**
         * The operation completed.
         *
         * @param operation the operation, to start it again
         * @param bytes     the bytes read or written; for a read, -1 at end of file
         */
        void completed(FileOperation operation, int bytes);

        /**
         * The operation failed (the file closed, the operation cancelled, the device failed...).
         *
         * @param operation the operation
         * @param error     why, with the Win32 error code in the message
         */
        void failed(FileOperation operation, IOException error);
    }

    private final OverlappedFile file;
    private final ByteBuffer buffer;
    private final Handler handler;
    private final Io io;

    FileOperation(OverlappedFile file, ByteBuffer buffer, Handler handler) {
        this.file = file;
        this.buffer = buffer;
        this.handler = handler;
        this.io = new Io(this);
        io.overlapped = file.bound.preAllocate(io, this, buffer);
    }

    /** @return the file it reads or writes */
    public OverlappedFile file() {
        return file;
    }

    /** @return its buffer: a read fills its remaining bytes, a write sends them */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * Reads into the buffer's remaining bytes from {@code position}.
     *
     * @param position the file position, 0 or more (on an unbuffered file a multiple of the sector size)
     * @throws IllegalArgumentException for a read-only buffer, a negative position, or an unbuffered file's
     *                                  misaligned position, length or buffer
     * @throws IllegalStateException    if the operation is pending or closed
     */
    public void read(long position) {
        file.checkRead(buffer, position);
        io.begin(false, position);
        file.restart(io, position);
    }

    /**
     * Writes the buffer's remaining bytes at {@code position} (the file grows as needed).
     *
     * @param position the file position, 0 or more (on an unbuffered file a multiple of the sector size)
     * @throws IllegalArgumentException for a negative position, or an unbuffered file's misaligned position,
     *                                  length or buffer
     * @throws IllegalStateException    if the operation is pending or closed
     */
    public void write(long position) {
        file.checkWrite(buffer, position);
        io.begin(true, position);
        file.restart(io, position);
    }

    /** Cancels the pending read or write ({@code CancelIoEx}); its handler gets the failure. */
    @Override
    public boolean cancel() {
        return io.cancel();
    }

    @Override
    public boolean isDone() {
        return io.isDone();
    }

    /**
     * Frees the OVERLAPPED; the operation cannot start again. Idempotent.
     *
     * @throws IllegalStateException if an operation is pending: cancel it and wait for its handler first
     */
    @Override
    public void close() {
        io.close();
    }

    @Override
    public String toString() {
        return "FileOperation on " + file;
    }

    /** The operation's {@link PendingIo}, reused for every start. */
    private static final class Io extends ReusableIo {
        private final FileOperation owner;
        private boolean writing;
        private long position;

        Io(FileOperation owner) {
            super(owner.file, owner);
            this.owner = owner;
        }

        /** Makes it pending for a read or write at {@code at}. */
        void begin(boolean write, long at) {
            begin();
            writing = write;
            position = at;
        }

        @Override
        String operation() {
            return writing ? "WriteFile" : "ReadFile";
        }

        @Override
        long initiate(long overlappedAddress) {
            return writing ? owner.file.writeFrom(owner.buffer, position, overlappedAddress)
                    : owner.file.readInto(owner.buffer, position, overlappedAddress);
        }

        @Override
        Void succeeded(int bytes) {
            ByteBuffer b = owner.buffer;
            if (!writing && bytes == 0 && b.hasRemaining()) {
                result = -1; // a read at or past the end: ReadFile's success with no bytes
                return null;
            }
            b.position(b.position() + bytes);
            result = bytes;
            return null;
        }

        @Override
        Void resultOf(int errorCode) {
            if (isResult(errorCode)) {
                result = -1; // ERROR_HANDLE_EOF in the packet: end of file too
            }
            return null;
        }

        @Override
        boolean isResult(int errorCode) {
            return !writing && errorCode == Win32Errors.ERROR_HANDLE_EOF;
        }

        @Override
        void completed(int bytes) {
            owner.handler.completed(owner, bytes);
        }

        @Override
        void failed(IOException error) {
            owner.handler.failed(owner, error);
        }
    }
}
