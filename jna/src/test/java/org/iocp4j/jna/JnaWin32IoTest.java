package org.iocp4j.jna;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;
import org.iocp4j.BoundHandle;
import org.iocp4j.IoDispatcher;
import org.iocp4j.IocpException;
import org.iocp4j.NativeOverlapped;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real overlapped Win32 calls made through JNA on handles opened through JNA, bound with the bridge, their
 * completions running callbacks on an {@link IoDispatcher}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JnaWin32IoTest {

    private static final int PIPE_ACCESS_DUPLEX = 3;
    private static final int ERROR_HANDLE_EOF = 38;
    private static final int ERROR_OPERATION_ABORTED = 995;
    private static final int ERROR_IO_INCOMPLETE = 996;
    private static final long STATUS_PENDING = 0x103;

    /** jna-platform style: the OVERLAPPED as a {@code Structure}, which JNA auto-writes before the call. */
    interface StructureKernel32 extends StdCallLibrary {
        StructureKernel32 K = Native.load("kernel32", StructureKernel32.class, W32APIOptions.DEFAULT_OPTIONS);

        boolean GetOverlappedResult(WinNT.HANDLE handle, WinBase.OVERLAPPED overlapped, IntByReference bytes,
                                    boolean wait);
    }

    private IoDispatcher dispatcher;

    @BeforeEach
    void open() throws IOException {
        Win32Only.assume("ReadFile, WriteFile, ConnectNamedPipe");
        dispatcher = IoDispatcher.builder().name("jna-win32").threads(2).build();
    }

    @AfterEach
    void close() {
        if (dispatcher == null) {
            return; // skipped
        }
        dispatcher.close();
        assertEquals(0, dispatcher.cancelledAtShutdown(), "every operation completed before the dispatcher closed");
        assertEquals(0, dispatcher.abandonedAtShutdown());
    }

    private static WinNT.HANDLE openOverlapped(Path file, int access, int disposition) {
        WinNT.HANDLE h = Kernel32.INSTANCE.CreateFile(file.toString(), access,
                WinNT.FILE_SHARE_READ | WinNT.FILE_SHARE_WRITE, null, disposition, WinNT.FILE_FLAG_OVERLAPPED, null);
        assertNotEquals(WinBase.INVALID_HANDLE_VALUE, h, () -> "CreateFileW: " + Native.getLastError());
        return h;
    }

    /** One operation whose callback completes a future with "error/bytes" and frees the overlapped. */
    private static NativeOverlapped operation(BoundHandle bound, CompletableFuture<String> result,
                                              ByteBuffer... buffers) {
        return bound.allocate((error, bytes, o) -> {
            bound.free(o); // before the future completes: a test that waits on it may check the status next
            result.complete(error + "/" + bytes);
        }, null, buffers);
    }

    @Test
    void aJnaWriteAndReadOnAJnaOpenedFileCompleteThroughTheDispatcher(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("data.bin");
        WinNT.HANDLE h = openOverlapped(path, WinNT.GENERIC_READ | WinNT.GENERIC_WRITE, WinNT.CREATE_ALWAYS);
        try {
            BoundHandle bound = JnaHandles.bind(dispatcher, h);
            byte[] data = new byte[6000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31 + 7);
            }
            ByteBuffer out = ByteBuffer.allocateDirect(data.length).put(data);
            CompletableFuture<String> wrote = new CompletableFuture<>();
            NativeOverlapped write = operation(bound, wrote, out);
            write.setOffset(100_000); // past the end: the file grows, as positional writes do
            JnaOverlapped.start(write, "WriteFile", p -> OverlappedKernel32.INSTANCE.WriteFile(h,
                    Native.getDirectBufferPointer(out), data.length, null, p));
            assertEquals("0/6000", wrote.get(10, TimeUnit.SECONDS));

            ByteBuffer in = ByteBuffer.allocateDirect(8192);
            CompletableFuture<String> read = new CompletableFuture<>();
            NativeOverlapped r = operation(bound, read, in);
            r.setOffset(100_000 + 1000);
            JnaOverlapped.start(r, "ReadFile", p -> OverlappedKernel32.INSTANCE.ReadFile(h,
                    Native.getDirectBufferPointer(in), 8192, null, p));
            assertEquals("0/5000", read.get(10, TimeUnit.SECONDS), "up to the end of the file");
            byte[] got = new byte[5000];
            in.get(got);
            assertTrue(Arrays.equals(Arrays.copyOfRange(data, 1000, 6000), got));
            assertEquals(106_000, Files.size(path));

            // At the end of the file: ERROR_HANDLE_EOF, at once (start throws, no packet) or in the packet.
            CompletableFuture<String> eof = new CompletableFuture<>();
            NativeOverlapped atEnd = operation(bound, eof, in);
            atEnd.setOffset(106_000);
            try {
                JnaOverlapped.start(atEnd, "ReadFile", p -> OverlappedKernel32.INSTANCE.ReadFile(h,
                        Native.getDirectBufferPointer(in), 8192, null, p));
                assertEquals(ERROR_HANDLE_EOF + "/0", eof.get(10, TimeUnit.SECONDS));
            } catch (IocpException atOnce) {
                assertEquals(ERROR_HANDLE_EOF, atOnce.errorCode());
                assertEquals(NativeOverlapped.Status.ALLOCATED, atEnd.status());
                bound.free(atEnd);
            }
            assertEquals(0, dispatcher.stats().outstandingOperations());
        } finally {
            Kernel32.INSTANCE.CloseHandle(h);
        }
    }

    @Test
    void aCallThatFailsAtOnceBringsItsWin32Code(@TempDir Path dir) throws Exception {
        Path path = Files.write(dir.resolve("ro.bin"), new byte[16]);
        WinNT.HANDLE h = openOverlapped(path, WinNT.GENERIC_READ, WinNT.OPEN_EXISTING);
        try {
            BoundHandle bound = JnaHandles.bind(dispatcher, h);
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            NativeOverlapped write = operation(bound, new CompletableFuture<>(), b);
            IocpException e = assertThrows(IocpException.class, () -> JnaOverlapped.start(write, "WriteFile",
                    p -> OverlappedKernel32.INSTANCE.WriteFile(h, Native.getDirectBufferPointer(b), 16, null, p)));
            assertEquals(5, e.errorCode(), "ERROR_ACCESS_DENIED: a write through a read-only handle");
            assertEquals(NativeOverlapped.Status.ALLOCATED, write.status());
            bound.free(write);
        } finally {
            Kernel32.INSTANCE.CloseHandle(h);
        }
    }

    @Test
    void theViewGoesWhereJnaPlatformWantsAnOverlappedAndNeverClobbersThePendingStatus() throws Exception {
        String name = "\\\\.\\pipe\\iocp4j-jna-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        WinNT.HANDLE pipe = Kernel32.INSTANCE.CreateNamedPipe(name, PIPE_ACCESS_DUPLEX | WinNT.FILE_FLAG_OVERLAPPED, 0,
                1, 4096, 4096, 0, null);
        assertNotEquals(WinBase.INVALID_HANDLE_VALUE, pipe, () -> "CreateNamedPipe: " + Native.getLastError());
        try {
            BoundHandle bound = JnaHandles.bind(dispatcher, pipe);
            CompletableFuture<String> connected = new CompletableFuture<>();
            NativeOverlapped connect = operation(bound, connected);
            OverlappedView view = JnaOverlapped.view(connect);
            assertEquals(0, view.Internal.longValue(), "read before the call: the Java field says 0");

            // jna-platform's own signature, ConnectNamedPipe(HANDLE, WinBase.OVERLAPPED): the view fits it.
            JnaOverlapped.start(connect, "ConnectNamedPipe", p -> Kernel32.INSTANCE.ConnectNamedPipe(pipe, view));
            assertEquals(NativeOverlapped.Status.SUBMITTED, connect.status());
            assertEquals(STATUS_PENDING, JnaOverlapped.pointer(connect).getLong(0), "Internal, as the kernel set it");

            // A Structure is auto-written before a call: a plain one would put its Java Internal (0, "success")
            // over the kernel's STATUS_PENDING here, and GetOverlappedResult would answer TRUE, 0 bytes.
            view.Internal = new com.sun.jna.platform.win32.BaseTSD.ULONG_PTR(0);
            IntByReference bytes = new IntByReference();
            assertFalse(StructureKernel32.K.GetOverlappedResult(pipe, view, bytes, false));
            assertEquals(ERROR_IO_INCOMPLETE, Native.getLastError());
            assertEquals(STATUS_PENDING, JnaOverlapped.pointer(connect).getLong(0));
            assertEquals(STATUS_PENDING, view.Internal.longValue(), "auto-read after the call still happens");
            assertFalse(OverlappedKernel32.INSTANCE.GetOverlappedResult(pipe, JnaOverlapped.pointer(connect), bytes,
                    false));
            assertEquals(ERROR_IO_INCOMPLETE, Native.getLastError());

            assertThrows(IllegalStateException.class, connect::free, "never freed under the kernel");
            assertTrue(OverlappedKernel32.INSTANCE.CancelIoEx(pipe, JnaOverlapped.pointer(connect)),
                    () -> "CancelIoEx: " + Native.getLastError());
            assertEquals(ERROR_OPERATION_ABORTED + "/0", connected.get(10, TimeUnit.SECONDS));
            assertEquals(NativeOverlapped.Status.FREED, connect.status(), "freed in its callback");
            assertThrows(IllegalStateException.class, view::read);
        } finally {
            Kernel32.INSTANCE.CloseHandle(pipe);
        }
    }
}
