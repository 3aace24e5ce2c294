package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

import org.iocp4j.Win32Error;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The code-to-type table of {@link Win32Exceptions}: the JDK's types on Windows, the code kept. */
class Win32ExceptionsTest {

    private static IOException mapped(int code) {
        IOException e = Win32Exceptions.forCode("op", code, false, null);
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
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(booleans = {false, true})
    void aShutDownSideIsAClosedChannelButNotAnAsynchronousClose(boolean closedLocally) {
        IOException e = Win32Exceptions.forCode("WSASend", 10058, closedLocally, null);
        assertInstanceOf(ClosedChannelException.class, e);
        assertFalse(e instanceof AsynchronousCloseException);
        assertEquals(10058, assertInstanceOf(Win32Error.class, e).errorCode());
    }
}
