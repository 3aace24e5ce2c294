package org.iocp4j.internal.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;
import org.iocp4j.IocpException;
import org.iocp4j.internal.FileBackend;
import org.iocp4j.WineGap;
import org.iocp4j.internal.FileBackendContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The file SPI's contract on {@link NativeFiles} (the DLL), with a {@link NativeCompletionPort}. Runs where
 * the DLL does: on Windows, and in the native leg under Wine.
 */
@EnabledOnOs(OS.WINDOWS)
class NativeFileBackendTest extends FileBackendContract {

    @Override
    protected FileBackend files() {
        return NativeFiles.INSTANCE;
    }

    @Override
    protected CompletionPort openPort() throws IocpException {
        return NativeCompletionPort.open(1);
    }

    @Override
    protected Backend backend() {
        return Backend.NATIVE;
    }

    /**
     * Windows completes a read of cached data at once: with skip-on-success set, such a read returns its
     * byte count and posts no packet (the contract's skip-on-success test accepts either outcome; this one
     * insists that the first happens).
     */
    @Test
    void aCachedReadCompletesAtOnceAndWithSkipOnSuccessPostsNoPacket() throws Exception {
        WineGap.SYNCHRONOUS_FILE_COMPLETION.assumeShownOn(backend());
        Path p = dir.resolve("cached.txt");
        Files.write(p, "0123456789".getBytes(StandardCharsets.US_ASCII));
        long h = open(p, Win32File.GENERIC_READ, Win32File.OPEN_EXISTING);
        assertEquals(0, files().skipCompletionPortOnSuccess(h));
        long doneAtOnce = -1;
        for (int i = 0; i < 100 && doneAtOnce < 0; i++) {
            long o = op(0);
            ByteBuffer dst = ByteBuffer.allocateDirect(4);
            long r = files().read(h, dst, 0, o);
            if (r >= 0) {
                noPacketFor(o);
                assertEquals(4, r);
                doneAtOnce = o;
            } else {
                assertEquals(PENDING, r);
                await(o);
            }
        }
        assertTrue(doneAtOnce >= 0, "no read of a 10-byte cached file completed at once in 100");
        assertFalse(packetCame(doneAtOnce), "a read done at once on a handle that skips the port posted a packet");
    }
}
