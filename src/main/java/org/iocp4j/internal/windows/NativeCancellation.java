package org.iocp4j.internal.windows;

/** {@code CancelIoEx} for the dispatcher's shutdown (and, later, for handles' close). */
public final class NativeCancellation {

    private NativeCancellation() {
    }

    /**
     * Asks the kernel to cancel one pending operation; its packet then arrives with 995,
     * {@code ERROR_OPERATION_ABORTED}.
     *
     * @param handle     the handle the operation runs on
     * @param overlapped the operation's OVERLAPPED, or 0 for all of the handle's operations
     * @return 0, or the Win32 error (1168, {@code ERROR_NOT_FOUND}: it already completed)
     */
    public static int cancel(long handle, long overlapped) {
        int r = Win32Port.cancel0(handle, overlapped);
        return r < 0 ? -r : 0;
    }
}
