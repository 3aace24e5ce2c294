package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.IocpException;
import org.iocp4j.internal.windows.NativePipes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Named pipes: Windows only, and saying so clearly elsewhere. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NamedPipeTest {

    private static final long WATCHDOG_SECONDS = 20;
    private IoDispatcher dispatcher;

    @BeforeEach
    void start() throws Exception {
        dispatcher = IoDispatcher.builder().name("pipe-test").threads(2).build();
    }

    @AfterEach
    void stop() throws Exception {
        dispatcher.shutdown();
        assertTrue(dispatcher.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
    }

    private static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(WATCHDOG_SECONDS, TimeUnit.SECONDS);
    }

    private static ByteBuffer direct(String s) {
        byte[] b = s.getBytes();
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void thePortableBackendSaysPipesAreWindowsOnly() {
        assertEquals(Backend.PORTABLE, dispatcher.port().backend());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> NamedPipe.createServer(dispatcher, "iocp4j-test", true, true, 1));
        assertTrue(e.getMessage().contains("Windows-only"), e.getMessage());
        assertThrows(UnsupportedOperationException.class,
                () -> NamedPipe.open(dispatcher, "iocp4j-test", false, Duration.ZERO));
    }

    @Test
    void clientsOpenAtIdentificationLevelSoAServerCannotActAsThem() {
        // CreateFileW's dwFlagsAndAttributes: SECURITY_SQOS_PRESENT (0x00100000) makes the level count; bits 16-17
        // hold it, SecurityIdentification = 1. The C suite's test_pipe.c opens with the same constant and checks
        // the level a server gets (on Windows; Wine ignores it).
        int flags = NativePipes.clientOpenFlags();
        assertEquals(0x00100000, flags & 0x00100000, "SECURITY_SQOS_PRESENT");
        assertEquals(1, (flags >>> 16) & 0x3, "SECURITY_IDENTIFICATION");
        assertEquals(0, flags & 0x000C0000, "neither context tracking nor effective-only widens it");
    }

    private static String uniqueName() {
        return "iocp4j-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void messagesTravelBothWaysAndAPartialMessageIsReportedNotLost() throws Exception {
        String name = uniqueName();
        try (NamedPipe server = NamedPipe.createServer(dispatcher, name, true, true, 1)) {
            IoFuture<NamedPipe> connected = server.connect();
            try (NamedPipe client = NamedPipe.open(dispatcher, name, true, Duration.ofSeconds(5))) {
                assertEquals(server, await(connected));
                assertEquals(11, await(client.write(direct("hello world"))));
                ByteBuffer small = ByteBuffer.allocateDirect(5);
                PipeRead first = await(server.read(small));
                assertEquals(new PipeRead(5, false), first, "the first part, 234 ERROR_MORE_DATA");
                ByteBuffer rest = ByteBuffer.allocateDirect(64);
                PipeRead second = await(server.read(rest));
                assertEquals(new PipeRead(6, true), second, "the rest of the same message");
                assertEquals(2, await(server.write(direct("ok"))));
                assertEquals(new PipeRead(2, true), await(client.read(ByteBuffer.allocateDirect(8))));
            }
            assertEquals(-1, await(server.read(ByteBuffer.allocateDirect(8))).bytes(), "the client left: end of stream");
            ExecutionException broken = assertThrows(ExecutionException.class, () -> await(server.write(direct("x"))));
            int code = assertInstanceOf(IocpException.class, broken.getCause()).errorCode();
            assertTrue(code == 109 || code == 232, "109 or 232: " + code);
        }
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void aBusyPipeTimesOutAndAFirstInstanceIsExclusive() throws Exception {
        String name = uniqueName();
        try (NamedPipe server = NamedPipe.createServer(dispatcher, name, false, true, 1)) {
            assertFalse(server.isMessageMode());
            IoFuture<NamedPipe> connected = server.connect();
            try (NamedPipe client = NamedPipe.open(dispatcher, name, false, Duration.ofSeconds(5))) {
                await(connected);
                assertThrows(IocpException.class, () -> NamedPipe.open(dispatcher, name, false, Duration.ofMillis(200)));
                assertThrows(Exception.class, () -> NamedPipe.createServer(dispatcher, name, false, true, 1));
                assertTrue(client.isOpen());
            }
        }
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void closeWithAConnectPendingAbortsIt() throws Exception {
        NamedPipe server = NamedPipe.createServer(dispatcher, uniqueName(), false, true, 1);
        IoFuture<NamedPipe> connected = server.connect();
        assertEquals(0, server.close(Duration.ofSeconds(WATCHDOG_SECONDS)));
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(connected));
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, e.getCause());
    }
}
