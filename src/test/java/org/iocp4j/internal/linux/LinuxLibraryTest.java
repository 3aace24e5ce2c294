package org.iocp4j.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.iocp4j.internal.Errors;
import org.iocp4j.internal.NativeLibrarySearch;
import org.iocp4j.internal.NativeLibrarySearch.Attempt;
import org.iocp4j.internal.Win32Errors;
import org.junit.jupiter.api.Test;

/** The Linux library's loading rules and error codes, on every platform; its natives where it is loaded. */
class LinuxLibraryTest {

    @Test
    void beforeJdk24NativeAccessIsNoReasonNotToLoad() {
        assertNull(LinuxLibrary.nativeAccessDenied(11));
        assertNull(LinuxLibrary.nativeAccessDenied(23));
    }

    @Test
    void fromJdk24TheModuleMustHaveNativeAccess() {
        String denied = LinuxLibrary.nativeAccessDenied(24);
        if (Runtime.version().feature() < 22) {
            // No Module.isNativeAccessEnabled() to ask: never load blind where the JDK would warn.
            assertNotNull(denied);
            assertTrue(denied.contains("isNativeAccessEnabled"), denied);
        } else if (denied != null) {
            assertTrue(denied.contains("JEP 472") && denied.contains("--enable-native-access=ALL-UNNAMED"), denied);
        }
    }

    @Test
    void theStatusSaysLoadedFromWhereOrWhyNot() {
        String status = LinuxLibrary.status();
        if (LinuxLibrary.isLoaded()) {
            assertTrue(status.startsWith("loaded from ") && status.contains(".so"), status);
        } else {
            assertTrue(status.startsWith("not loaded: "), status);
            assertNotNull(LinuxLibrary.failure());
        }
    }

    /** The same condition gives the same code through the library (errno) and through NIO (exceptions). */
    @Test
    void errnoValuesMapToTheCodesNioExceptionsGet() {
        assertEquals(Errors.codeOf(new NoSuchFileException("f")), LinuxErrors.win32(LinuxFile.ENOENT));
        assertEquals(Errors.codeOf(new FileAlreadyExistsException("f")), LinuxErrors.win32(LinuxFile.EEXIST));
        assertEquals(Errors.codeOf(new AccessDeniedException("f")), LinuxErrors.win32(LinuxFile.EACCES));
        assertEquals(Errors.codeOf(new IOException("No space left on device")), LinuxErrors.win32(LinuxFile.ENOSPC));
        assertEquals(Win32Errors.ERROR_DISK_FULL, LinuxErrors.win32(LinuxFile.EDQUOT));
        assertEquals(Errors.codeOf(new IOException("Input/output error")), LinuxErrors.win32(LinuxFile.EIO));
        assertEquals(Win32Errors.ERROR_ACCESS_DENIED, LinuxErrors.win32(LinuxFile.EISDIR), "as CreateFileW");
        assertEquals(Win32Errors.ERROR_INVALID_HANDLE, LinuxErrors.win32(LinuxFile.EBADF));
        assertEquals(Win32Errors.ERROR_INVALID_PARAMETER, LinuxErrors.win32(LinuxFile.EINVAL));
        assertEquals(Win32Errors.ERROR_PATH_NOT_FOUND, LinuxErrors.win32(LinuxFile.ENOTDIR));
    }

    @Test
    void onPosixTheExtractionFoldersArePosixOnesAndLocalAppDataIsIgnored() {
        NativeLibrarySearch search = new NativeLibrarySearch("Linux library", LinuxLibrary.RESOURCE, ".so", false,
                where -> null);
        Map<String, String> properties = new HashMap<>();
        properties.put("java.io.tmpdir", "/tmp/");
        Map<String, String> environment = Map.of("LOCALAPPDATA", "/home/u/.local");
        List<Attempt> plan = search.plan(properties::get, environment::get, "/opt/app/lib");
        assertEquals(List.of(new Attempt(Attempt.Kind.EXTRACT, "/tmp"),
                new Attempt(Attempt.Kind.EXTRACT, "/opt/app/lib/iocp4j-native")), plan);
        assertEquals("extraction of the jar's Linux library into /tmp", plan.get(0).toString());
        properties.put(NativeLibrarySearch.PATH_PROPERTY, "/usr/lib/libiocp4j.so");
        assertEquals(List.of(new Attempt(Attempt.Kind.EXPLICIT_PATH, "/usr/lib/libiocp4j.so")),
                search.plan(properties::get, environment::get, "/opt/app/lib"));
    }

    @Test
    void aHeapBufferIsRefusedBeforeAnyNativeCall() {
        assumeTrue(LinuxLibrary.isLoaded(), LinuxLibrary.status());
        try {
            LinuxMemory.addressOf(ByteBuffer.allocate(8));
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("direct"), expected.getMessage());
            return;
        }
        throw new AssertionError("a heap buffer got an address");
    }

    @Test
    void aDirectBufferHasItsRealAddressAndAPathWithANulIsRefused() {
        assumeTrue(LinuxLibrary.isLoaded(), LinuxLibrary.status());
        ByteBuffer b = ByteBuffer.allocateDirect(16);
        long a = LinuxMemory.addressOf(b);
        assertTrue(a != 0 && a < 1L << 47, "a canonical user-space address: 0x" + Long.toHexString(a));
        assertEquals(a + 4, LinuxMemory.addressOf(b.position(4).slice()), "a slice starts 4 bytes in");
        assertEquals(-LinuxFile.EINVAL, LinuxFile.open(new byte[] {'/', 't', 0, 'x'}, LinuxFile.O_RDONLY));
        byte[] tooLong = new byte[LinuxFile.MAX_PATH_BYTES + 1];
        assertEquals(-LinuxFile.ENAMETOOLONG, LinuxFile.open(tooLong, LinuxFile.O_RDONLY));
        assertEquals(-LinuxFile.ENOENT, LinuxFile.open("/nonexistent-iocp4j/x".getBytes(), LinuxFile.O_RDONLY));
    }
}
