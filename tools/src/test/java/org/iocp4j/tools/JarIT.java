package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as a user meets it: copied alone into a folder whose name has a space, run with
 * {@code java -jar} from another folder, every command. Failsafe runs it after {@code package}, naming the
 * jar in {@code iocp4j.tools.jar}.
 */
class JarIT {

    private static final String DLL = "META-INF/native/windows-x86_64/iocp4j.dll";

    @TempDir
    static Path temp;

    private static Path jar;
    private static Path cwd;

    @BeforeAll
    static void copyTheJarAlone() throws IOException {
        String built = System.getProperty("iocp4j.tools.jar");
        assertNotNull(built, "iocp4j.tools.jar names the runnable jar (set by the pom)");
        Path alone = Files.createDirectories(temp.resolve("only the jar"));
        jar = Files.copy(Path.of(built), alone.resolve(Path.of(built).getFileName()));
        cwd = Files.createDirectories(temp.resolve("cwd"));
    }

    private static Command java(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(Arrays.asList(args));
        return Command.run(cwd, command);
    }

    @Test
    void theJarCarriesTheLibraryItsDllAndTheCommand() throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            assertEquals("org.iocp4j.tools.Main", j.getManifest().getMainAttributes().getValue("Main-Class"));
            assertEquals(null, j.getManifest().getMainAttributes().getValue("Class-Path"), "nothing beside the jar");
            assertEquals("ALL-UNNAMED", j.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
            for (String entry : List.of("org/iocp4j/IoDispatcher.class", "org/slf4j/LoggerFactory.class",
                    "org/HdrHistogram/Histogram.class", "picocli/CommandLine.class", "org/iocp4j/tools/Main.class")) {
                assertNotNull(j.getEntry(entry), entry);
            }
            // The DLL is there whenever the library was built with it (not with -Diocp4j.native.skip=true).
            if (JarIT.class.getClassLoader().getResource(DLL) != null) {
                assertNotNull(j.getEntry(DLL), DLL);
            }
        }
    }

    @Test
    void helpPrintsTheUsage() throws Exception {
        Command r = java("--help");
        assertEquals(0, r.status, r::toString);
        assertEquals("usage: iocp4j <command> [options]", r.first(), r::toString);
        assertEquals("", r.err, "nothing on stderr, SLF4J's notices included");
    }

    @Test
    void theWalkthroughRunsTheLibrary() throws Exception {
        Command r = java("demo", "--walkthrough");
        assertEquals(0, r.status, r::toString);
        assertEquals("iocp4j demo --walkthrough", r.first(), r::toString);
        assertTrue(r.out.stream().anyMatch(l -> l.contains("posting to the closed port: PortClosedException")), r::toString);
        assertEquals("", r.err, "nothing on stderr, SLF4J's notices included");
    }

    /** The shortest demo, its report named relative to the working directory: it lands there. */
    @Test
    void theDemoWritesItsReportIntoTheWorkingDirectory() throws Exception {
        Command r = java("demo", "--requests", "2", "--work-ms", "5", "--no-progress", "--report", "demo.svg");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.first().startsWith("iocp4j demo: 2 CPU-bound requests of 5 ms each"), r::toString);
        Path report = cwd.resolve("demo.svg").toRealPath();
        assertTrue(Files.size(report) > 0, report.toString());
        assertEquals("report written to " + report, r.last(), r::toString);
        assertEquals("", r.err, "nothing on stderr, SLF4J's notices included");
    }

    /**
     * The thin jar Maven installs names picocli in its pom, as it names the library: a user of the artifact
     * gets it, and the runnable jar above carries it.
     */
    @Test
    void theThinJarDeclaresPicocli() throws IOException {
        String thin = System.getProperty("iocp4j.tools.thin.jar");
        assertNotNull(thin, "iocp4j.tools.thin.jar names the installed jar (set by the pom)");
        try (JarFile j = new JarFile(thin)) {
            assertEquals(null, j.getEntry("picocli/CommandLine.class"), "thin: picocli beside it, not in it");
            String pom = new String(j.getInputStream(j.getEntry("META-INF/maven/org.iocp4j/iocp4j-tools/pom.xml"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(pom.contains("<groupId>info.picocli</groupId>") && pom.contains("<artifactId>picocli</artifactId>"),
                    pom);
        }
    }

    @Test
    void versionNamesTheToolsAndTheLibraryAsBuilt() throws Exception {
        Command r = java("--version");
        assertEquals(0, r.status, r::toString);
        assertEquals("iocp4j-tools " + System.getProperty("iocp4j.tools.version"), r.first(), r::toString);
        assertTrue(r.out.get(1).startsWith("iocp4j " + System.getProperty("iocp4j.version") + ", "), r::toString);
        assertTrue(r.last().startsWith("Java "), r::toString);
        assertEquals("", r.err, "nothing on stderr, SLF4J's notices included");
    }

    @Test
    void benchHelpPrintsItsUsage() throws Exception {
        Command r = java("bench", "--help");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.first().startsWith("usage: iocp4j bench [-h] [--only=echo|files] [--seconds=S]"), r::toString);
        assertTrue(r.out.stream().anyMatch(l -> l.trim().startsWith("--seconds=S ") && l.contains("(default: 2)")),
                r::toString);
    }

    @Test
    void aMistypedCommandGetsASuggestion() throws Exception {
        Command r = java("bnch");
        assertEquals(2, r.status, r::toString);
        assertTrue(r.err.contains("Did you mean: iocp4j bench?"), r::toString);
        assertEquals(List.of(), r.out, r::toString);
    }

    /** The shortest bench (one half, a second per run): HdrHistogram and the workloads are in the jar. */
    @Test
    void benchRunsAndWritesItsReportIntoTheWorkingDirectory() throws Exception {
        Command r = java("bench", "--only", "files", "--seconds", "1", "--warmup", "0", "--file-size", "1",
                "--in-flight", "2", "--no-progress", "--report", "bench.html");
        assertEquals(0, r.status, r::toString);
        assertEquals("iocp4j bench: iocp4j beside the JDK's NIO, each way in a JVM of its own (started like this one)", r.first(), r::toString);
        Path report = cwd.resolve("bench.html").toRealPath();
        assertEquals("report written to " + report, r.last(), r::toString);
        assertEquals("", r.err, "nothing on stderr, SLF4J's notices included");
    }

    @Test
    void diagnoseWatchesItsOwnWorkload() throws Exception {
        Command r = java("diagnose", "--samples", "2", "--interval", "100", "--workload", "leak");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.first().startsWith("watching process "), r::toString);
        assertTrue(r.last().startsWith("workload leak: 8 files left open"), r::toString);
    }

    @Test
    void diagnoseHelpPrintsItsUsage() throws Exception {
        Command r = java("diagnose", "--help");
        assertEquals(0, r.status, r::toString);
        assertTrue(r.first().startsWith("usage: iocp4j diagnose "), r::toString);
    }

    @Test
    void aBadArgumentExitsWith2() throws Exception {
        Command r = java("bench", "--seconds", "0");
        assertEquals(2, r.status, r::toString);
        assertTrue(r.err.startsWith("iocp4j bench: Invalid value for option '--seconds': must be between 1 and"),
                r::toString);
    }
}
