package org.iocp4j.internal.windows;

import java.lang.annotation.Native;

import org.iocp4j.internal.Win32Layout;

/**
 * The JNI natives of {@code native/Win32Port.c}: one Win32 call each, primitives only.
 *
 * <p>Every function returns a value {@code >= 0} on success or {@code -GetLastError()}, read in C on the
 * line after the failing call. Handles and addresses travel as {@code long}. Nothing here checks
 * arguments or throws: {@link NativeCompletionPort} does that before calling.
 */
public final class Win32Port {

    /** Bumped whenever a signature or layout here changes; the DLL reports the value it was built with. */
    @Native public static final int ABI_VERSION = 6; // 6: Win32Memory.address0, direct buffers own the memory

    /** {@link #dequeue0}: a packet of a successful operation or a posted packet. */
    @Native public static final int DEQUEUE_PACKET = 0;
    /** {@link #dequeue0}: a packet of a failed operation; the result block holds its Win32 error. */
    @Native public static final int DEQUEUE_FAILED_PACKET = 1;
    /** {@link #dequeue0}: the timeout elapsed with no packet. */
    @Native public static final int DEQUEUE_TIMEOUT = 2;

    /** A timeout argument meaning {@code INFINITE}. */
    @Native public static final int WAIT_FOREVER = -1;

    private Win32Port() {
    }

    /** The {@link #ABI_VERSION} the DLL was compiled against. */
    static native int abiVersion0();

    /** {@code CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, concurrency)}: the port handle or -error. */
    static native long createPort0(int concurrency);

    /** {@code CreateIoCompletionPort(handle, port, key, 0)}: 0 or -error. */
    static native int associate0(long port, long handle, long key);

    /** {@code PostQueuedCompletionStatus(port, bytes, key, overlapped)}: 0 or -error. */
    static native int post0(long port, long key, int bytes, long overlapped);

    /**
     * {@code GetQueuedCompletionStatus} into the result block at {@code resultAddress}
     * ({@link Win32Layout#RESULT_SIZE} bytes): {@link #DEQUEUE_PACKET}, {@link #DEQUEUE_FAILED_PACKET},
     * {@link #DEQUEUE_TIMEOUT}, or -error when the port itself failed (closed, invalid).
     * A negative {@code timeoutMillis} waits forever.
     */
    static native int dequeue0(long port, long resultAddress, int timeoutMillis);

    /**
     * {@code GetQueuedCompletionStatusEx} into {@code capacity} {@code OVERLAPPED_ENTRY}s at
     * {@code entriesAddress}: the number removed (0 on timeout) or -error. Each entry's {@code Internal}
     * NTSTATUS is rewritten in place to its Win32 error code: 0 for every {@code NT_SUCCESS} status
     * (informational ones such as {@code STATUS_PENDING} included), as {@link #dequeue0} reports them.
     */
    static native int dequeueBatch0(long port, long entriesAddress, int capacity, int timeoutMillis,
                                    boolean alertable);

    /**
     * {@code CancelIoEx(handle, overlapped)}: 0 or -error (1168, {@code ERROR_NOT_FOUND}, when nothing
     * matching is pending). An {@code overlapped} of 0 cancels every operation on the handle.
     */
    static native int cancel0(long handle, long overlapped);

    /** {@code CloseHandle(handle)}: 0 or -error. */
    static native int close0(long handle);

    /** {@code NtQueryIoCompletion}: packets queued in the port now, or -(Win32 error). */
    static native int queueDepth0(long port);

    /**
     * {@code FormatMessageW} of a system error code into {@code capacityChars} UTF-16 units at
     * {@code bufferAddress}: the number of units written (trailing line break removed), or -error.
     */
    static native int formatMessage0(int errorCode, long bufferAddress, int capacityChars);
}
