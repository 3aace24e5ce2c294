package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;

import org.iocp4j.IocpException;
import org.iocp4j.Win32Error;
import org.iocp4j.io.Win32Exceptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The code-to-type table of {@link Errors}: the JDK's types on Windows, the code kept; and the portable
 * backend's exceptions turned into the same codes, so they reach the same types.
 */
class ErrorsTest {

    private static IOException mapped(int code) {
        IOException e = Errors.ioException("op", code, false, null);
        assertEquals(code, assertInstanceOf(Win32Error.class, e).errorCode(), "the code is kept");
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {1225, 10061, 10060, 121}) // 121 ERROR_SEM_TIMEOUT: a ConnectEx timeout's packet
    void refusedAndTimedOutConnectsAreConnectExceptions(int code) {
        assertInstanceOf(ConnectException.class, mapped(code));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {1231, 1232, 10051, 10065}) // network / host unreachable, Win32 and Winsock
    void unreachableNetworksAndHostsAreNoRouteToHost(int code) {
        assertInstanceOf(NoRouteToHostException.class, mapped(code));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {10048, 10049}) // WSAEADDRINUSE, WSAEADDRNOTAVAIL
    void addressesInUseOrNotAvailableAreBindExceptions(int code) {
        assertInstanceOf(BindException.class, mapped(code));
        IOException e = Errors.ioException("bind", code, false, null);
        assertInstanceOf(Win32Exceptions.Bind.class, e);
        assertTrue(e.getMessage().matches("bind failed: error " + code + " \\(.+\\)"),
                "the message keeps the call, the code and its text: " + e.getMessage());
    }

    /** What NIO's bind throws on Linux (EADDRINUSE, EADDRNOTAVAIL) becomes Winsock's code for the same refusal. */
    @Test
    void thePortableBackendsBindExceptionsBecomeTheirWinsockCodes() {
        assertEquals(10048, Errors.codeOf(new BindException("Address already in use")));
        assertEquals(10049, Errors.codeOf(new BindException("Cannot assign requested address")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(booleans = {false, true})
    void aShutDownSideIsAClosedChannelButNotAnAsynchronousClose(boolean closedLocally) {
        IOException e = Errors.ioException("WSASend", 10058, closedLocally, null);
        assertInstanceOf(ClosedChannelException.class, e);
        assertFalse(e instanceof AsynchronousCloseException);
        assertEquals(10058, assertInstanceOf(Win32Error.class, e).errorCode());
    }

    @Test
    void thePortableBackendsExceptionsBecomeWindowsCodesAndTakeTheSameRoad() {
        assertInstanceOf(ConnectException.class, mapped(Errors.codeOf(new ConnectException("Connection refused"))));
        assertInstanceOf(Win32Exceptions.ConnectionReset.class, mapped(Errors.codeOf(new IOException("Connection reset by peer"))));
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, mapped(Errors.codeOf(new ClosedChannelException())));
        assertInstanceOf(NoSuchFileException.class, mapped(Errors.codeOf(new NoSuchFileException("x"))));
        assertEquals(1117, Errors.codeOf(new IOException("something else")), "ERROR_IO_DEVICE when nothing fits");
        assertEquals(IocpException.class, mapped(1117).getClass());
    }

    @Test
    void theMessageNamesTheCallAndTheCode() {
        assertEquals("X failed: error 123456", Errors.ioException("X", 123456, false, null).getMessage());
        assertEquals("Connection reset: WSARecv failed: error 10054", // the system's text, if any, stripped
                Errors.ioException("WSARecv", 10054, false, null).getMessage().replaceAll(" \\(.*\\)$", ""));
        assertEquals(6, Errors.portClosed("PostQueuedCompletionStatus").errorCode());
        assertEquals(735, Errors.portAbandoned("GetQueuedCompletionStatus").errorCode());
    }
}
