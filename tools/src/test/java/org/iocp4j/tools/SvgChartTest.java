package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class SvgChartTest {

    private static SvgChart.Builder threeByTwo() {
        return SvgChart.groupedBars()
                .title("Throughput <&> 'quoted'")
                .subtitle("2 CPUs, \"Linux\"")
                .xLabel("batch size")
                .yLabel("ops/s")
                .categories(List.of("1", "16", "64"))
                .series("native", new double[] {1.2e6, 4.1e6, 5.0e6})
                .series("port & <pool>", new double[] {0.9e6, Double.NaN, 2.4e6});
    }

    @Test
    void aStandaloneDocumentParsesAndHasEveryBarAndName() {
        String svg = threeByTwo().reference("ideal", new double[] {2e6, 5e6, 6e6}, null).build().toSvg();
        assertTrue(svg.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), svg);
        Document doc = Xhtml.parse(svg);
        Element root = doc.getDocumentElement();
        assertEquals("svg", root.getLocalName());
        assertEquals(Xhtml.SVG, root.getNamespaceURI());

        List<Element> bars = Xhtml.elements(doc, Xhtml.SVG, "rect").stream()
                .filter(r -> r.getAttribute("class").equals("bar")).collect(Collectors.toList());
        assertEquals(5, bars.size(), "3 + 3 bars, less the NaN one");

        List<String> texts = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "text"));
        assertTrue(texts.contains("Throughput <&> 'quoted'"), texts::toString);
        assertTrue(texts.contains("2 CPUs, \"Linux\""), texts::toString);
        assertTrue(texts.contains("native"), texts::toString);
        assertTrue(texts.contains("port & <pool>"), texts::toString);
        assertTrue(texts.contains("ideal"), texts::toString);
        assertTrue(texts.contains("batch size") && texts.contains("ops/s"), texts::toString);

        List<String> titles = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "title"));
        assertTrue(titles.contains("native, 16: 4100000"), titles::toString);
        assertTrue(titles.contains("ideal, 64: 6000000"), titles::toString);
    }

    @Test
    void ownTooltipsReplaceTheDefaultOnes() {
        String svg = SvgChart.groupedBars().categories(List.of("a", "b"))
                .series("s", new double[] {1, 2.5}, List.of("first <one>", "second"))
                .unit("ms")
                .build().svgElement();
        List<String> titles = Xhtml.texts(Xhtml.elements(Xhtml.parse(svg), Xhtml.SVG, "title"));
        assertTrue(titles.contains("first <one>"), titles::toString);
        assertTrue(titles.contains("second"), titles::toString);
    }

    @Test
    void manyCategoriesAndZeroValuesStillDraw() {
        int n = 500;
        List<String> categories = new ArrayList<>();
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            categories.add("category " + i);
        }
        Document doc = Xhtml.parse(SvgChart.groupedBars().categories(categories).series("zero", values).build().toSvg());
        long labels = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "text")).stream()
                .filter(t -> t.startsWith("category ")).count();
        assertTrue(labels > 0 && labels < n, "labels are thinned out so they do not overlap: " + labels);
        assertTrue(Integer.parseInt(doc.getDocumentElement().getAttribute("width")) <= 4000);
    }

    @Test
    void niceStepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
        assertEquals(1, SvgChart.niceStep(0.7));
        assertEquals(2, SvgChart.niceStep(1.3));
        assertEquals(2500, SvgChart.niceStep(2088));
        assertEquals(500, SvgChart.niceStep(312));
        assertEquals(1000, SvgChart.niceStep(501));
        assertEquals(0.05, SvgChart.niceStep(0.031), 1e-12);
        assertEquals(1, SvgChart.niceStep(0));
    }

    @Test
    void smallValuesGetDecimalTicks() {
        Document doc = Xhtml.parse(SvgChart.groupedBars().categories(List.of("a", "b"))
                .series("s", new double[] {0.3, 1.1}).build().toSvg());
        List<String> texts = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "text"));
        assertTrue(texts.containsAll(List.of("0", "0.25", "0.5", "0.75", "1", "1.25")), texts::toString);
    }

    private static List<Element> withClass(Document doc, String name, String cls) {
        return Xhtml.elements(doc, Xhtml.SVG, name).stream()
                .filter(e -> e.getAttribute("class").equals(cls)).collect(Collectors.toList());
    }

    private static double number(Element e, String attribute) {
        return Double.parseDouble(e.getAttribute(attribute));
    }

    /** The axis's numbers read "40 M", never "40000000"; times in the unit that reads best. */
    @Test
    void axisNumbersAreWrittenWithPrefixesAndUnits() {
        Document doc = Xhtml.parse(SvgChart.groupedBars().categories(List.of("a", "b"))
                .series("s", new double[] {12e6, 40e6}).build().toSvg());
        List<String> ticks = Xhtml.texts(withClass(doc, "text", "tick"));
        assertEquals(List.of("0", "10 M", "20 M", "30 M", "40 M"), ticks);

        Document times = Xhtml.parse(SvgChart.groupedBars().categories(List.of("a")).axisFormat(AxisFormat.time("ms"))
                .series("s", new double[] {1400}).build().toSvg());
        assertEquals(List.of("0", "500 ms", "1 s", "1.5 s"),
                Xhtml.texts(withClass(times, "text", "tick")));
    }

    @Test
    void axisFormats() {
        AxisFormat n = AxisFormat.number();
        assertEquals("0", n.format(0));
        assertEquals("250", n.format(250));
        assertEquals("1.5 k", n.format(1500));
        assertEquals("40 M", n.format(40_000_000));
        assertEquals("1.25 M", n.format(1_250_000));
        assertEquals("0.3", n.format(0.1 * 3));
        assertEquals("2 G", n.format(2e9));
        AxisFormat us = AxisFormat.time("us");
        assertEquals("500 ns", us.format(0.5));
        assertEquals("1 \u00B5s", us.format(1));
        assertEquals("250 \u00B5s", us.format(250));
        assertEquals("1 ms", us.format(999.7));
        assertEquals("1.5 ms", us.format(1500));
        assertEquals("10 s", us.format(1e7));
        assertEquals("25 ns", AxisFormat.time("ns").format(25));
        assertThrows(IllegalArgumentException.class, () -> AxisFormat.time("op/s"));
    }

    /**
     * A log scale: a labelled tick per decade from the decade under half the smallest bar to the one over
     * the largest, evenly spaced, and the bars start at that floor, so a 1.2 µs p50 beside a 9 ms maximum is
     * still a bar of some height.
     */
    @Test
    void aLogScaleHasDecadeTicksAndBarsFromItsFloor() {
        SvgChart chart = SvgChart.groupedBars().categories(List.of("p50", "p99.9"))
                .logScale().axisFormat(AxisFormat.time("us"))
                .series("fast", new double[] {1.2, 4000})
                .series("slow", new double[] {35, 9000})
                .build();
        Document doc = Xhtml.parse(chart.toSvg());
        List<Element> tickTexts = withClass(doc, "text", "tick");
        assertEquals(List.of("100 ns", "1 \u00B5s", "10 \u00B5s", "100 \u00B5s", "1 ms", "10 ms"), Xhtml.texts(tickTexts));
        double[] ys = tickTexts.stream().mapToDouble(t -> number(t, "y")).toArray();
        for (int i = 2; i < ys.length; i++) {
            assertEquals(ys[1] - ys[0], ys[i] - ys[i - 1], 0.2, "decades are evenly spaced");
        }
        assertTrue(ys[1] < ys[0], "values grow upwards");
        assertEquals(10, withClass(doc, "line", "minor-tick").size(), "2x and 5x of each of the 5 decades");

        List<Element> bars = withClass(doc, "rect", "bar");
        double floor = ys[0] - 4; // the tick's text sits 4 px under its line
        double decade = ys[0] - ys[1];
        for (Element bar : bars) {
            assertEquals(floor, number(bar, "y") + number(bar, "height"), 0.05, "every bar stands on the floor");
        }
        // On a floor of 100 ns: 1.2 us is 1.079 decades above it; 9 ms 4.954 decades.
        assertEquals((1 + Math.log10(1.2)) * decade, number(bars.get(0), "height"), 0.2);
        assertEquals((1 + Math.log10(9000)) * decade, number(bars.get(3), "height"), 0.2);
        List<String> texts = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "text"));
        assertTrue(texts.stream().anyMatch(t -> t.endsWith("(log scale)")), "the axis says it is logarithmic: " + texts);

        // A smallest value right on a decade stands on the decade below: a bar, not a line; 2.5 on 1.
        Document onDecade = Xhtml.parse(SvgChart.groupedBars().categories(List.of("p50", "max")).logScale()
                .axisFormat(AxisFormat.time("us")).series("s", new double[] {1.0, 50}).build().toSvg());
        assertEquals(List.of("100 ns", "1 \u00B5s", "10 \u00B5s", "100 \u00B5s"), Xhtml.texts(withClass(onDecade, "text", "tick")));
        assertTrue(number(withClass(onDecade, "rect", "bar").get(0), "height") > 50, "a third of the plot");
        Document twoAndAHalf = Xhtml.parse(SvgChart.groupedBars().categories(List.of("p50")).logScale()
                .series("s", new double[] {2.5}).build().toSvg());
        assertEquals(List.of("1", "10"), Xhtml.texts(withClass(twoAndAHalf, "text", "tick")));
    }

    /** Value ± error: a whisker centred on the bar from value - error to value + error, with the axis room. */
    @Test
    void errorsAreDrawnAsWhiskersAroundTheValue() {
        SvgChart chart = SvgChart.groupedBars().categories(List.of("a", "b", "c")).unit("ops/s")
                .series("s", new double[] {10, 20, 30}, new double[] {5, Double.NaN, 25}, null)
                .build();
        Document doc = Xhtml.parse(chart.toSvg());
        List<Element> bars = withClass(doc, "rect", "bar");
        List<Element> whiskers = withClass(doc, "line", "whisker-line");
        assertEquals(2, whiskers.size(), "none where the error is NaN");
        int[] withError = {0, 2};
        double[] values = {10, 20, 30};
        double[] errors = {5, Double.NaN, 25};
        for (int w = 0; w < whiskers.size(); w++) {
            Element bar = bars.get(withError[w]);
            Element whisker = whiskers.get(w);
            double v = values[withError[w]];
            double e = errors[withError[w]];
            double bottom = number(bar, "y") + number(bar, "height");
            double pxPerUnit = number(bar, "height") / v;
            assertEquals(number(bar, "x") + (number(bar, "width")) / 2, number(whisker, "x1"), 0.6, "centred on its bar");
            assertEquals(bottom - (v + e) * pxPerUnit, number(whisker, "y1"), 0.05, "top at value + error");
            assertEquals(bottom - (v - e) * pxPerUnit, number(whisker, "y2"), 0.05, "bottom at value - error");
        }
        List<String> ticks = Xhtml.texts(withClass(doc, "text", "tick"));
        assertEquals("60", ticks.get(ticks.size() - 1), "the axis reaches the top of the highest whisker (55): " + ticks);
        List<String> titles = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "title"));
        assertTrue(titles.contains("s, c: 30 \u00B1 25 ops/s"), titles::toString);
    }

    /** The caption names and explains every described series, the reference too, then the notes. */
    @Test
    void theCaptionExplainsEverySeries() {
        Document doc = Xhtml.parse(threeByTwo().reference("ideal", new double[] {2e6, 5e6, 6e6}, null)
                .describe("native", "the Win32 port")
                .describe("port & <pool>", "a thread pool " + "and more words ".repeat(20))
                .describe("ideal", "what could be done")
                .note("Whiskers: none here.")
                .build().toSvg());
        List<String> items = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "g").stream()
                .filter(g -> g.getAttribute("class").equals("caption-item")).collect(Collectors.toList()));
        assertEquals(3, items.size(), items::toString);
        assertTrue(items.get(0).startsWith("native: the Win32 port"), items::toString);
        assertTrue(items.get(1).startsWith("port & <pool>: a thread pool"), items::toString);
        assertTrue(items.get(2).startsWith("ideal: what could be done"), items::toString);
        Element long1 = Xhtml.elements(doc, Xhtml.SVG, "g").stream()
                .filter(g -> g.getAttribute("class").equals("caption-item")).collect(Collectors.toList()).get(1);
        assertTrue(Xhtml.elements(long1, Xhtml.SVG, "text").size() > 1, "a long description wraps");
        List<String> notes = Xhtml.texts(Xhtml.elements(doc, Xhtml.SVG, "g").stream()
                .filter(g -> g.getAttribute("class").equals("caption-note")).collect(Collectors.toList()));
        assertEquals(List.of("Whiskers: none here."), notes);
        assertThrows(IllegalStateException.class,
                () -> threeByTwo().describe("nobody", "not a series").build(), "a description of no series");
    }

    @Test
    void wrapBreaksAtSpaces() {
        assertEquals(List.of("one two", "three"), SvgChart.wrap("one two three", 8));
        assertEquals(List.of("unbreakable-word", "x"), SvgChart.wrap("unbreakable-word x", 5));
    }

    @Test
    void mismatchedOrMissingDataIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SvgChart.groupedBars().categories(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SvgChart.groupedBars().categories(List.of("a")).series("s", new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> SvgChart.groupedBars().categories(List.of("a")).series("s", new double[] {1}, List.of()));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.groupedBars().series("s", new double[] {1}));
        assertThrows(IllegalStateException.class, () -> SvgChart.groupedBars().categories(List.of("a")).build());
        assertThrows(IllegalArgumentException.class, () -> SvgChart.groupedBars().categories(List.of("a"))
                .series("s", new double[] {1}, new double[] {1, 2}, null));
    }
}
