package org.iocp4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import javax.xml.parsers.DocumentBuilderFactory;

import org.iocp4j.tools.SvgChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * JMH JSON to charts, on a real JMH output ({@code echo-sample.json}: {@code EchoBenchmark} throughput and
 * SampleTime, one iteration, raw data stripped) and on one shaped like it with secondary metrics
 * ({@code secondary-sample.json}: a group benchmark's counters, {@code -prof gc}).
 */
class JmhChartsTest {

    private static final String SVG = "http://www.w3.org/2000/svg";

    @TempDir
    Path dir;

    private static List<JmhCharts.Result> sample(String name) throws IOException {
        try (Reader r = new InputStreamReader(Objects.requireNonNull(JmhChartsTest.class.getResourceAsStream("/" + name)),
                StandardCharsets.UTF_8)) {
            return JmhCharts.read(r);
        }
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
    }

    private static List<String> texts(Element root, String name) {
        NodeList nodes = root.getElementsByTagNameNS(SVG, name);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent());
        }
        return texts;
    }

    @Test
    void throughputAndPercentilesOfEveryImplAreCharted() throws Exception {
        List<JmhCharts.Result> results = sample("echo-sample.json");
        assertEquals(6, results.size());
        Map<String, SvgChart> charts = JmhCharts.charts(results, "2 CPUs, test");
        assertEquals(List.of("EchoBenchmark.throughput", "EchoBenchmark.latency_connections=1_messageSize=64"),
                List.copyOf(charts.keySet()));
        for (SvgChart chart : charts.values()) {
            Element svg = parse(chart.toSvg()).getDocumentElement();
            List<String> legend = texts(svg, "text");
            List<String> tooltips = texts(svg, "title");
            for (String impl : List.of("iocp4j", "nio-selector", "nio2-async")) {
                assertTrue(legend.contains(impl), impl + " not in the legend: " + legend);
                assertTrue(tooltips.stream().anyMatch(t -> t.startsWith(impl + ", ")), impl + ": " + tooltips);
            }
            assertTrue(legend.contains("2 CPUs, test"), "the machine is named: " + legend);
        }
        Element latency = parse(charts.get("EchoBenchmark.latency_connections=1_messageSize=64").toSvg()).getDocumentElement();
        List<String> tooltips = texts(latency, "title");
        for (String p : List.of("p50", "p90", "p99", "p99.9")) {
            assertTrue(tooltips.stream().anyMatch(t -> t.startsWith("nio2-async, " + p + ": ")), p + ": " + tooltips);
        }
        // The sample's p50 for nio2-async, as JMH computed it.
        assertTrue(tooltips.contains("nio2-async, p50: 104 us/op"), tooltips.toString());
    }

    @Test
    void aGroupBenchmarkIsChartedByItsCounterAndGcByBytesPerOperation() throws Exception {
        List<JmhCharts.Result> results = sample("secondary-sample.json");
        Map<String, SvgChart> charts = JmhCharts.charts(results, "");
        assertEquals(List.of("PortBenchmark.handOff_received", "DispatcherBenchmark.onePoster",
                "DispatcherBenchmark.onePoster_gc.alloc.rate.norm"), List.copyOf(charts.keySet()));
        List<String> handOff = texts(parse(charts.get("PortBenchmark.handOff_received").toSvg()).getDocumentElement(), "title");
        assertTrue(handOff.contains("port-batch, handOff:received: 21,500,000 \u00B1 200,000 ops/s"), handOff.toString());
        List<String> gc = texts(parse(charts.get("DispatcherBenchmark.onePoster_gc.alloc.rate.norm").toSvg())
                .getDocumentElement(), "title");
        assertTrue(gc.contains("ThreadPoolExecutor, onePoster:gc.alloc.rate.norm: 24.0 B/op (no error: one iteration)"),
                gc.toString());

        String md = JmhCharts.markdown(results, "");
        assertTrue(md.contains("| PortBenchmark.handOff:received | - | port-batch | 21,500,000 \u00B1 200,000 | ops/s |"), md);
        assertTrue(md.contains("| DispatcherBenchmark.onePoster | - | dispatcher-preallocated | 4,900,000 | ops/s |"),
                "no error estimate, no \u00B1: " + md);
        for (SvgChart chart : charts.values()) {
            assertFalse(chart.toSvg().contains("no parameters"), chart.toSvg());
        }
        assertFalse(md.contains("gc.count"), md);
    }

    private static List<Element> elements(Element root, String name, String cls) {
        NodeList nodes = root.getElementsByTagNameNS(SVG, name);
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (cls.equals(e.getAttribute("class"))) {
                list.add(e);
            }
        }
        return list;
    }

    private static Element titled(List<Element> elements, String prefix) {
        for (Element e : elements) {
            NodeList titles = e.getElementsByTagNameNS(SVG, "title");
            if (titles.getLength() > 0 && titles.item(0).getTextContent().startsWith(prefix)) {
                return e;
            }
        }
        throw new AssertionError("nothing titled " + prefix);
    }

    private static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    /**
     * Score ± error as a whisker on its bar, at the right height relative to the score; a result without an
     * error (one iteration) has no whisker, and the caption says why.
     */
    @Test
    void errorsAreWhiskersAroundTheScore() throws Exception {
        Map<String, SvgChart> charts = JmhCharts.charts(sample("secondary-sample.json"), "");
        Element handOff = parse(charts.get("PortBenchmark.handOff_received").toSvg()).getDocumentElement();
        Element bar = titled(elements(handOff, "rect", "bar"), "port-batch, ");
        Element whisker = (Element) titled(elements(handOff, "g", "whisker"), "port-batch, ")
                .getElementsByTagNameNS(SVG, "line").item(0);
        double bottom = number(bar, "y") + number(bar, "height");
        double pxPerOp = number(bar, "height") / 21_500_000.0;
        assertEquals(bottom - 21_700_000 * pxPerOp, number(whisker, "y1"), 0.05, "top at score + error");
        assertEquals(bottom - 21_300_000 * pxPerOp, number(whisker, "y2"), 0.05, "bottom at score - error");
        assertEquals(number(bar, "x") + number(bar, "width") / 2, number(whisker, "x1"), 0.6, "centred on the bar");

        Element onePoster = parse(charts.get("DispatcherBenchmark.onePoster").toSvg()).getDocumentElement();
        int bars = elements(onePoster, "rect", "bar").size();
        int whiskers = elements(onePoster, "g", "whisker").size();
        List<String> notes = texts(onePoster, "text");
        assertTrue(whiskers < bars, "no whisker where JMH gave no error: " + whiskers + " of " + bars);
        assertTrue(String.join(" ", notes).contains("JMH gave no error (a single measured"), notes.toString());
    }

    /** Every impl has a caption entry saying what it is; a percentile chart is logarithmic, its ticks formatted. */
    @Test
    void everySeriesIsExplainedAndLatencyIsOnALogScale() throws Exception {
        List<JmhCharts.Result> results = sample("echo-sample.json");
        for (Map.Entry<String, SvgChart> e : JmhCharts.charts(results, "").entrySet()) {
            Element svg = parse(e.getValue().toSvg()).getDocumentElement();
            List<String> captions = new ArrayList<>();
            for (Element item : elements(svg, "g", "caption-item")) {
                captions.add(item.getTextContent());
            }
            assertEquals(3, captions.size(), captions.toString());
            assertTrue(captions.get(0).startsWith("iocp4j: iocp4j: OverlappedServerSocket"), captions.toString());
            assertTrue(captions.get(1).startsWith("nio-selector: baseline: a NIO Selector"), captions.toString());
            assertTrue(captions.get(2).startsWith("nio2-async: baseline: NIO.2"), captions.toString());
            List<String> ticks = new ArrayList<>();
            for (Element t : elements(svg, "text", "tick")) {
                ticks.add(t.getTextContent());
            }
            if (e.getKey().contains("latency")) {
                assertTrue(texts(svg, "text").stream().anyMatch(t -> t.endsWith("(log scale)")), e.getKey());
                assertTrue(ticks.stream().allMatch(t -> t.matches("1(0|00)? (ns|\u00B5s|ms|s)")), "decades: " + ticks);
            } else {
                assertTrue(ticks.stream().allMatch(t -> t.matches("0|[0-9.]+( k| M)?")), "SI prefixes: " + ticks);
            }
        }
    }

    @Test
    void unitsPickTheirAxisFormat() {
        assertEquals("250 \u00B5s", JmhCharts.axisFormat("us/op").format(250));
        assertEquals("1.5 \u00B5s", JmhCharts.axisFormat("ns/op").format(1500));
        assertEquals("40 M", JmhCharts.axisFormat("ops/s").format(40e6));
        assertEquals("24", JmhCharts.axisFormat("B/op").format(24));
    }

    @Test
    void mainWritesEveryChartThePageAndTheTable() throws Exception {
        Path json = dir.resolve("echo.json");
        try (var in = JmhChartsTest.class.getResourceAsStream("/echo-sample.json")) {
            Files.copy(Objects.requireNonNull(in), json);
        }
        Path out = dir.resolve("charts");
        JmhCharts.main(new String[] {"--out", out.toString(), "--machine", "2 CPUs, test", json.toString()});
        assertTrue(Files.isRegularFile(out.resolve("EchoBenchmark.throughput.svg")));
        assertTrue(Files.isRegularFile(out.resolve("EchoBenchmark.latency_connections=1_messageSize=64.svg")));
        Document page = parse(Files.readString(out.resolve("index.html"), StandardCharsets.UTF_8));
        assertEquals(2, page.getElementsByTagNameNS(SVG, "svg").getLength());
        String md = Files.readString(out.resolve("results.md"), StandardCharsets.UTF_8);
        assertTrue(md.startsWith("Machine: 2 CPUs, test"), md);
        assertEquals(2 + 2 + 6, md.split("\n").length, "machine, blank, header, rule, then one row per result: " + md);
    }
}
