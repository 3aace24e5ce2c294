package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;

class MainTest {

    private static final List<String> WAYS = List.of("one thread", "thread per request", "I/O completion port", "thread pool");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoRunsEndToEndAndWritesAnHtmlReport() throws IOException {
        Path report = dir.resolve("tmp.html");
        assertEquals(0, run("demo", "--requests", "4", "--work-ms", "20", "--report", report.toString(), "--no-progress"), err());
        String text = out();
        for (String way : WAYS) {
            assertTrue(text.contains(") " + way + ": "), () -> way + " has no table:\n" + text);
        }
        assertEquals(4, text.split("\n {2}request {2}thread").length - 1, text);
        assertTrue(text.contains("summary: ideal = requests finishing in waves of"), text);
        assertTrue(text.contains("the same for every way"), text);
        assertTrue(text.contains("claim: "), text);
        assertTrue(text.contains("on this run: "), text);
        assertTrue(text.contains("report written to " + report), text);
        assertFalse(err().contains("requests, "), "--no-progress draws no bar: " + err());
        ReportTest.assertHtmlReport(Xhtml.parse(Files.readString(report, StandardCharsets.UTF_8)), WAYS, 4);
    }

    @Test
    void aSvgReportIsAChart() throws IOException {
        Path report = dir.resolve("chart.svg");
        assertEquals(0, run("demo", "--requests=3", "--work-ms=5", "--threads=1", "--report=" + report, "--no-progress"), err());
        assertTrue(out().contains("The port's concurrency was 1, not the CPU count.")
                || Runtime.getRuntime().availableProcessors() == 1 || out().contains("not testable"), out());
        Element svg = Xhtml.parse(Files.readString(report, StandardCharsets.UTF_8)).getDocumentElement();
        assertEquals("svg", svg.getLocalName());
        ReportTest.assertChartHasEveryRequest(svg, WAYS, 3);
    }

    /**
     * A relative report name is relative to where the command runs (the JVM's working directory), and the
     * message names the file absolutely, so it opens from there: it used to repeat the relative name, which
     * the wrapper's {@code cd} into the repository made wrong. JarIT runs the same from a temporary folder.
     */
    @Test
    void aRelativeReportLandsInTheWorkingDirectoryAndTheMessageSaysWhere() throws IOException {
        Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Files.createDirectories(cwd.resolve("target"));
        String relative = "target/../target/MainTest-relative-report.svg";
        Path expected = cwd.resolve("target").resolve("MainTest-relative-report.svg");
        Files.deleteIfExists(expected);
        try {
            assertEquals(0, run("demo", "--requests", "2", "--work-ms", "5", "--report", relative, "--no-progress"), err());
            assertTrue(Files.isRegularFile(expected), expected + " was not written");
            assertTrue(out().contains("report written to " + expected + System.lineSeparator())
                    || out().contains("report written to " + expected + "\n"), out());
        } finally {
            Files.deleteIfExists(expected);
        }
    }

    @Test
    void theWalkthroughShowsEveryOutcome() {
        assertEquals(0, run("demo", "--walkthrough"), err());
        String text = out();
        assertTrue(text.contains("single poll:  Completion[key=0x1"), text);
        assertTrue(text.contains("batch poll took 4 packets"), text);
        assertTrue(text.contains("timed out"), text);
        assertTrue(text.contains("released by close()"), text);
        assertTrue(text.contains("PortClosedException, error 6"), text);
    }

    @Test
    void helpForTheCommandAndForDemo() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: iocp4j <command>"), out());
        assertTrue(out().contains("demo"), out());
        out.reset();
        assertEquals(0, run("demo", "--help"));
        assertTrue(out().startsWith("usage: iocp4j demo"), out());
        for (String option : List.of("--requests N", "--work-ms MS", "--threads N", "--report FILE", "--no-progress",
                "--walkthrough", "--help")) {
            assertTrue(out().contains(option), () -> option + " undocumented:\n" + out());
        }
        out.reset();
        assertEquals(0, run("demo", "--requests", "x", "--help"), "help wins over a bad value");
        assertEquals(0, run("help", "demo"));
        assertEquals(0, run("-h"));
        assertEquals("", err());
    }

    @Test
    void noArgumentsOrAnUnknownCommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err().startsWith("usage: iocp4j"), err());
        err.reset();
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'") && err().contains("usage: iocp4j"), err());
        err.reset();
        assertEquals(2, run("help", "frobnicate"));
        assertEquals("", out());
    }

    @ParameterizedTest(name = "demo {0}")
    @ValueSource(strings = {
        "--frobnicate",            // unknown flag
        "--requests",              // missing value at the end
        "--requests --work-ms 5",  // missing value before the next flag
        "--requests ten",          // not a number
        "--requests 0",            // not positive
        "--requests -3",
        "--requests 1.5",
        "--requests 99999999999",  // too many
        "--work-ms 0",
        "--work-ms abc",
        "--threads 0",
        "--report",
        "--report=",
        "--report /no/such/directory/report.html",
        "--no-progress=yes",
        "stray",
        "--walkthrough --requests 3",
    })
    void badDemoArgumentsPrintTheUsageAndExit2(String line) {
        String[] args = ("demo " + line).split(" ");
        assertEquals(2, run(args), () -> line + " accepted: " + out());
        assertTrue(err().startsWith("iocp4j demo: "), err());
        assertTrue(err().contains("usage: iocp4j demo"), err());
        assertEquals("", out(), "nothing ran");
    }

    @Test
    void optionsParseInBothForms() throws CliArgs.UsageException {
        DemoCommand.Options o = DemoCommand.parse(List.of("--requests", "7", "--work-ms=30", "--threads", "3",
                "--no-progress", "--report", dir.resolve("r.svg").toString()));
        assertEquals(7, o.requests());
        assertEquals(30, o.workMs());
        assertEquals(3, o.threads());
        assertFalse(o.progress());
        assertEquals(dir.resolve("r.svg"), o.report());
        DemoCommand.Options defaults = DemoCommand.parse(List.of());
        assertEquals(10, defaults.requests());
        assertEquals(1000, defaults.workMs());
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.threads());
        assertTrue(defaults.progress());
        assertNull(defaults.report());
        assertFalse(defaults.walkthrough());
    }

    @Test
    void diagnoseRefusesBadArgumentsWithItsUsage() {
        assertEquals(2, run("diagnose", "--samples", "many"));
        assertEquals(2, run("diagnose", "--interval"));
        assertEquals(2, run("diagnose", "--interval", "0"));
        assertEquals(2, run("diagnose", "--workload", "explode"));
        assertEquals(2, run("diagnose", "--frobnicate"));
        assertEquals(2, run("diagnose", "--pid", "1", "--workload", "leak"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: iocp4j diagnose"));
        assertEquals(0, run("diagnose", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--workload"));
    }

    @Test
    void diagnoseFlagsALeakThatGrowsAtEveryInterval() {
        assertEquals(0, run("diagnose", "--samples", "7", "--interval", "20", "--workload", "leak"), err::toString);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("outstanding"), text);
        assertTrue(text.contains("GROWING: handles") && text.contains("outstanding"), text);
        assertTrue(text.contains("300 OVERLAPPEDs never freed"), text);
    }

    @Test
    void diagnoseShowsAFloodStayingInsideItsBound() {
        assertEquals(0, run("diagnose", "--samples", "3", "--interval", "10", "--workload", "flood"), err::toString);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("workload flood: 1000 tasks accepted, 199000 rejected at the bound of 1000; the task queue stayed at 1000, the port at 1 packet(s)"), text);
    }
}
