package org.iocp4j.internal.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.Backend;
import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.CompletionPortContract;
import org.iocp4j.PortClosedException;
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

    /** The key of the packets posted to the port opened right after a close: no old poller may see one. */
    private static final long NEW_PORT_KEY = 0x6E6577L;

    @Override
    protected CompletionPort openPort(int concurrency) throws IOException {
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

    /**
     * A poller that stays inside {@code poll} past close's grace (here the JVM stops it; on Windows the
     * concurrency limit can hold one back) may still call the kernel with the handle: close must leave
     * the handle open, and the last thread out closes it. Were it closed, the value would be handed to
     * the next port at once (Wine does so) and the poller would dequeue that port's packets.
     */
    @Test
    @SuppressWarnings({"deprecation", "removal"}) // Thread.suspend: the one way to hold a thread inside a call
    void aPollerHeldInsideAPollPastTheGraceKeepsTheHandleOpenUntilItLeaves() throws Exception {
        NativeCompletionPort port = (NativeCompletionPort) open(0);
        long handle = port.handle();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread poller = start("held-poller", () -> {
            try {
                Completion c = new Completion();
                outcome.set(port.poll(c, WATCHDOG_SECONDS, TimeUnit.SECONDS) ? c.key() : "timeout");
            } catch (PortClosedException e) {
                outcome.set(e);
            }
        });
        awaitWaiting(port, 1);
        // Takes effect when the poller comes back from the kernel: it then holds its place in the count.
        poller.suspend();
        try {
            port.close(); // returns after the grace, with the poller still counted
            assertFalse(port.isOpen());
            assertTrue(Win32Port.queueDepth0(handle) >= 0,
                    "close() closed the handle while a thread inside poll() could still pass it to the kernel");
        } finally {
            poller.resume();
        }
        NativeCompletionPort next = (NativeCompletionPort) open(0);
        next.post(NEW_PORT_KEY, 0, 0);
        join(poller);
        assertTrue(outcome.get() instanceof PortClosedException, () -> "the poller ended with " + outcome.get());
        assertTrue(Win32Port.queueDepth0(handle) < 0, "the last thread to leave closes the handle");
        Completion c = new Completion();
        assertTrue(next.poll(c, 0, TimeUnit.SECONDS), "the new port's packet was taken by a poller of the old one");
        assertEquals(NEW_PORT_KEY, c.key());
    }

    /**
     * Pollers in a loop with short timeouts (single and batch) while the port closes; a new port, likely
     * with the same handle value, is opened and posted to at once. No old poller may take its packets,
     * and each ends with {@link PortClosedException}.
     */
    @Test
    void pollersRacingACloseNeverReachTheNextPortThroughTheOldHandle() throws Exception {
        int rounds = 20;
        int pollers = 6;
        int packets = 16;
        for (int round = 0; round < rounds; round++) {
            NativeCompletionPort port = NativeCompletionPort.open(0);
            ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
            CountDownLatch polling = new CountDownLatch(pollers);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < pollers; i++) {
                boolean batch = i % 2 == 1;
                String name = "poller-" + round + "-" + i;
                threads.add(start(name, () -> {
                    Completion c = new Completion();
                    try (CompletionBatch b = CompletionBatch.allocate(4)) {
                        polling.countDown();
                        for (;;) {
                            if (batch) {
                                int n = port.poll(b, 1, TimeUnit.MILLISECONDS);
                                for (int k = 0; k < n; k++) {
                                    wrong.add(name + " took key " + b.key(k));
                                }
                            } else if (port.poll(c, 1, TimeUnit.MILLISECONDS)) {
                                wrong.add(name + " took key " + c.key());
                            }
                        }
                    } catch (PortClosedException expected) {
                        // the only way out of the loop
                    }
                }));
            }
            assertTrue(polling.await(WATCHDOG_SECONDS, TimeUnit.SECONDS));
            port.close();
            try (NativeCompletionPort next = NativeCompletionPort.open(0)) {
                for (int i = 0; i < packets; i++) {
                    next.post(NEW_PORT_KEY, i, 0);
                }
                for (Thread t : threads) {
                    join(t);
                }
                int roundNo = round;
                assertTrue(wrong.isEmpty(), () -> "round " + roundNo + ": old pollers took packets: " + wrong);
                int left = 0;
                Completion c = new Completion();
                while (next.poll(c, 0, TimeUnit.SECONDS)) {
                    left++;
                }
                assertEquals(packets, left, "round " + round + ": the new port lost packets");
            }
            started.removeAll(threads);
        }
    }
}
