package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.iocp4j.internal.jfr.DispatcherEvents;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dispatcher's Flight Recorder events. Every use of {@code jdk.jfr} sits in {@link Recorder} (imports
 * load nothing; a lambda over a JFR type would, through its synthetic method), so this class loads (and skips with its reason) in a runtime without the module, such as the Windows JDK 11 the
 * native leg runs in; there the rest of the suite is the proof that the library works without it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IoDispatcherJfrTest {

    @BeforeAll
    static void needsFlightRecorder() {
        Assumptions.assumeTrue(DispatcherEvents.available(),
                "this runtime has no jdk.jfr module: iocp4j's events are off there, nothing to record");
    }

    @Test
    void rejectedPostsAreFlightRecorderEvents(@TempDir Path dir) throws Exception {
        List<String> events = Recorder.record(dir.resolve("iocp4j.jfr"), "org.iocp4j.RejectedPost", () -> {
            try (IoDispatcher d = IoDispatcher.builder().name("jfr-test").threads(1).capacity(1).jmx(false).build()) {
                CountDownLatch release = IoDispatcherDiagnosticsTest.block(d);
                d.execute(() -> { });
                assertThrows(RejectedExecutionException.class, () -> d.execute(() -> { }));
                release.countDown();
            }
        });
        assertTrue(events.contains("org.iocp4j.RejectedPost jfr-test OPERATIONS"), events.toString());
    }

    @Test
    void withoutARecordingTheEventsAreOff() {
        assertFalse(DispatcherEvents.rejectedPostEnabled());
    }

    /** What a recording saw, as "type dispatcher bound" lines; the only code here that uses jdk.jfr. */
    private static final class Recorder {

        interface Body {
            void run() throws Exception;
        }

        static List<String> record(Path file, String event, Body body) throws Exception {
            try (Recording recording = new Recording()) {
                recording.enable(event);
                recording.start();
                body.run();
                recording.stop();
                recording.dump(file);
            }
            List<String> seen = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                seen.add(e.getEventType().getName() + " " + e.getString("dispatcher") + " " + e.getString("bound"));
            }
            return seen;
        }
    }
}
