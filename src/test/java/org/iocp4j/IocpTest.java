package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.iocp4j.internal.windows.NativeLibraryLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class IocpTest {

    @AfterEach
    void clearProperty() {
        System.clearProperty(Iocp.BACKEND_PROPERTY);
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void offWindowsTheNativeBackendIsUnavailableAndSaysWhy() throws Exception {
        assertFalse(Iocp.isAvailable());
        assertTrue(Iocp.unavailabilityCause().getMessage().contains("Windows"), Iocp.unavailabilityCause().getMessage());
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, Iocp::ensureAvailability);
        assertEquals(Iocp.unavailabilityCause(), e.getCause());
        assertEquals(Backend.PORTABLE, Iocp.backend());
        try (CompletionPort port = CompletionPort.open()) {
            assertEquals(Backend.PORTABLE, port.backend());
        }
        System.setProperty(Iocp.BACKEND_PROPERTY, "native");
        assertThrows(UnsatisfiedLinkError.class, () -> CompletionPort.open(1));
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void onWindowsTheNativeBackendLoadsAndIsTheDefault() throws Exception {
        assertTrue(Iocp.isAvailable(), () -> String.valueOf(Iocp.unavailabilityCause()));
        assertNull(Iocp.unavailabilityCause());
        Iocp.ensureAvailability();
        try (CompletionPort port = CompletionPort.open()) {
            assertEquals(Backend.NATIVE, port.backend());
        }
    }

    @Test
    void thePropertyOverridesTheChoice() throws Exception {
        System.setProperty(Iocp.BACKEND_PROPERTY, "Portable");
        try (CompletionPort port = CompletionPort.open(1)) {
            assertEquals(Backend.PORTABLE, port.backend());
        }
        System.setProperty(Iocp.BACKEND_PROPERTY, "epoll");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CompletionPort.open(1));
        assertTrue(e.getMessage().contains("auto, native or portable"), e.getMessage());
    }

    @Test
    void theJarKnowsItsVersionForTheExtractedFileName() {
        assertTrue(NativeLibraryLoader.version().matches("\\d+\\.\\d+\\.\\d+.*"), NativeLibraryLoader.version());
    }

    @Test
    void anExceptionKeepsTheCodeAndSaysWhatItMeans() {
        IocpException e = new IocpException("PostQueuedCompletionStatus", 6);
        assertEquals(6, e.errorCode());
        // The text is the system's, in its language and wording (Wine says "Invalid handle."): assert
        // the code and that some description came with it, never the words.
        assertTrue(e.getMessage().matches("PostQueuedCompletionStatus failed: error 6 \\(\\S.*\\)"), e.getMessage());
        assertEquals("X failed: error 123456", new IocpException("X", 123456).getMessage());
        PortClosedException closed = new PortClosedException("GetQueuedCompletionStatus", 735);
        assertTrue(closed.getMessage().contains("735"), closed.getMessage());
    }
}
