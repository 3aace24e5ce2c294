package org.iocp4j.internal.windows;

/** {@code CancelIoEx} for the dispatcher's shutdown, its one caller: {@link WindowsPlatform#cancel}. */
public final class NativeCancellation {

    private NativeCancellation() {
    }

    /**
     * Asks the kernel to cancel one pending operation; its packet then arrives with 995,
     * {@code ERROR_OPERATION_ABORTED}.
     *
     * @param handle     the handle the operation runs on
     * @param overlapped the operation's OVERLAPPED, or 0 for all of the handle's operations
     * @return 0, or -error (-1168, {@code ERROR_NOT_FOUND}: it already completed), as the platform returns
     */
    public static int cancel(long handle, long overlapped) {
        return WindowsPlatform.INSTANCE.cancel(handle, overlapped);
    }
}
