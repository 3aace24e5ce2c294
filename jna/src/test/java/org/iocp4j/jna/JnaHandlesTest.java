package org.iocp4j.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import org.iocp4j.Backend;
import org.iocp4j.BoundHandle;
import org.iocp4j.IoDispatcher;
import org.iocp4j.Iocp;
import org.iocp4j.IocpException;
import org.iocp4j.io.OverlappedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HANDLE values to and from iocp4j; the Win32 parts on Windows, the refusals on the portable backend. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JnaHandlesTest {

    @Test
    void valuesRoundTripAndNullIsZero() {
        assertEquals(0x1234L, JnaHandles.value(JnaHandles.handle(0x1234L)));
        assertEquals(-1L, JnaHandles.value(WinBase.INVALID_HANDLE_VALUE));
        assertEquals(0L, JnaHandles.value(new WinNT.HANDLE()));
        assertNull(JnaHandles.handle(0).getPointer());
        assertEquals(WinBase.INVALID_HANDLE_VALUE, JnaHandles.handle(-1));
    }

    @Test
    void aHandleThatIsNotOpenIsRefusedBeforeTheKernelSeesIt() throws Exception {
        try (IoDispatcher d = IoDispatcher.builder().threads(1).build()) {
            assertThrows(IllegalArgumentException.class, () -> JnaHandles.bind(d, WinBase.INVALID_HANDLE_VALUE));
            assertThrows(IllegalArgumentException.class, () -> JnaHandles.bind(d, new WinNT.HANDLE()));
            assertThrows(NullPointerException.class, () -> JnaHandles.bind(d, null));
        }
    }

    @Test
    void thePortableBackendsHandlesAreNotWin32Handles(@TempDir Path dir) throws Exception {
        assumeTrue(Iocp.backend() == Backend.PORTABLE,
                "the portable backend only: on the native backend handles are Win32 handles");
        try (IoDispatcher d = IoDispatcher.builder().threads(1).build();
             OverlappedFile file = OverlappedFile.open(d, Files.write(dir.resolve("f"), new byte[1]))) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> JnaHandles.handle(file));
            assertTrue(e.getMessage().contains("PORTABLE"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> JnaHandles.bind(d, JnaHandles.handle(0x40)));
        }
    }

    @Test
    void iocp4jsHandlesAreTheWin32HandlesJnaSees(@TempDir Path dir) throws Exception {
        Win32Only.assume("GetFileType, CreateFileW");
        Path path = Files.write(dir.resolve("f.bin"), new byte[10]);
        try (IoDispatcher d = IoDispatcher.builder().threads(1).build();
             OverlappedFile file = OverlappedFile.open(d, path)) {
            WinNT.HANDLE h = JnaHandles.handle(file);
            assertEquals(file.handle(), JnaHandles.value(h));
            assertEquals(WinNT.FILE_TYPE_DISK, Kernel32.INSTANCE.GetFileType(h), "a live disk file handle");

            WinNT.HANDLE opened = Kernel32.INSTANCE.CreateFile(path.toString(), WinNT.GENERIC_READ,
                    WinNT.FILE_SHARE_READ | WinNT.FILE_SHARE_WRITE, null, WinNT.OPEN_EXISTING,
                    WinNT.FILE_FLAG_OVERLAPPED, null);
            try {
                BoundHandle bound = JnaHandles.bind(d, opened);
                assertEquals(JnaHandles.value(opened), bound.handle());
                assertEquals(JnaHandles.value(opened), JnaHandles.value(JnaHandles.handle(bound)));
                assertEquals(new WinNT.HANDLE(new Pointer(bound.handle())), JnaHandles.handle(bound));
                IocpException twice = assertThrows(IocpException.class, () -> JnaHandles.bind(d, opened));
                assertEquals(87, twice.errorCode(), "already bound to a port");
            } finally {
                Kernel32.INSTANCE.CloseHandle(opened);
            }
            IocpException closed = assertThrows(IocpException.class, () -> JnaHandles.bind(d, opened));
            assertEquals(6, closed.errorCode(), "not open");
        }
    }
}
