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

    @Test
    void mismatchedOrMissingDataIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SvgChart.groupedBars().categories(List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> SvgChart.groupedBars().categories(List.of("a")).series("s", new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> SvgChart.groupedBars().categories(List.of("a")).series("s", new double[] {1}, List.of()));
        assertThrows(IllegalArgumentException.class, () -> SvgChart.groupedBars().series("s", new double[] {1}));
        assertThrows(IllegalStateException.class, () -> SvgChart.groupedBars().categories(List.of("a")).build());
    }
}
