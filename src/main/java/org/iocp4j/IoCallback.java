package org.iocp4j;

/**
 * What runs when an overlapped operation completes: the APM callback of .NET's
 * {@code IOCompletionCallback}. It runs on one of the dispatcher's I/O threads.
 */
@FunctionalInterface
public interface IoCallback {

    /**
     * The operation completed.
     *
     * @param errorCode        the operation's Win32 error code, 0 on success (for example 38,
     *                         {@code ERROR_HANDLE_EOF}, or 995, {@code ERROR_OPERATION_ABORTED})
     * @param bytesTransferred the byte count, an unsigned {@code DWORD}
     * @param overlapped       the operation's OVERLAPPED: free it here, or submit it again if it is a
     *                         {@link PreAllocatedOverlapped}
     * @throws Exception anything: it is logged and counted, and the I/O thread carries on
     */
    void completed(int errorCode, int bytesTransferred, NativeOverlapped overlapped) throws Exception;
}
