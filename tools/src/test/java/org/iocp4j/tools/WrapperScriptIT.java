package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/iocp4j} as a user puts it on the PATH: a copy of the script in a checkout whose path has a
 * space, reached through a chain of symlinks (one relative, one absolute) from a bin folder, run from a
 * third folder. A fake {@code mvn} first on the PATH stands in for the build, so the test takes seconds and
 * shows when the script builds, and from where. Failsafe runs it after {@code package}, naming the script
 * in {@code iocp4j.script} and the runnable jar in {@code iocp4j.tools.jar}.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "a bash script with symlinks; scripts/iocp4j.cmd is Windows'")
class WrapperScriptIT {

    private static final String JAR_NAME = "iocp4j-tools-0.1.0-SNAPSHOT.jar";
    private static final FileTime LONG_AGO = FileTime.from(Instant.parse("2001-01-01T00:00:00Z"));

    @TempDir
    Path temp;

    private Path checkout;
    private Path jar;
    private Path bin;
    private Path cwd;
    private Path mvnLog;

    @BeforeEach
    void layOutACheckoutAndLinks() throws IOException {
        String script = System.getProperty("iocp4j.script");
        String built = System.getProperty("iocp4j.tools.jar");
        assertNotNull(script, "iocp4j.script names scripts/iocp4j (set by the pom)");
        assertNotNull(built, "iocp4j.tools.jar names the runnable jar (set by the pom)");
        checkout = temp.resolve("a checkout");
        Path scripts = Files.createDirectories(checkout.resolve("scripts"));
        Files.copy(Path.of(script), scripts.resolve("iocp4j"));
        // The sources the script compares the jar with, older than it.
        for (String dir : List.of("src", "tools/src")) {
            Files.setLastModifiedTime(Files.createDirectories(checkout.resolve(dir)), LONG_AGO);
        }
        for (String pom : List.of("pom.xml", "tools/pom.xml")) {
            Files.setLastModifiedTime(Files.writeString(checkout.resolve(pom), "<project/>"), LONG_AGO);
        }
        jar = Files.createDirectories(checkout.resolve("tools/target")).resolve(JAR_NAME);
        Files.copy(Path.of(built), jar);

        // bin/iocp4j -> ../links/iocp4j (relative) -> <checkout>/scripts/iocp4j (absolute)
        Path links = Files.createDirectories(temp.resolve("links"));
        Files.createSymbolicLink(links.resolve("iocp4j"), scripts.resolve("iocp4j"));
        bin = Files.createDirectories(temp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("iocp4j"), Path.of("..", "links", "iocp4j"));

        // The fake mvn logs where it ran and with what, and "builds" the jar when asked to package tools/.
        mvnLog = temp.resolve("mvn.log");
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, String.join("\n",
                "#!/usr/bin/env bash",
                "echo \"$PWD | $*\" >> '" + mvnLog + "'",
                "case \"$*\" in *tools/pom.xml*) mkdir -p tools/target && cp '" + built + "' tools/target/ ;; esac",
                ""));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        cwd = Files.createDirectories(temp.resolve("work"));
    }

    private Command iocp4j(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "export PATH=\"$1:$PATH\"; shift; exec iocp4j \"$@\"",
                "iocp4j", bin.toString()));
        command.addAll(Arrays.asList(args));
        return Command.run(cwd, command);
    }

    private List<String> mvnCalls() throws IOException {
        return Files.exists(mvnLog) ? Files.readAllLines(mvnLog, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void throughLinksItRunsTheJarInTheCallersFolder() throws Exception {
        Command r = iocp4j("demo", "--requests", "2", "--work-ms", "5", "--no-progress", "--report", "my report.svg");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.first().startsWith("iocp4j demo: 2 CPU-bound requests"), r::toString);
        Path report = cwd.resolve("my report.svg").toRealPath();
        assertEquals("report written to " + report, r.last(), r::toString);
        assertFalse(Files.exists(checkout.resolve("my report.svg")), "not into the checkout");
        assertEquals(List.of(), mvnCalls(), "a fresh jar is not rebuilt");
    }

    @Test
    void theExitStatusPassesThrough() throws Exception {
        Command r = iocp4j("bench", "--seconds", "0");
        assertEquals(2, r.status, r::toString);
        assertTrue(r.err.startsWith("iocp4j bench: Invalid value for option '--seconds': must be between 1 and"), r::toString);
    }

    @Test
    void aMissingJarIsBuiltInTheCheckoutFirst() throws Exception {
        Files.delete(jar);
        Command r = iocp4j("--help");
        assertEquals(0, r.status, r::toString);
        assertEquals("usage: iocp4j <command> [options]", r.first(), r::toString);
        List<String> calls = mvnCalls();
        assertEquals(2, calls.size(), calls::toString);
        String root = checkout.toRealPath().toString();
        assertTrue(calls.get(0).startsWith(root + " | ") && calls.get(0).endsWith(" install"), calls::toString);
        assertTrue(calls.get(1).startsWith(root + " | ") && calls.get(1).contains("-f tools/pom.xml package"), calls::toString);
    }

    @Test
    void aJarOlderThanTheSourcesIsRebuilt() throws Exception {
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2002-01-01T00:00:00Z")));
        Files.setLastModifiedTime(checkout.resolve("tools/pom.xml"), FileTime.from(Instant.now()));
        Command r = iocp4j("--help");
        assertEquals(0, r.status, r::toString);
        assertEquals(2, mvnCalls().size(), mvnCalls()::toString);
    }
}
