package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ProcessTelemetryTest {

    private static final int OPENED = 20;

    private interface Opener {
        List<AutoCloseable> open() throws Exception;
    }

    /**
     * The handle count before, with {@code OPENED} more open, and after closing them: must move by exactly
     * {@code OPENED} each way. Other JVM threads may open a descriptor meanwhile, so a disturbed round is
     * tried again (a few times), but a wrong count never passes.
     */
    private static void assertCountFollows(Opener opener) throws Exception {
        long[] last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            long before = ProcessTelemetry.sample().handles().value().getAsLong();
            List<AutoCloseable> opened = opener.open();
            long during = ProcessTelemetry.sample().handles().value().getAsLong();
            for (AutoCloseable c : opened) {
                c.close();
            }
            long after = ProcessTelemetry.sample().handles().value().getAsLong();
            if (during - before == OPENED && after == before) {
                return;
            }
            last = new long[] {before, during, after};
        }
        throw new AssertionError("the handle count did not follow " + OPENED + " opens and closes: "
                + Arrays.toString(last));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void fileDescriptorsRiseAndFallByWhatWasOpenedAndClosed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertTrue(ProcessTelemetry.sample().handles().source().startsWith("/proc/self/fd"));
        assertCountFollows(() -> {
            List<AutoCloseable> channels = new ArrayList<>();
            for (int i = 0; i < OPENED; i++) {
                channels.add(FileChannel.open(file, StandardOpenOption.READ));
            }
            return channels;
        });
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void linuxReportsResidentMemoryAndNoWindowsFigures() {
        ProcessTelemetry t = ProcessTelemetry.sample();
        assertEquals(ProcessHandle.current().pid(), t.pid());
        assertTrue(t.residentBytes().value().getAsLong() > 0, t.toString());
        for (ProcessTelemetry.Metric m : List.of(t.pagedPoolQuota(), t.nonPagedPoolQuota(), t.systemNonPagedPool())) {
            assertFalse(m.isAvailable(), m.toString());
            assertTrue(m.toString().contains("unavailable") && !m.toString().contains(" 0 "), m.toString());
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anotherProcessByPid() throws Exception {
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            ProcessTelemetry t = ProcessTelemetry.sample(child.pid());
            assertEquals(child.pid(), t.pid());
            assertTrue(t.handles().value().getAsLong() >= 0 && t.handles().source().equals("/proc/" + child.pid() + "/fd"),
                    t.toString());
        } finally {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessThatDoesNotExistIsAClearError() {
        assertThrows(IllegalArgumentException.class, () -> ProcessTelemetry.sample(0));
        assertThrows(IllegalArgumentException.class, () -> ProcessTelemetry.sample(-5));
        long unused = Integer.MAX_VALUE - 7;
        if (ProcessHandle.of(unused).isEmpty()) {
            assertThrows(IllegalArgumentException.class, () -> ProcessTelemetry.sample(unused));
        }
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void windowsHandleCountRisesAndFallsWithEvents() throws Exception {
        ProcessTelemetry t = ProcessTelemetry.sample();
        assertTrue(t.handles().isAvailable(), t.toString());
        assertCountFollows(() -> {
            List<AutoCloseable> events = new ArrayList<>();
            for (int i = 0; i < OPENED; i++) {
                WinNT.HANDLE h = Kernel32.INSTANCE.CreateEvent(null, true, false, null);
                events.add(() -> Kernel32.INSTANCE.CloseHandle(h));
            }
            return events;
        });
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void windowsReportsThePoolQuotasAndTheSystemNonPagedPool() {
        WineGap.POOL_COUNTERS.assumeShownOn(Backend.NATIVE);
        ProcessTelemetry t = ProcessTelemetry.sample();
        assertTrue(t.nonPagedPoolQuota().isAvailable() && t.systemNonPagedPool().isAvailable(), t.toString());
    }
}
