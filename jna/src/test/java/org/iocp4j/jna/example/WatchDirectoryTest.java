package org.iocp4j.jna.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.sun.jna.Platform;
import org.iocp4j.Backend;
import org.iocp4j.Iocp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The README's example, run as a user would run it (its main's body, printing into a buffer). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchDirectoryTest {


    @Test
    void badArgumentsPrintTheUsageAndExit2() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        assertEquals(2, WatchDirectory.run(new String[0], out));
        assertEquals(2, WatchDirectory.run(new String[] {"a", "b"}, out));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("usage: WatchDirectory <directory>"));
    }

    @Test
    void itPrintsTheChangesOfTheDirectoryForTheSecondsAsked(@TempDir Path dir) throws Exception {
        assumeTrue(Platform.isWindows() && Iocp.isAvailable() && Iocp.backend() == Backend.NATIVE,
                "Windows-only API (ReadDirectoryChangesW through JNA): runs in the native leg and on Windows");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // synchronized: written by two threads
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return WatchDirectory.run(new String[] {dir.toString(), "--subtree", "--seconds", "4"}, out);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // The 4 s start once "watching" is printed, with the watch open.
        while (!bytes.toString(StandardCharsets.UTF_8).startsWith("watching") && !status.isDone()) {
            Thread.sleep(10);
        }
        Files.write(dir.resolve("new.txt"), new byte[1]);
        assertEquals(0, status.get(30, TimeUnit.SECONDS));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("watching " + dir.toAbsolutePath() + " and below for 4 s"), printed);
        assertTrue(printed.lines().anyMatch("CREATED new.txt"::equals), printed); // lines end in \r\n on Windows
    }
}
