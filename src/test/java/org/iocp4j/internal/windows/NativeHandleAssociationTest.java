package org.iocp4j.internal.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.win32.StdCallLibrary;
import com.sun.jna.win32.W32APIOptions;
import org.iocp4j.BoundHandle;
import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.IoDispatcher;
import org.iocp4j.IocpException;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.Win32Errors;
import org.iocp4j.internal.Win32Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real overlapped handles associated with a native port: a file read whose packet carries the key, the
 * byte count and the OVERLAPPED, and a cancelled pipe connect whose packet is a failed operation's.
 * The Win32 calls go through JNA with Pointer arguments: JNA's own {@code ReadFile(byte[], OVERLAPPED)}
 * would let the kernel write into memory JNA frees when the call returns.
 */
@EnabledOnOs(OS.WINDOWS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeHandleAssociationTest {

    private static final int GENERIC_READ = 0x80000000;
    private static final int FILE_SHARE_READ = 1;
    private static final int OPEN_EXISTING = 3;
    private static final int FILE_FLAG_OVERLAPPED = 0x40000000;
    private static final int PIPE_ACCESS_DUPLEX = 3;
    private static final int ERROR_IO_PENDING = 997;

    /** The kernel32 calls this test needs, with raw pointers. */
    interface Kernel32 extends StdCallLibrary {
        Kernel32 K = Native.load("kernel32", Kernel32.class, W32APIOptions.DEFAULT_OPTIONS);

        WinNT.HANDLE CreateFile(String name, int access, int share, Pointer security, int disposition, int flags,
                                Pointer template);

        boolean ReadFile(WinNT.HANDLE file, Pointer buffer, int length, Pointer read, Pointer overlapped);

        WinNT.HANDLE CreateNamedPipe(String name, int openMode, int pipeMode, int maxInstances, int outBuffer,
                                     int inBuffer, int defaultTimeout, Pointer security);

        boolean ConnectNamedPipe(WinNT.HANDLE pipe, Pointer overlapped);

        boolean CancelIoEx(WinNT.HANDLE handle, Pointer overlapped);

        boolean CloseHandle(WinNT.HANDLE handle);
    }

    private static long value(WinNT.HANDLE h) {
        return Pointer.nativeValue(h.getPointer());
    }

    /** Writes {@code length} bytes, byte i being {@code i * step}, and opens the file for overlapped reads. */
    private static WinNT.HANDLE overlappedFileOf(Path file, int length, int step, byte[] written) throws Exception {
        for (int i = 0; i < length; i++) {
            written[i] = (byte) (i * step);
        }
        Files.write(file, written);
        WinNT.HANDLE h = Kernel32.K.CreateFile(file.toString(), GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, null);
        assertNotEquals(-1L, value(h), "CreateFile failed: " + Native.getLastError());
        return h;
    }

    @Test
    void aFileReadsPacketArrivesWithItsKeyBytesAndOverlapped(@TempDir Path dir) throws Exception {
        byte[] data = new byte[1000];
        WinNT.HANDLE h = overlappedFileOf(dir.resolve("data.bin"), data.length, 7, data);
        NativeRegion bufferRegion = NativeRegion.allocate(4096);
        NativeRegion overlappedRegion = NativeRegion.allocate(Win32Layout.OVERLAPPED_SIZE);
        long buffer = bufferRegion.address();
        long overlapped = overlappedRegion.address();
        try (NativeCompletionPort port = NativeCompletionPort.open(1)) {
            port.associate(value(h), 0xC0FFEE_0000_0001L);
            IocpException twice = assertThrows(IocpException.class, () -> port.associate(value(h), 2));
            assertEquals(Win32Errors.ERROR_INVALID_PARAMETER, twice.errorCode());

            NativeMemory.putInt(overlappedRegion.memory(), Win32Layout.OVERLAPPED_OFFSET, 100);
            boolean done = Kernel32.K.ReadFile(h, new Pointer(buffer), 200, null, new Pointer(overlapped));
            assertTrue(done || Native.getLastError() == ERROR_IO_PENDING, "ReadFile: " + Native.getLastError());

            Completion c = new Completion(); // without skip-on-success a packet comes either way
            assertTrue(port.poll(c, 10, TimeUnit.SECONDS));
            assertTrue(c.isSuccess(), c.toString());
            assertEquals(0xC0FFEE_0000_0001L, c.key());
            assertEquals(200, c.bytesTransferred());
            assertEquals(overlapped, c.overlappedAddress());
            for (int i = 0; i < 200; i++) {
                assertEquals(data[100 + i], NativeMemory.getByte(bufferRegion.memory(), i), "byte " + i);
            }
        } finally {
            Kernel32.K.CloseHandle(h);
            Reference.reachabilityFence(bufferRegion); // the kernel wrote them until the packet came
            Reference.reachabilityFence(overlappedRegion);
        }
    }

    @Test
    void aCancelledOperationsPacketIsAFailedOperationNotAnError() throws Exception {
        NativeRegion overlappedRegion = NativeRegion.allocate(Win32Layout.OVERLAPPED_SIZE);
        long overlapped = overlappedRegion.address();
        String name = "\\\\.\\pipe\\iocp4j-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        WinNT.HANDLE pipe = Kernel32.K.CreateNamedPipe(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, 0, 1, 4096, 4096,
                0, null);
        assertNotEquals(-1L, value(pipe), "CreateNamedPipe failed: " + Native.getLastError());
        try (NativeCompletionPort port = NativeCompletionPort.open(1); CompletionBatch batch = CompletionBatch.allocate(4)) {
            port.associate(value(pipe), 77);
            for (int round = 0; round < 2; round++) {
                assertFalse(Kernel32.K.ConnectNamedPipe(pipe, new Pointer(overlapped)));
                assertEquals(ERROR_IO_PENDING, Native.getLastError());
                assertTrue(Kernel32.K.CancelIoEx(pipe, new Pointer(overlapped)), "CancelIoEx: " + Native.getLastError());
                if (round == 0) {
                    Completion c = new Completion();
                    assertTrue(port.poll(c, 10, TimeUnit.SECONDS));
                    assertEquals(Win32Errors.ERROR_OPERATION_ABORTED, c.errorCode());
                    assertEquals(77, c.key());
                    assertEquals(overlapped, c.overlappedAddress());
                } else {
                    assertEquals(1, port.poll(batch, 10, TimeUnit.SECONDS));
                    assertEquals(Win32Errors.ERROR_OPERATION_ABORTED, batch.errorCode(0));
                    assertEquals(overlapped, batch.overlappedAddress(0));
                }
            }
        } finally {
            Kernel32.K.CloseHandle(pipe);
            Reference.reachabilityFence(overlappedRegion);
        }
    }

    @Test
    void aBoundFileRunsTheReadsCallbackOnTheDispatcher(@TempDir Path dir) throws Exception {
        byte[] data = new byte[4096];
        WinNT.HANDLE h = overlappedFileOf(dir.resolve("bound.bin"), data.length, 13, data);
        try (IoDispatcher d = IoDispatcher.builder().threads(1).build()) {
            BoundHandle bound = d.bind(value(h));
            ByteBuffer buffer = ByteBuffer.allocateDirect(1024);
            CompletableFuture<String> result = new CompletableFuture<>();
            NativeOverlapped op = bound.allocate((error, bytes, o) -> {
                result.complete(error + "/" + bytes + "/" + o.state());
                bound.free(o);
            }, "read", buffer);
            op.setOffset(1000);
            long address = op.submit();
            boolean done = Kernel32.K.ReadFile(h, Native.getDirectBufferPointer(buffer), 1024, null, new Pointer(address));
            if (!done && Native.getLastError() != ERROR_IO_PENDING) {
                op.abortSubmit();
                throw new AssertionError("ReadFile failed: " + Native.getLastError());
            }
            assertEquals("0/1024/read", result.get(10, TimeUnit.SECONDS));
            assertEquals(data[1000], buffer.get(0));
            NativeOverlapped unbound = d.allocate((e, b, o) -> { }, null);
            assertThrows(IllegalArgumentException.class, () -> bound.free(unbound));
            unbound.free();
        } finally {
            Kernel32.K.CloseHandle(h);
        }
    }

    @Test
    void shutdownCancelsWhatIsStillPendingOnBoundHandles() throws Exception {
        String name = "\\\\.\\pipe\\iocp4j-shutdown-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        WinNT.HANDLE pipe = Kernel32.K.CreateNamedPipe(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, 0, 1, 4096, 4096,
                0, null);
        try {
            IoDispatcher d = IoDispatcher.builder().threads(1)
                    .shutdownTimeout(Duration.ofMillis(50)).build();
            BoundHandle bound = d.bind(value(pipe));
            CompletableFuture<Integer> error = new CompletableFuture<>();
            NativeOverlapped connect = bound.allocate((e, b, o) -> {
                error.complete(e);
                o.free();
            }, null);
            assertFalse(Kernel32.K.ConnectNamedPipe(pipe, new Pointer(connect.submit())));
            assertEquals(ERROR_IO_PENDING, Native.getLastError());
            d.shutdown(); // no client ever connects
            assertTrue(d.awaitTermination(20, TimeUnit.SECONDS));
            assertEquals(Win32Errors.ERROR_OPERATION_ABORTED, error.get(1, TimeUnit.SECONDS));
            assertEquals(1, d.cancelledAtShutdown());
            assertEquals(0, d.abandonedAtShutdown());
        } finally {
            Kernel32.K.CloseHandle(pipe);
        }
    }

    @Test
    void aClosedHandleCannotBeAssociated(@TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("x"), new byte[1]);
        WinNT.HANDLE h = Kernel32.K.CreateFile(file.toString(), GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, null);
        assertTrue(Kernel32.K.CloseHandle(h));
        try (NativeCompletionPort port = NativeCompletionPort.open(1)) {
            IocpException e = assertThrows(IocpException.class, () -> port.associate(value(h), 1));
            assertEquals(Win32Errors.ERROR_INVALID_HANDLE, e.errorCode());
        }
    }
}
