package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.iocp4j.tools.bench.BenchFile;
import org.iocp4j.tools.bench.Latencies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** A bench way's own JVM: rounds go there as lines, measurements and their latencies come back. */
class WayJvmTest {

    private static final long ROUND = TimeUnit.MILLISECONDS.toNanos(100);

    @TempDir
    Path dir;

    @Test
    void aRoundTravelsAsOneLine() {
        WayRound r = new WayRound(WayRound.Kind.files, "FileChannel", 4, 0, dir.resolve("a file"), 7, ROUND);
        WayRound back = WayRound.parse(r.toLine());
        assertEquals(r.toLine(), back.toLine());
        assertEquals("iocp4j-op", r.with("iocp4j-op", 0).impl);
        assertThrows(IllegalArgumentException.class, () -> WayRound.parse("echo\tiocp4j"));
    }

    @Test
    void argumentFilesQuoteBackslashesAndQuotes() {
        assertEquals("\"C:\\\\Program Files\\\\a \\\"b\\\".jar\"", WayJvm.quoted("C:\\Program Files\\a \"b\".jar"));
    }

    /**
     * Rounds measured in the way's JVM: every operation's latency comes back with it; a round that fails
     * there says why and leaves the JVM answering the next one.
     */
    @Test
    void roundsRunInTheWaysJvmAndAFailedRoundSaysWhy() throws Exception {
        Path file = dir.resolve("read me.bin");
        BenchFile.create(file, 1 << 20, null);
        WayRound round = new WayRound(WayRound.Kind.files, "FileChannel", 2, 0, file, 0, ROUND);
        try (WayJvm jvm = new WayJvm()) {
            Latencies latencies = new Latencies();
            WayRound.Result first = jvm.run(round, latencies);
            assertTrue(first.operations >= 1024, "a batch at least: " + first.operations);
            assertEquals(first.operations, latencies.count(), "every measured read's latency came back");
            assertTrue(first.nanos >= ROUND, "measured for the round's time: " + first.nanos);
            assertTrue(first.description.contains("FileChannel"), first.description);

            Path missing = dir.resolve("missing.bin");
            IOException failed = assertThrows(IOException.class,
                    () -> jvm.run(new WayRound(WayRound.Kind.files, "FileChannel", 2, 0, missing, 0, ROUND), latencies));
            assertTrue(failed.getMessage().contains("missing.bin"), failed.getMessage());

            WayRound.Result again = jvm.run(round.with("iocp4j-op", 0), latencies);
            assertTrue(again.operations >= 1024, "the JVM still answers: " + again.operations);
            assertEquals(first.operations + again.operations, latencies.count());
        }
    }

    /**
     * A way's JVM that stops answering mid-round (here: frozen with SIGSTOP) is ended once the round's time
     * and the margin are up, and says so: bench goes on instead of waiting forever.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    @Timeout(60) // without the watchdog the read of the answer never returns
    void aWayStuckInItsRoundIsEndedAndSaysSo() throws Exception {
        Path file = dir.resolve("read me.bin");
        BenchFile.create(file, 1 << 20, null);
        WayRound round = new WayRound(WayRound.Kind.files, "FileChannel", 1, 0, file, 0, ROUND);
        try (WayJvm jvm = new WayJvm(Duration.ofSeconds(3))) {
            jvm.run(round, new Latencies());
            Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(jvm.pid())).inheritIO().start();
            assertEquals(0, stop.waitFor());
            IOException stuck = assertThrows(IOException.class, () -> jvm.run(round, new Latencies()));
            assertTrue(stuck.getMessage().contains("did not answer within 3 s past its round's time, and was ended"),
                    stuck.getMessage());
        }
    }
}
