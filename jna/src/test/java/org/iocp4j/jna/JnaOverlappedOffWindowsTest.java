package org.iocp4j.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;

import com.sun.jna.Pointer;
import org.iocp4j.IoDispatcher;
import org.iocp4j.Iocp;
import org.iocp4j.NativeOverlapped;
import org.junit.jupiter.api.Test;

/**
 * Without iocp4j's DLL (the portable backend, off Windows) an OVERLAPPED's address is an identity with no
 * memory behind it: a JNA pointer made of it would crash the JVM at its first read, so the bridge refuses
 * to make one, and an operation it refuses to start stays allocated, the caller's to free.
 */
class JnaOverlappedOffWindowsTest {

    @Test
    void everyWayToTheMemoryIsRefusedAndTheOverlappedIsLeftAsItWas() throws IOException {
        assumeFalse(Iocp.isAvailable(), "the DLL is loaded here: JnaOverlappedTest covers the real memory");
        try (IoDispatcher dispatcher = IoDispatcher.builder().name("jna-off-windows").threads(1).build()) {
            NativeOverlapped o = dispatcher.allocate((e, b, x) -> { }, null);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> JnaOverlapped.pointer(o));
            assertTrue(e.getMessage().contains("no memory behind it"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> JnaOverlapped.view(o));
            boolean[] called = {false};
            assertThrows(UnsupportedOperationException.class, () -> JnaOverlapped.start(o, "ReadFile", p -> {
                called[0] = true;
                return true;
            }));
            assertThrows(UnsupportedOperationException.class,
                    () -> JnaOverlapped.startSkippingPortOnSuccess(o, "ReadFile", (Pointer p) -> true));
            assertEquals(false, called[0], "the call must not run");
            assertEquals(NativeOverlapped.Status.ALLOCATED, o.status(), "not submitted");
            o.free();
            assertEquals(0, dispatcher.pendingOperations(), "nothing left pending");
        }
    }
}
