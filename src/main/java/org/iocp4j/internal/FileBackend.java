package org.iocp4j.internal;

import java.nio.ByteBuffer;

import org.iocp4j.internal.windows.Win32File;

/**
 * What {@code org.iocp4j.io.OverlappedFile} needs from a platform: Win32 files on Windows
 * ({@code NativeFiles}), {@code FileChannel} on an internal executor elsewhere ({@code PortableFiles}).
 *
 * <p>Every call returns as the natives do: {@code >= 0} the value, {@code < 0} {@code -error} with a Win32
 * code (the portable backend uses the same codes for the same conditions); the caller maps codes to
 * exceptions. For the I/O calls: {@code >= 0} completed at once with that many bytes (a packet still comes
 * unless the handle skips the port on success), {@code -997} pending (a packet comes), any other negative
 * value failed at once and no packet comes. They read or write the buffer's {@code [position, limit)}
 * without moving its position: the completion does that, on both platforms.
 */
public interface FileBackend {

    /**
     * Opens a file for overlapped I/O: the handle or -error.
     *
     * @param path        the path
     * @param access      {@link Win32File#GENERIC_READ} and/or {@link Win32File#GENERIC_WRITE}
     * @param shareMode   {@code FILE_SHARE_*}
     * @param disposition {@link Win32File#CREATE_NEW}, ...
     * @param flags       {@code FILE_FLAG_*} beyond {@link Win32File#FILE_FLAG_OVERLAPPED}, which is implied
     * @param sparse      make the file sparse ({@code StandardOpenOption.SPARSE}): a hint, as in NIO, ignored
     *                    where the file system cannot
     */
    long open(String path, int access, int shareMode, int disposition, int flags, boolean sparse);

    /** Starts a read of {@code dst}'s remaining bytes at {@code position}; the OVERLAPPED's offset is already set. */
    long read(long handle, ByteBuffer dst, long position, long overlapped);

    /** Starts a write of {@code src}'s remaining bytes at {@code position}. */
    long write(long handle, ByteBuffer src, long position, long overlapped);

    /** The file's size, or -error. */
    long size(long handle);

    /** Sets the file's size (end of file): 0 or -error. */
    int truncate(long handle, long size);

    /** Flushes the file's buffers to the device: 0 or -error. */
    int flush(long handle);

    /** The sector size unbuffered I/O must align to, or -error. */
    int sectorSize(long handle);

    /** Sets {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}: 0 or -error. Irreversible. */
    int skipCompletionPortOnSuccess(long handle);

    /**
     * {@code CancelIoEx}: 0 if something was cancelled, else -error (-1168 when nothing matching is
     * pending). An {@code overlapped} of 0 cancels every operation on the handle.
     */
    int cancel(long handle, long overlapped);

    /** Closes the handle: 0 or -error. */
    int close(long handle);
}
