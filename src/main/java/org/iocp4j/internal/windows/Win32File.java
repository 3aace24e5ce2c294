package org.iocp4j.internal.windows;

import java.lang.annotation.Native;

/**
 * The JNI natives of {@code native/Win32File.c}: overlapped file (and pipe) handles, one Win32 call each,
 * primitives only.
 *
 * <p>Results follow the house rule: {@code >= 0} is the value, {@code < 0} is {@code -GetLastError()} read
 * in C on the line after the failing call. For the I/O calls ({@link #read0}, {@link #write0}) that means:
 * <ul>
 *   <li>{@code >= 0}: the call completed at once and moved that many bytes. A packet still comes unless
 *       the handle skips the port on success ({@link #setNotificationModes0}).</li>
 *   <li>{@code -997} ({@code ERROR_IO_PENDING}): the packet will come.</li>
 *   <li>any other negative value: the call failed at once; no packet comes.</li>
 * </ul>
 * The byte count of a synchronous completion comes from a local {@code DWORD} in C, never from the
 * OVERLAPPED after the call: once the call returns, the packet may already have been dequeued and the
 * OVERLAPPED freed or reused by another thread.
 *
 * <p>The OVERLAPPED at {@code overlapped} is the caller's; its {@code Offset}/{@code OffsetHigh} are set
 * before the call (by {@code NativeOverlapped.setOffset}).
 */
public final class Win32File {

    // CreateFileW's dwDesiredAccess
    @Native public static final int GENERIC_READ = 0x80000000;
    @Native public static final int GENERIC_WRITE = 0x40000000;
    // dwShareMode
    @Native public static final int FILE_SHARE_READ = 0x1;
    @Native public static final int FILE_SHARE_WRITE = 0x2;
    @Native public static final int FILE_SHARE_DELETE = 0x4;
    // dwCreationDisposition
    @Native public static final int CREATE_NEW = 1;
    @Native public static final int CREATE_ALWAYS = 2;
    @Native public static final int OPEN_EXISTING = 3;
    @Native public static final int OPEN_ALWAYS = 4;
    @Native public static final int TRUNCATE_EXISTING = 5;
    // dwFlagsAndAttributes
    @Native public static final int FILE_ATTRIBUTE_NORMAL = 0x80;
    @Native public static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    @Native public static final int FILE_FLAG_NO_BUFFERING = 0x20000000;
    @Native public static final int FILE_FLAG_WRITE_THROUGH = 0x80000000;
    @Native public static final int FILE_FLAG_DELETE_ON_CLOSE = 0x04000000;
    // SetFileCompletionNotificationModes
    @Native public static final int FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
    @Native public static final int FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

    private Win32File() {
    }

    /**
     * {@code CreateFileW} of the NUL-terminated UTF-16 path at {@code pathAddress}: the handle or -error
     * (2 not found, 3 path not found, 5 access denied, 32 sharing violation, 80 exists).
     */
    static native long createFile0(long pathAddress, int access, int shareMode, int disposition, int flags);

    /** {@code ReadFile(handle, buffer, length, &local, overlapped)}: bytes, -997 pending, or -error (38 at EOF). */
    static native long read0(long handle, long bufferAddress, int length, long overlapped);

    /** {@code WriteFile(handle, buffer, length, &local, overlapped)}: bytes, -997 pending, or -error. */
    static native long write0(long handle, long bufferAddress, int length, long overlapped);

    /** {@code GetFileSizeEx}: the size in bytes or -error. */
    static native long size0(long handle);

    /** {@code SetFileInformationByHandle(FileEndOfFileInfo)}: 0 or -error. */
    static native int truncate0(long handle, long size);

    /** {@code FlushFileBuffers}: 0 or -error. */
    static native int flush0(long handle);

    /**
     * The sector size an unbuffered handle must align to: {@code GetFileInformationByHandleEx(FileStorageInfo)}'s
     * {@code LogicalBytesPerSector}, or -error (where the call is unsupported the caller assumes 4096).
     */
    static native int sectorSize0(long handle);

    /**
     * {@code DeviceIoControl(FSCTL_SET_SPARSE)}, waited for: 0 or -error (1 where the file system has no
     * sparse files). Zeros then written far from the data, or never written, take no disk space, and a
     * write far beyond the end does not first fill the gap with zeros.
     */
    static native int setSparse0(long handle);

    /**
     * {@code SetFileCompletionNotificationModes(handle, flags)}: 0 or -error. Modes can be set, never
     * cleared, on a handle; sockets and pipes are handles too.
     */
    static native int setNotificationModes0(long handle, int flags);
}
