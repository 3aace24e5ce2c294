package org.iocp4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;


import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;
import org.iocp4j.CompletionPortContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The contract on the Win32 port. Runs on Windows only (AppVeyor); the DLL's own C suite runs under Wine too. */
@EnabledOnOs(OS.WINDOWS)
class NativeCompletionPortTest extends CompletionPortContract {

    /**
     * How long a thread counted as waiting may still need to reach the kernel wait. The count is taken
     * just before the JNI call, so it runs slightly ahead; this only orders the test's threads, it
     * asserts nothing about time.
     */
    private static final long ENTER_KERNEL_MILLIS = 200;

    @Override
    protected CompletionPort openPort(int concurrency) throws java.io.IOException {
        return NativeCompletionPort.open(concurrency);
    }

    @Override
    protected void awaitWaiting(CompletionPort port, int n) throws InterruptedException {
        awaitAtLeast(((NativeCompletionPort) port)::waitingThreads, n);
        Thread.sleep(ENTER_KERNEL_MILLIS);
    }

    @Test
    void itIsTheNativeBackend() throws Exception {
        try (NativeCompletionPort port = NativeCompletionPort.open(0)) {
            assertEquals(Backend.NATIVE, port.backend());
            assertEquals(Runtime.getRuntime().availableProcessors(), port.concurrency());
        }
    }
}
