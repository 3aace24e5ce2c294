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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.iocp4j.Iocp;
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
        assertTrue(out().startsWith("usage: iocp4j <command> [options]" + System.lineSeparator()), out());
        for (String line : List.of("  demo ", "  bench ", "  diagnose ", "  help ", "-V, --version", "-h, --help",
                "exit status:", "2   bad arguments")) {
            assertTrue(out().contains(line), () -> line + " missing:\n" + out());
        }
        out.reset();
        assertEquals(0, run("demo", "--help"));
        assertTrue(out().startsWith("usage: iocp4j demo "), out());
        out.reset();
        assertEquals(0, run("demo", "--requests", "x", "--help"), "help wins over a bad value");
        assertTrue(out().startsWith("usage: iocp4j demo "), out());
        out.reset();
        assertEquals(0, run("help", "demo"));
        assertTrue(out().startsWith("usage: iocp4j demo "), out());
        assertEquals(0, run("-h"));
        assertEquals(0, run("help"));
        assertEquals("", err());
    }

    /**
     * Each subcommand's help names every option a user types today (README, docs/cli.md), each with its
     * default, and {@code help <command>} prints the same.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "demo --requests=N --work-ms=MS --threads=N --report=FILE --no-progress --walkthrough --help",
        "bench --only=echo|files --seconds=S --warmup=S --connections=N --message-size=B --in-flight=N"
                + " --file-size=MIB --dir=DIR --report=FILE --no-progress --help",
        "diagnose --pid=N --interval=MS --samples=N --workload=KIND --help",
    })
    void everyOptionIsInItsCommandsHelpWithItsDefault(String line) {
        List<String> words = List.of(line.split(" "));
        String command = words.get(0);
        assertEquals(0, run(command, "--help"));
        String help = out();
        out.reset();
        assertEquals(0, run("help", command));
        assertEquals(help, out(), "help " + command + " prints the same");
        assertTrue(help.startsWith("usage: iocp4j " + command + " "), help);
        String options = help.substring(help.indexOf("options:")).replace(System.lineSeparator(), "\n");
        for (String option : words.subList(1, words.size())) {
            int at = options.indexOf(" " + option + " ");
            assertTrue(at >= 0, () -> option + " undocumented:\n" + help);
            // Its description runs to the next option's line.
            String described = options.substring(at + option.length() + 1).split("\n\\s*-")[0];
            assertTrue(described.trim().length() > 10, () -> option + " has no description:\n" + help);
            assertTrue(option.equals("--help") || described.contains("(default: "),
                    () -> option + " gives no default:\n" + described);
        }
        if (command.equals("demo")) {
            assertTrue(options.contains("(default: 10)"), help);
            assertTrue(options.contains("(default: the CPUs, " + Runtime.getRuntime().availableProcessors() + " here)"), help);
        }
    }

    @Test
    void versionNamesTheToolsTheLibraryTheBackendAndTheJvm() {
        assertEquals(0, run("--version"), err());
        String[] lines = out().split("\\R");
        assertEquals(3, lines.length, out());
        assertTrue(lines[0].matches("iocp4j-tools \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), "filtered by Maven: " + lines[0]);
        assertTrue(lines[1].matches("iocp4j \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?, "
                + Iocp.backend().name().toLowerCase(Locale.ROOT) + " backend.*"), lines[1]);
        assertTrue(lines[2].startsWith("Java " + System.getProperty("java.version") + " ("), lines[2]);
        String version = out();
        out.reset();
        assertEquals(0, run("-V"));
        assertEquals(version, out());
        assertEquals("", err());
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        assertEquals(2, run("bnch"));
        List<String> lines = List.of(err().split("\\R"));
        assertEquals("iocp4j: Unmatched argument at index 0: 'bnch'", lines.get(0), err());
        assertEquals("Did you mean: iocp4j bench?", lines.get(1), err());
        assertTrue(err().contains("usage: iocp4j <command> [options]") && err().contains("  bench "),
                "then the commands: " + err());
        assertEquals("", out());
    }

    @Test
    void aMistypedOptionGetsASuggestionAndTheShortUsage() {
        assertEquals(2, run("bench", "--secnds", "3"));
        List<String> lines = List.of(err().split("\\R"));
        assertTrue(lines.get(0).startsWith("iocp4j bench: Unknown option"), err());
        assertTrue(lines.get(0).contains("'--secnds'"), err());
        assertEquals("Possible solutions: --seconds", lines.get(1), err());
        assertTrue(lines.get(2).startsWith("usage: iocp4j bench [-h] [--only=echo|files] [--seconds=S]"), err());
        assertEquals("Try 'iocp4j bench --help' for more information.", lines.get(lines.size() - 1), err());
        assertFalse(err().contains("show this help"), "the short usage, not the whole help: " + err());
        assertEquals("", out());
        err.reset();
        assertEquals(2, run("demo", "--request", "3"));
        assertTrue(err().contains("Possible solutions: --requests"), err());
        err.reset();
        assertEquals(0, run("demo", "--request", "3", "--help"), "help wins");
        assertTrue(out().startsWith("usage: iocp4j demo "), out());
        assertEquals("", err());
    }

    @Test
    void aValueOutOfRangeIsOneLineThenTheShortUsage() {
        assertEquals(2, run("bench", "--seconds", "0"));
        List<String> lines = List.of(err().split("\\R"));
        assertEquals("iocp4j bench: Invalid value for option '--seconds': must be between 1 and "
                + BenchCommand.MAX_SECONDS + ", not 0", lines.get(0));
        assertTrue(lines.get(1).startsWith("usage: iocp4j bench "), err());
        assertEquals("Try 'iocp4j bench --help' for more information.", lines.get(lines.size() - 1), err());
        assertEquals("", out(), "nothing ran");
    }

    /** A failure while running is status 1 and a message saying why, without a stack trace. */
    @Test
    void aFailureWhileRunningExits1WithAMessage() {
        String pid = Integer.toString(Integer.MAX_VALUE); // above any real process id
        assertEquals(1, run("diagnose", "--pid", pid, "--samples", "1"), out() + err());
        assertTrue(err().startsWith("iocp4j diagnose failed: java.lang.IllegalArgumentException: "), err());
        assertTrue(err().contains(pid), err());
        assertFalse(err().contains("\tat "), "no stack trace: " + err());
    }

    @Test
    void noArgumentsOrAnUnknownCommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err().startsWith("iocp4j: Missing required subcommand"), err());
        assertTrue(err().contains("usage: iocp4j <command> [options]") && err().contains("  bench "), err());
        err.reset();
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("'frobnicate'") && err().contains("usage: iocp4j"), err());
        err.reset();
        assertEquals(2, run("help", "frobnicate"));
        assertTrue(err().startsWith("iocp4j: Unknown subcommand 'frobnicate'"), err());
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
        assertTrue(err().contains(System.lineSeparator() + "usage: iocp4j demo "), err());
        assertTrue(err().endsWith("Try 'iocp4j demo --help' for more information." + System.lineSeparator()), err());
        assertEquals("", out(), "nothing ran");
    }

    @Test
    void optionsParseInBothForms() {
        DemoCommand.Options o = demoOptions("--requests", "7", "--work-ms=30", "--threads", "3",
                "--no-progress", "--report", dir.resolve("r.svg").toString());
        assertEquals(7, o.requests());
        assertEquals(30, o.workMs());
        assertEquals(3, o.threads());
        assertFalse(o.progress());
        assertEquals(dir.resolve("r.svg"), o.report());
        DemoCommand.Options defaults = demoOptions();
        assertEquals(10, defaults.requests());
        assertEquals(1000, defaults.workMs());
        assertEquals(Runtime.getRuntime().availableProcessors(), defaults.threads());
        assertTrue(defaults.progress());
        assertNull(defaults.report());
        assertFalse(defaults.walkthrough());
        assertTrue(demoOptions("--walkthrough").walkthrough());
    }

    /** demo's options as the command line the user runs parses and checks them, without running demo. */
    static DemoCommand.Options demoOptions(String... args) {
        return ((DemoCommand) parse("demo", args)).options();
    }

    /** The command object iocp4j's command line fills for {@code command args}, without running it. */
    static Object parse(String command, String... args) {
        List<String> line = new ArrayList<>(List.of(command));
        line.addAll(List.of(args));
        PrintStream none = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return Main.commandLine(new Streams(none, none, false)).parseArgs(line.toArray(new String[0]))
                .subcommand().commandSpec().userObject();
    }

    @Test
    void diagnoseRefusesBadArgumentsWithItsUsage() {
        assertEquals(2, run("diagnose", "--samples", "many"));
        assertEquals(2, run("diagnose", "--interval"));
        assertEquals(2, run("diagnose", "--interval", "0"));
        assertEquals(2, run("diagnose", "--workload", "explode"));
        assertEquals(2, run("diagnose", "--frobnicate"));
        assertEquals(2, run("diagnose", "--pid", "0"));
        assertEquals(2, run("diagnose", "--pid", "99999999999"));
        assertEquals(2, run("diagnose", "--samples", "-1"));
        err.reset();
        assertEquals(2, run("diagnose", "--pid", "1", "--workload", "leak"));
        assertTrue(err().startsWith("iocp4j diagnose: --workload runs in this process; it cannot go with --pid"), err());
        assertTrue(err().contains("usage: iocp4j diagnose"), err());
        assertEquals("", out(), "nothing ran");
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
