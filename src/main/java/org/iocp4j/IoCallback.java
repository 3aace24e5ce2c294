package org.iocp4j;

/**
 * What runs when an overlapped operation completes: the APM callback of .NET's
 * {@code IOCompletionCallback}. It runs on one of the dispatcher's I/O threads. One that runs long (about
 * 10 ms or more) does not hold up the completions its thread dequeued with it: those go to other threads.
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
     * @throws Exception anything: it is logged and counted, and the I/O thread carries on. A
     *                   {@link VirtualMachineError} thrown here (a {@code StackOverflowError}, an
     *                   {@code OutOfMemoryError}) is logged and counted too, and then ends the I/O thread
     *                   (its uncaught-exception handler sees it) once the rest of the thread's batch has
     *                   run; another thread takes its place, and no other operation's completion is lost
     */
    void completed(int errorCode, int bytesTransferred, NativeOverlapped overlapped) throws Exception;
}
