package org.iocp4j.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
import org.iocp4j.IoDispatcher;
import org.iocp4j.IocpException;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.PreAllocatedOverlapped;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pointer, the view and the submit protocol, on whichever backend runs here (both keep OVERLAPPEDs in
 * real off-heap memory). The "Win32 call" is a stand-in that sets JNA's saved last error
 * ({@code Native.setLastError}) and, for a completion, a packet posted to the port with the OVERLAPPED's
 * address, as the kernel would queue it: what the protocol does with each outcome is the point here.
 * {@link JnaWin32IoTest} makes the real calls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JnaOverlappedTest {

    private IoDispatcher dispatcher;

    @BeforeEach
    void open() throws IOException {
        Win32Only.assume("an OVERLAPPED's memory"); // elsewhere its address is synthetic: JnaOverlappedOffWindowsTest
        dispatcher = IoDispatcher.builder().name("jna-overlapped").threads(1).build();
    }

    @AfterEach
    void close() {
        if (dispatcher == null) {
            return;
        }
        dispatcher.close();
        assertEquals(0, dispatcher.abandonedAtShutdown(), "an operation was left pending");
    }

    /** As the kernel would: a packet for the OVERLAPPED on a bound handle's key (top bit clear). */
    private void completeAsTheKernelWould(NativeOverlapped o, int bytes) throws Exception {
        dispatcher.port().post(1, bytes, o.address());
    }

    @Test
    void thePointerIsTheOverlappedsAddress() {
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> { }, null);
        Pointer p = JnaOverlapped.pointer(o);
        assertEquals(o.address(), Pointer.nativeValue(p));
        o.free();
        assertThrows(IllegalStateException.class, () -> JnaOverlapped.pointer(o));
    }

    @Test
    void theViewReadsWhatNativeOverlappedSetAndNeverWrites() {
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> { }, null);
        o.setOffset(0x1_2345_6789L);
        o.setEventHandle(0x40);
        OverlappedView view = JnaOverlapped.view(o);
        assertSame(o, view.overlapped());
        assertEquals(Pointer.nativeValue(JnaOverlapped.pointer(o)), Pointer.nativeValue(view.getPointer()));
        assertEquals(0x2345_6789, view.Offset);
        assertEquals(1, view.OffsetHigh);
        assertEquals(0x40, Pointer.nativeValue(view.hEvent.getPointer()));
        assertEquals(0, view.Internal.longValue());

        // Whatever the Java fields say, nothing a caller or JNA does through the view reaches the memory.
        view.Offset = 7;
        view.Internal = new com.sun.jna.platform.win32.BaseTSD.ULONG_PTR(0x103);
        view.hEvent = new WinNT.HANDLE(new Pointer(0x99));
        view.autoWrite(); // what JNA calls before passing a Structure to a native function
        assertThrows(UnsupportedOperationException.class, view::write);
        assertThrows(UnsupportedOperationException.class, () -> view.writeField("Internal"));
        assertThrows(UnsupportedOperationException.class, () -> view.writeField("Offset", 3));
        assertThrows(UnsupportedOperationException.class, view::clear);
        assertThrows(UnsupportedOperationException.class, () -> view.setAutoWrite(true));
        view.setAutoWrite(false);
        assertEquals(0x1_2345_6789L, o.offset());
        assertEquals(0x40, o.eventHandle());
        assertEquals(0, JnaOverlapped.pointer(o).getLong(0), "Internal");

        o.setOffset(5); // set through iocp4j, seen by the next read
        view.read();
        assertEquals(5, view.Offset);
        assertEquals(0, view.OffsetHigh);
        o.free();
        assertThrows(IllegalStateException.class, view::read, "its memory belongs to another operation now");
        assertThrows(IllegalStateException.class, () -> JnaOverlapped.view(o));
    }

    @Test
    void aCallUnderWayCompletesThroughTheCallback() throws Exception {
        CompletableFuture<String> done = new CompletableFuture<>();
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> {
            String seen = e + "/" + b + "/" + x.status();
            x.free(); // before the future completes, so the test goes on with the operation over
            done.complete(seen);
        }, null);
        long[] passed = new long[1];
        JnaOverlapped.start(o, "ReadFile", p -> {
            passed[0] = Pointer.nativeValue(p);
            assertEquals(NativeOverlapped.Status.SUBMITTED, o.status(), "submitted before the call");
            Native.setLastError(JnaOverlapped.ERROR_IO_PENDING);
            return false;
        });
        assertEquals(o.address(), passed[0]);
        completeAsTheKernelWould(o, 321);
        assertEquals("0/321/COMPLETED", done.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aCallThatSucceedsAtOnceStillWaitsForItsPacket() throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> {
            x.free();
            done.complete(b);
        }, null);
        JnaOverlapped.start(o, "ReadFile", p -> true);
        assertEquals(NativeOverlapped.Status.SUBMITTED, o.status());
        completeAsTheKernelWould(o, 9);
        assertEquals(9, done.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aCallThatFailsAtOnceIsTakenBackWithItsCode() throws Exception {
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> {
            throw new AssertionError("no packet comes for a call that failed at once");
        }, null);
        IocpException e = assertThrows(IocpException.class, () -> JnaOverlapped.start(o, "ReadFile", p -> {
            Native.setLastError(38); // ERROR_HANDLE_EOF
            return false;
        }));
        assertEquals(38, e.errorCode());
        assertTrue(e.getMessage().contains("ReadFile"), e.getMessage());
        assertEquals(NativeOverlapped.Status.ALLOCATED, o.status(), "allocated again: free it or submit it anew");
        o.free();
        assertEquals(0, dispatcher.stats().outstandingOperations());
    }

    @Test
    void aCallThatThrowsLeavesTheOverlappedSubmittedSinceTheKernelMayHaveIt() throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> {
            x.free();
            done.complete(e);
        }, null);
        assertThrows(IllegalStateException.class, () -> JnaOverlapped.start(o, "ReadFile", p -> {
            throw new IllegalStateException("after the call, say");
        }));
        assertEquals(NativeOverlapped.Status.SUBMITTED, o.status());
        assertThrows(IllegalStateException.class, o::free, "never freed under the kernel");
        completeAsTheKernelWould(o, 0);
        assertEquals(0, done.get(10, TimeUnit.SECONDS));
    }

    @Test
    void falseWithNoLastErrorIsRefusedAndTheOverlappedStaysSubmitted() throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> {
            x.free();
            done.complete(e);
        }, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> JnaOverlapped.start(o, "X", p -> {
            Native.setLastError(0);
            return false;
        }));
        assertTrue(e.getMessage().contains("no last error"), e.getMessage());
        assertEquals(NativeOverlapped.Status.SUBMITTED, o.status());
        completeAsTheKernelWould(o, 0);
        done.get(10, TimeUnit.SECONDS);
    }

    @Test
    void onAHandleThatSkipsThePortASuccessRunsTheCallbackHereWithTheKernelsByteCount() throws Exception {
        Thread caller = Thread.currentThread();
        String[] ran = new String[1];
        try (PreAllocatedOverlapped o = dispatcher.preAllocate((e, b, x) ->
                ran[0] = e + "/" + b + "/" + (Thread.currentThread() == caller), null)) {
            // As the kernel leaves a synchronous success: Internal STATUS_SUCCESS, InternalHigh the bytes.
            assertTrue(JnaOverlapped.startSkippingPortOnSuccess(o, "ReadFile", p -> {
                p.setLong(8, 4096);
                return true;
            }));
            assertEquals("0/4096/true", ran[0]);
            assertEquals(NativeOverlapped.Status.COMPLETED, o.status());

            ran[0] = null;
            assertFalse(JnaOverlapped.startSkippingPortOnSuccess(o, "ReadFile", p -> {
                Native.setLastError(JnaOverlapped.ERROR_IO_PENDING);
                return false;
            }), "pending: the packet will come");
            assertNull(ran[0]);
            completeAsTheKernelWould(o, 1);
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                 o.status() != NativeOverlapped.Status.COMPLETED && System.nanoTime() < end; ) {
                Thread.sleep(5);
            }
            assertEquals(NativeOverlapped.Status.COMPLETED, o.status());
        }
    }

    @Test
    void startRefusesAnOverlappedThatCannotBeSubmitted() {
        NativeOverlapped o = dispatcher.allocate((e, b, x) -> { }, null);
        o.free();
        assertThrows(IllegalStateException.class, () -> JnaOverlapped.start(o, "ReadFile", p -> true));
    }
}
