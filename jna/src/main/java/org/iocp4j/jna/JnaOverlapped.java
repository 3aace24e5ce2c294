package org.iocp4j.jna;

import java.util.Objects;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.iocp4j.Iocp;
import org.iocp4j.IocpException;
import org.iocp4j.NativeOverlapped;

/**
 * A {@link NativeOverlapped} for JNA: as a {@link Pointer}, as a read-only {@code WinBase.OVERLAPPED}
 * ({@link OverlappedView}), and the submit protocol around your own overlapped call.
 *
 * <p>The protocol ({@link NativeOverlapped}'s class comment has the state machine): submit <em>before</em>
 * the call, since the packet may arrive, and the callback run, before the call returns; if the call fails
 * at once with anything but {@code ERROR_IO_PENDING}, no packet will come, so take the submit back
 * ({@link NativeOverlapped#abortSubmit()}). {@link #start} does exactly that:
 * <pre>{@code
 * ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
 * NativeOverlapped op = bound.allocate((error, bytes, o) -> { ...; o.free(); }, null, buffer);
 * op.setOffset(position);
 * try {
 *     JnaOverlapped.start(op, "ReadFile", p -> OverlappedKernel32.INSTANCE.ReadFile(
 *             file, Native.getDirectBufferPointer(buffer), 4096, null, p));
 * } catch (IocpException e) {          // failed at once: no callback will run; e.errorCode() says why
 *     op.free();
 * }
 * }</pre>
 */
public final class JnaOverlapped {

    /** {@code ERROR_IO_PENDING}: the operation is under way and its packet will come. */
    public static final int ERROR_IO_PENDING = 997;
    /** {@code OVERLAPPED.InternalHigh}: the byte count of a completed operation (a {@code ULONG_PTR}). */
    private static final long INTERNAL_HIGH = 8;

    private JnaOverlapped() {
    }

    /**
     * The OVERLAPPED as a JNA pointer, to pass as the {@code LPOVERLAPPED} argument. Prefer {@link #start},
     * which also submits it. The memory is the dispatcher's: it stays valid until the overlapped is freed
     * and never moves.
     *
     * @param overlapped the overlapped
     * @return a pointer whose value is {@link NativeOverlapped#address()}
     * @throws IllegalStateException if the overlapped was freed
     * @throws UnsupportedOperationException where iocp4j's DLL is not loaded (off Windows): the address is then
     *                       synthetic, an identity that no native code may dereference
     */
    public static Pointer pointer(NativeOverlapped overlapped) {
        Objects.requireNonNull(overlapped, "overlapped");
        requireRealAddresses();
        return new Pointer(overlapped.address());
    }

    /**
     * Refuses to make a pointer of an address that is not memory. Without the DLL (the portable backend, off
     * Windows) iocp4j's off-heap blocks carry synthetic addresses, in a range no process can map; with it,
     * every block has its real address from the first allocation on, so the DLL's presence is the test.
     */
    private static void requireRealAddresses() {
        if (!Iocp.isAvailable()) {
            throw new UnsupportedOperationException("an OVERLAPPED's address is memory native code may use only where"
                    + " iocp4j's DLL is loaded (Windows); here it is an identity with no memory behind it ("
                    + System.getProperty("os.name") + ", iocp4j backend " + Iocp.backend() + ")");
        }
    }

    /**
     * A read-only {@code WinBase.OVERLAPPED} over the overlapped's memory, read once now; see
     * {@link OverlappedView} for why it never writes.
     *
     * @param overlapped the overlapped
     * @return the view
     * @throws IllegalStateException if the overlapped was freed
     * @throws UnsupportedOperationException where iocp4j's DLL is not loaded (off Windows), as {@link #pointer}
     */
    public static OverlappedView view(NativeOverlapped overlapped) {
        return new OverlappedView(Objects.requireNonNull(overlapped, "overlapped"));
    }

    /**
     * Submits the overlapped and makes the call, on a handle whose successes queue a packet (the default:
     * no {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}). If this returns, the operation's packet will come
     * and run its callback, whether the call succeeded at once or is pending.
     *
     * <p>If {@code call} throws, the overlapped stays submitted: nothing can tell whether the kernel got it
     * before the exception, and freeing memory the kernel may write is the one mistake iocp4j exists to
     * prevent. A packet that comes runs the callback as usual; one that never comes leaves the operation
     * outstanding ({@code IoDispatcher.outstandingOlderThan} lists it). Keep {@code call} to the one Win32
     * call.
     *
     * @param overlapped the overlapped, allocated (or completed, if pre-allocated)
     * @param operation  the call's name, for the exception's message (for example {@code "ReadFile"})
     * @param call       the call
     * @throws IocpException if the call failed at once with the last error {@code errorCode()} (for example
     *                       38, {@code ERROR_HANDLE_EOF}, or 6, {@code ERROR_INVALID_HANDLE}): no packet will
     *                       come, and the overlapped is allocated again, yours to free or to submit anew
     * @throws IllegalStateException if the overlapped cannot be submitted (already submitted, completed and
     *                       not pre-allocated, or freed)
     * @throws java.util.concurrent.RejectedExecutionException if its dispatcher has shut down
     * @throws UnsupportedOperationException where iocp4j's DLL is not loaded (off Windows), as {@link #pointer}
     */
    public static void start(NativeOverlapped overlapped, String operation, OverlappedCall call) throws IocpException {
        run(overlapped, operation, call, false);
    }

    /**
     * Like {@link #start}, on a handle set to skip the port on success
     * ({@code SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)}): when the call
     * succeeds at once no packet comes, so the callback runs here, on this thread, before this returns,
     * with the byte count the kernel wrote into the OVERLAPPED ({@code InternalHigh}), through
     * {@link NativeOverlapped#completedSynchronously}.
     *
     * @param overlapped the overlapped
     * @param operation  the call's name, for the exception's message
     * @param call       the call
     * @return true if the call completed at once and its callback has run; false if it is pending
     * @throws IocpException as {@link #start}
     * @throws IllegalStateException as {@link #start}
     * @throws java.util.concurrent.RejectedExecutionException as {@link #start}
     * @throws UnsupportedOperationException as {@link #start}
     */
    public static boolean startSkippingPortOnSuccess(NativeOverlapped overlapped, String operation, OverlappedCall call)
            throws IocpException {
        return run(overlapped, operation, call, true);
    }

    private static boolean run(NativeOverlapped overlapped, String operation, OverlappedCall call, boolean skips)
            throws IocpException {
        Objects.requireNonNull(overlapped, "overlapped");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(call, "call");
        requireRealAddresses();
        Pointer p = new Pointer(overlapped.submit());
        // From here the kernel may own the OVERLAPPED: an exception from call leaves it submitted (see start).
        boolean done = call.call(p);
        if (done) {
            if (skips) {
                // No packet will come. The kernel wrote the result into the OVERLAPPED before returning.
                overlapped.completedSynchronously(0, (int) p.getLong(INTERNAL_HIGH));
            }
            return true;
        }
        int error = Native.getLastError(); // saved by JNA right after the call; GetLastError() now could lie
        if (error == ERROR_IO_PENDING) {
            return false;
        }
        if (error == 0) {
            // Not a Win32 failure: the call was not made through JNA, or not at all. Which, nothing tells, so
            // the overlapped stays submitted, as when call throws.
            throw new IllegalStateException(operation + " returned false and JNA saved no last error: make the"
                    + " one Win32 call through JNA inside the OverlappedCall (the overlapped stays submitted)");
        }
        overlapped.abortSubmit();
        throw new IocpException(operation, error);
    }
}
