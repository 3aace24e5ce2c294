package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class ReportTest {

    @TempDir
    Path dir;

    /**
     * Checks a parsed report: an SVG whose legend names every way and the ideal, and one bar per request and
     * way whose tooltip names the request.
     */
    static void assertChartHasEveryRequest(Element svg, List<String> ways, int requests) {
        List<String> texts = Xhtml.texts(Xhtml.elements(svg, Xhtml.SVG, "text"));
        for (String way : ways) {
            assertTrue(texts.contains(way), () -> way + " missing from the legend: " + texts);
        }
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("ideal")), texts::toString);
        List<String> captions = Xhtml.texts(Xhtml.elements(svg, Xhtml.SVG, "g").stream()
                .filter(g -> "caption-item".equals(g.getAttribute("class"))).collect(Collectors.toList()));
        assertEquals(ways.size() + 1, captions.size(), "every way and the ideal explained: " + captions);
        for (int k = 0; k < ways.size(); k++) {
            assertTrue(captions.get(k).startsWith(ways.get(k) + ": "), captions::toString);
        }
        assertTrue(captions.get(ways.size()).startsWith("ideal (waves of "), captions::toString);
        List<String> ticks = Xhtml.texts(Xhtml.elements(svg, Xhtml.SVG, "text").stream()
                .filter(t -> "tick".equals(t.getAttribute("class"))).collect(Collectors.toList()));
        assertTrue(ticks.size() > 1 && ticks.stream().allMatch(t -> t.matches("0|[0-9.]+ (ms|s)")), "times with units: " + ticks);
        List<String> titles = Xhtml.texts(Xhtml.elements(svg, Xhtml.SVG, "title"));
        for (String way : ways) {
            for (int i = 1; i <= requests; i++) {
                String prefix = way + ", request " + i + " on ";
                assertTrue(titles.stream().anyMatch(t -> t.startsWith(prefix)), () -> prefix + " missing: " + titles);
            }
        }
    }

    /** Checks a parsed HTML report: one table per way listing requests 1..n, and the completion chart. */
    static void assertHtmlReport(Document doc, List<String> ways, int requests) {
        assertEquals("html", doc.getDocumentElement().getLocalName());
        List<Element> svgs = Xhtml.elements(doc, Xhtml.SVG, "svg");
        assertEquals(2, svgs.size(), "the completion chart and the summary chart");
        assertChartHasEveryRequest(svgs.get(0), ways, requests);

        List<Element> sections = Xhtml.elements(doc, Xhtml.HTML, "section");
        assertEquals(ways.size(), sections.size());
        for (int k = 0; k < ways.size(); k++) {
            Element section = sections.get(k);
            String heading = Xhtml.elements(section, Xhtml.HTML, "h3").get(0).getTextContent();
            assertTrue(heading.contains(ways.get(k)), heading);
            Set<Integer> numbers = new TreeSet<>();
            for (Element row : Xhtml.elements(section, Xhtml.HTML, "tr")) {
                List<Element> cells = Xhtml.elements(row, Xhtml.HTML, "td");
                if (!cells.isEmpty()) {
                    numbers.add(Integer.parseInt(cells.get(0).getTextContent()));
                }
            }
            assertEquals(requests, numbers.size(), heading + ": " + numbers);
            assertEquals(requests, numbers.stream().mapToInt(Integer::intValue).max().orElse(0));
        }
    }

    private static List<String> wayLabels(Results r) {
        return r.outcomes.stream().map(o -> o.way().label).collect(Collectors.toList());
    }

    @Test
    void theHtmlPageParsesAsXmlAndHoldsEverything() throws IOException {
        Results r = ResultsTest.fourRequests();
        Path file = dir.resolve("report.html");
        new Report(r).write(file);
        String html = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html);
        Document doc = Xhtml.parse(html);
        assertHtmlReport(doc, wayLabels(r), 4);
        // the odd thread names went through escaping and came back intact
        assertTrue(doc.getDocumentElement().getTextContent().contains("I/O completion port <thread & 'co'> 2"));
        assertTrue(doc.getDocumentElement().getTextContent().contains("Linux <test> & co"));
    }

    @Test
    void aSvgNameGetsTheChartAlone() throws IOException {
        Results r = ResultsTest.fourRequests();
        Path file = dir.resolve("report.SVG");
        new Report(r).write(file);
        Document doc = Xhtml.parse(Files.readString(file, StandardCharsets.UTF_8));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertChartHasEveryRequest(doc.getDocumentElement(), wayLabels(r), 4);
    }

    @Test
    void ordinalsReadAsEnglish() {
        assertEquals("1st", Report.ordinal(1));
        assertEquals("2nd", Report.ordinal(2));
        assertEquals("3rd", Report.ordinal(3));
        assertEquals("4th", Report.ordinal(4));
        assertEquals("11th", Report.ordinal(11));
        assertEquals("12th", Report.ordinal(12));
        assertEquals("13th", Report.ordinal(13));
        assertEquals("21st", Report.ordinal(21));
        assertEquals("112th", Report.ordinal(112));
    }
}
