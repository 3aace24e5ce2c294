package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.iocp4j.Iocp;
import org.iocp4j.tools.bench.EchoStack;
import org.iocp4j.tools.bench.FileReadStack;
import org.iocp4j.tools.bench.Latencies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** {@code iocp4j bench}: its arguments, and two short real runs that write each kind of report. */
class BenchCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpIsPrintedBothWays() {
        assertEquals(0, run("bench", "--help"));
        assertTrue(out().startsWith("usage: iocp4j bench "), out());
        String help = out();
        outBytes.reset();
        assertEquals(0, run("help", "bench"));
        assertEquals(help, out());
        outBytes.reset();
        assertEquals(0, run("--help"));
        assertTrue(out().contains("  bench "), "the command list names bench: " + out());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--bogus", "--only", "--only both", "--seconds 0", "--seconds 601", "--seconds two", "--warmup -1",
        "--connections 0", "--connections 1001", "--message-size 0", "--in-flight 0", "--file-size 0",
        "--no-progress=yes", "extra", "--dir /no/such/directory", "--report /no/such/directory/r.html", "--report ."
    })
    void badArgumentsPrintTheUsageAndExit2(String line) {
        assertEquals(2, run(("bench " + line).split(" ")));
        assertTrue(err().startsWith("iocp4j bench: "), err());
        assertEquals(1, err().lines().filter(l -> l.startsWith("iocp4j bench: ")).count(), "one message: " + err());
        assertTrue(err().contains("usage: iocp4j bench "), err());
        assertTrue(err().endsWith("Try 'iocp4j bench --help' for more information." + System.lineSeparator()), err());
        assertEquals("", out(), "nothing runs on a bad command line");
    }

    @Test
    void optionsParseInBothFormsWithDefaults() {
        BenchCommand.Options d = options();
        assertTrue(d.echo() && d.files());
        assertEquals(1, d.warmupSeconds());
        assertEquals(2, d.seconds());
        assertEquals(64, d.connections());
        assertEquals(64, d.messageSize());
        assertEquals(32, d.inFlight());
        assertEquals(256L << 20, d.fileSize());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")), d.dir());
        assertEquals(null, d.report());
        assertTrue(d.progress());
        assertFalse(d.sameJvm(), "each way in a JVM of its own unless asked");
        assertEquals(2 * (EchoStack.IMPLS.size() + FileReadStack.IMPLS.size()), d.runs(), "two cases per way");
        assertEquals(4, d.rounds(), "2 s measured in half-second rounds");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(500), d.roundNanos());
        assertEquals(2, options("--seconds=1").rounds());
        assertEquals(8, options("--seconds=600").rounds(), "at most 8 rounds");
        assertEquals(TimeUnit.SECONDS.toNanos(75), options("--seconds=600").roundNanos());

        BenchCommand.Options o = options("--only=echo", "--seconds", "3", "--warmup=0",
                "--connections", "8", "--message-size=16384", "--in-flight", "4", "--file-size=2",
                "--dir", dir.toString(), "--report", dir.resolve("r.svg").toString(), "--no-progress", "--same-jvm");
        assertTrue(o.echo());
        assertFalse(o.files());
        assertEquals(0, o.warmupSeconds());
        assertEquals(3, o.seconds());
        assertEquals(8, o.connections());
        assertEquals(16384, o.messageSize());
        assertEquals(4, o.inFlight());
        assertEquals(2L << 20, o.fileSize());
        assertEquals(dir, o.dir());
        assertEquals(dir.resolve("r.svg"), o.report());
        assertFalse(o.progress());
        assertTrue(o.sameJvm());
        assertEquals(2 * EchoStack.IMPLS.size(), o.runs());
        assertFalse(options("--only", "files").echo());
        assertTrue(options("--only", "files").files());
    }

    /** bench's options as the command line the user runs parses and checks them, without running bench. */
    private static BenchCommand.Options options(String... args) {
        return ((BenchCommand) MainTest.parse("bench", args)).options();
    }

    /** The echo half, for real, each way in a JVM of its own, with an SVG report: every way measured, charted and named. */
    @Test
    void echoRunsEveryWayAndWritesAnSvgReport() throws IOException {
        Path report = dir.resolve("bench.svg");
        int status = run("bench", "--only", "echo", "--seconds", "1", "--warmup", "0", "--connections", "4",
                "--report", report.toString(), "--no-progress");
        assertEquals(0, status, out() + err());
        assertEquals("", err());
        assertTableRows(out(), EchoStack.IMPLS, "echo, 1 connection, 64 B messages", "echo, 4 connections, 64 B messages");
        assertTrue(out().contains("1 s measured in 2 rounds interleaved with the other ways of its case"), out());
        assertTrue(out().startsWith("iocp4j bench: iocp4j beside the JDK's NIO, each way in a JVM of its own"), out());
        assertTrue(out().contains(backendRan()), "says which backend ran: " + out());
        assertTrue(out().contains("NIO Selector (") && out().contains("NIO.2 AsynchronousSocketChannel ("),
                "says which NIO ran: " + out());

        Element svg = Xhtml.parse(Files.readString(report, StandardCharsets.UTF_8)).getDocumentElement();
        assertEquals("svg", svg.getLocalName());
        // Nested in the document: the throughput chart, then a latency chart per case.
        assertEquals(3, Xhtml.elements(svg, Xhtml.SVG, "svg").size());
        assertEverySeriesCharted(svg, EchoStack.IMPLS, 2 + 2 * 5);
    }

    /** How the output names the backend this JVM runs (the portable one in Surefire, native in the Windows leg). */
    private static String backendRan() {
        return Iocp.backend().name().toLowerCase(Locale.ROOT) + " backend";
    }

    /** The file half, for real, every way in this JVM, with an HTML report. */
    @Test
    void filesRunEveryWayAndWriteAnHtmlReport() throws IOException {
        Path report = dir.resolve("bench.html");
        int status = run("bench", "--only", "files", "--seconds", "1", "--warmup", "0", "--file-size", "1",
                "--in-flight", "4", "--dir", dir.toString(), "--report", report.toString(), "--no-progress", "--same-jvm");
        assertEquals(0, status, out() + err());
        assertTrue(out().startsWith("iocp4j bench: iocp4j beside the JDK's NIO, every way in this JVM"), out());
        assertTableRows(out(), FileReadStack.IMPLS, "random 4 KiB reads, 1 in flight, 1 MiB file",
                "random 4 KiB reads, 4 in flight, 1 MiB file");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(report), files.collect(Collectors.toList()), "the read file is deleted after the run");
        }

        Document doc = Xhtml.parse(Files.readString(report, StandardCharsets.UTF_8));
        assertEquals("html", doc.getDocumentElement().getLocalName());
        List<Element> svgs = Xhtml.elements(doc, Xhtml.SVG, "svg");
        assertEquals(3, svgs.size(), "a throughput chart and a latency chart per case");
        assertEverySeriesCharted(doc.getDocumentElement(), FileReadStack.IMPLS, 2 + 2 * 5);
        String text = doc.getDocumentElement().getTextContent();
        for (String impl : FileReadStack.IMPLS) {
            assertTrue(text.contains(impl), impl + " missing from the page");
        }
        assertTrue(text.contains(backendRan()), text);
        assertTrue(text.contains("Latencies not corrected for coordinated omission: " + BenchCommand.CLOSED_LOOPS), text);
        assertTrue(out().contains("  latencies not corrected for coordinated omission: "), out());
        assertTrue(text.contains("Latency: " + Latencies.INTERVAL + "."), "the page says what a latency times");
        assertTrue(out().contains("  latency: " + Latencies.INTERVAL), out());
        assertTrue(out().contains(" in flight"), "the Little's law column: " + out());
        assertTrue(text.contains(BenchResults.IN_FLIGHT_NOTE.substring(1)), "and what it means");
    }

    /** A run that failed is a row saying why, in the text and the report, and draws no bar. */
    @Test
    void aFailedRunIsReportedNotCharted() {
        Latencies l = new Latencies();
        for (int i = 1; i <= 100; i++) {
            l.record(i * 1_000L);
        }
        BenchResults.Case c = new BenchResults.Case("echo", "echo, 1 connection, 64 B messages", "round trips", List.of(
                BenchResults.Row.measured("iocp4j", "iocp4j here", 1000, 1.0, l.snapshot()),
                BenchResults.Row.failed("nio-selector", "NIO Selector", "java.io.IOException: boom"),
                BenchResults.Row.measured("nio2-async", "NIO.2 here", 3000, 1.0, l.snapshot())));
        BenchResults results = new BenchResults(Results.Machine.current(), "test settings", "latencies test note", List.of(c));
        assertTrue(results.anyFailed());
        assertEquals(3.0, c.relative(c.rows().get(2)), 1e-9);
        assertEquals("nio2-async", c.bestBaseline().impl());
        // HdrHistogram keeps 3 significant digits: within 0.1%.
        assertEquals(50.0, c.rows().get(0).latencyMicros()[0], 50.0 * 1e-3, "p50 of 1..100 us");
        assertEquals(100.0, c.rows().get(0).latencyMicros()[4], 100.0 * 1e-3, "max");

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        BenchResults.printCase(new PrintStream(text, true, StandardCharsets.UTF_8), c);
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("nio-selector failed: java.io.IOException: boom"), text::toString);

        Document doc = Xhtml.parse(new BenchReport(results).html());
        assertTrue(doc.getDocumentElement().getTextContent().contains("failed: java.io.IOException: boom"));
        assertTrue(doc.getDocumentElement().getTextContent().contains("Latencies test note."), "the report says how latencies were corrected");
        List<String> bars = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "rect").stream()
                .filter(r -> "bar".equals(r.getAttribute("class")))
                .flatMap(r -> Xhtml.elements(r, Xhtml.SVG, "title").stream()).collect(Collectors.toList()));
        assertEquals(0, bars.stream().filter(t -> t.startsWith("nio-selector, ")).count(), bars.toString());
        assertEquals(1 + 5, bars.stream().filter(t -> t.startsWith("nio2-async, ")).count(), bars.toString());
    }

    /** Each case's table has a row for every way, with a positive throughput. */
    private static void assertTableRows(String out, List<String> impls, String... cases) {
        for (String title : cases) {
            int at = out.indexOf(title + " (");
            assertTrue(at >= 0, title + " missing: " + out);
            String[] lines = out.substring(at).split("\n");
            for (int k = 0; k < impls.size(); k++) {
                String[] cells = lines[2 + k].trim().split("\\s+");
                assertEquals(impls.get(k), cells[0], lines[2 + k]);
                assertTrue(Double.parseDouble(cells[1].replace(",", "")) > 0, lines[2 + k]);
            }
        }
    }

    /**
     * Every way is in every chart's legend, and has {@code bars} bars (each with its tooltip) across the
     * charts: its throughput in each case, and its percentiles in each case's latency chart.
     */
    private static void assertEverySeriesCharted(Element root, List<String> impls, int bars) {
        List<Element> charts = Xhtml.elements(root, Xhtml.SVG, "svg");
        for (Element chart : charts) {
            List<String> texts = Xhtml.texts(Xhtml.elements(chart, Xhtml.SVG, "text"));
            for (String impl : impls) {
                assertTrue(texts.contains(impl), () -> impl + " missing from a legend: " + texts);
            }
            List<String> captions = Xhtml.texts(Xhtml.elements(chart, Xhtml.SVG, "g").stream()
                    .filter(g -> "caption-item".equals(g.getAttribute("class"))).collect(Collectors.toList()));
            assertEquals(impls.size(), captions.size(), captions::toString);
            for (int k = 0; k < impls.size(); k++) {
                String expected = impls.get(k) + ": " + (k == 0 ? "under test: " : "baseline: ");
                assertTrue(captions.get(k).startsWith(expected), () -> expected + " missing from the caption: " + captions);
            }
            List<String> ticks = Xhtml.texts(Xhtml.elements(chart, Xhtml.SVG, "text").stream()
                    .filter(t -> "tick".equals(t.getAttribute("class"))).collect(Collectors.toList()));
            for (String tick : ticks) {
                assertTrue(tick.matches("0|[0-9.]+( k| M| G| ns| \u00B5s| ms| s)?"), "a formatted tick: " + tick);
                assertTrue(tick.replaceAll("[^0-9]", "").length() <= 3, "at most 3 digits: " + tick);
            }
            boolean latency = texts.stream().anyMatch(t -> t.endsWith(": latency (lower is better)"));
            if (latency) {
                assertTrue(texts.stream().anyMatch(t -> t.endsWith("(log scale)")), "a latency chart is logarithmic");
                assertTrue(ticks.stream().allMatch(t -> t.matches("1(0|00)? (ns|\u00B5s|ms|s)")), "decade ticks: " + ticks);
            }
        }
        List<String> tooltips = Xhtml.texts(Xhtml.elements(root, Xhtml.SVG, "rect").stream()
                .filter(r -> "bar".equals(r.getAttribute("class")))
                .flatMap(r -> Xhtml.elements(r, Xhtml.SVG, "title").stream()).collect(Collectors.toList()));
        for (String impl : impls) {
            long n = tooltips.stream().filter(t -> t.startsWith(impl + ", ")).count();
            assertEquals(bars, n, impl + ": " + tooltips);
        }
    }
}
