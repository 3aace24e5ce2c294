package org.iocp4j.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.iocp4j.tools.BenchResults.Case;
import org.iocp4j.tools.BenchResults.Row;
import org.iocp4j.tools.bench.Latencies;

/**
 * The bench report: per family (echo, files) a throughput chart over its cases (linear), and per case a
 * latency chart of the percentiles and the maximum (log scale: the tail is orders of magnitude above the
 * median); as one SVG file of stacked charts, or a self-contained HTML page with the charts and the tables.
 * Each chart's caption says what every way is and which are the baselines; each latency chart says what
 * interval its figures time.
 */
final class BenchReport {

    private final BenchResults results;

    BenchReport(BenchResults results) {
        this.results = results;
    }

    /** Writes {@code file}: pure SVG if its name ends in {@code .svg}, an HTML page otherwise. */
    void write(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Files.writeString(file, name.endsWith(".svg") ? SvgChart.column(charts(), title()) : html(), StandardCharsets.UTF_8);
    }

    String title() {
        return "iocp4j bench: iocp4j beside NIO on " + results.machine.backend() + " backend";
    }

    /** The cases of each family, in the order they ran. */
    private Map<String, List<Case>> families() {
        Map<String, List<Case>> families = new LinkedHashMap<>();
        for (Case c : results.cases) {
            families.computeIfAbsent(c.family(), k -> new ArrayList<>()).add(c);
        }
        return families;
    }

    /** Every chart, in report order: a family's throughput, then each of its cases' latency. */
    List<SvgChart> charts() {
        List<SvgChart> charts = new ArrayList<>();
        for (List<Case> family : families().values()) {
            charts.add(throughputChart(family));
            for (Case c : family) {
                charts.add(latencyChart(c));
            }
        }
        return charts;
    }

    private static String familyName(Case c) {
        return c.family().equals("echo") ? "Loopback echo" : "Random file reads";
    }

    /** A case's title without its family's leading word: "1 connection, 64 B messages". */
    private static String variant(Case c) {
        int comma = c.title().indexOf(", ");
        return comma < 0 ? c.title() : c.title().substring(comma + 2);
    }

    /** Operations per second, one group per case of the family, one bar per way. */
    SvgChart throughputChart(List<Case> family) {
        Case first = family.get(0);
        List<String> categories = new ArrayList<>();
        for (Case c : family) {
            categories.add(variant(c));
        }
        SvgChart.Builder chart = SvgChart.groupedBars()
                .title(familyName(first) + ": " + first.operation() + " per second (higher is better)")
                .subtitle(results.machine.toString())
                .subtitle(results.settings)
                .xLabel("case")
                .yLabel(first.operation() + " per second")
                .unit("/s")
                .categories(categories);
        for (int k = 0; k < first.rows().size(); k++) {
            double[] values = new double[family.size()];
            List<String> notes = new ArrayList<>();
            for (int g = 0; g < family.size(); g++) {
                Case c = family.get(g);
                Row r = c.rows().get(k);
                values[g] = r.opsPerSecond();
                notes.add(r.error() != null ? r.impl() + ", " + variant(c) + ": failed: " + r.error()
                        : String.format(Locale.ROOT, "%s, %s: %,.0f %s/s (%.2f x iocp4j)", r.impl(), variant(c),
                        r.opsPerSecond(), c.operation(), c.relative(r)));
            }
            chart.series(first.rows().get(k).impl(), values, notes);
        }
        describeWays(chart, first);
        return chart.build();
    }

    /** Caption entries: iocp4j first, then each baseline, with what it ran on. */
    private static void describeWays(SvgChart.Builder chart, Case c) {
        for (int k = 0; k < c.rows().size(); k++) {
            Row r = c.rows().get(k);
            chart.describe(r.impl(), (k == 0 ? "under test: " : "baseline: ") + r.description());
        }
    }

    /** Latency percentiles and maximum of one case, one group per percentile, one bar per way; log scale. */
    SvgChart latencyChart(Case c) {
        int columns = BenchResults.LATENCY_COLUMNS.size();
        SvgChart.Builder chart = SvgChart.groupedBars()
                .title(familyName(c) + ", " + variant(c) + ": latency (lower is better)")
                .subtitle(results.machine.toString())
                .xLabel("percentile")
                .yLabel("time of one " + (c.family().equals("echo") ? "round trip" : "read"))
                .unit("\u00B5s")
                .logScale()
                .axisFormat(AxisFormat.time("us"))
                .categories(BenchResults.LATENCY_COLUMNS)
                .width(720);
        for (Row r : c.rows()) {
            double[] values = Arrays.copyOf(r.latencyMicros(), columns);
            List<String> notes = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
                notes.add(r.error() != null ? r.impl() + ": failed: " + r.error() : String.format(Locale.ROOT,
                        "%s, %s: %,.1f \u00B5s", r.impl(), BenchResults.LATENCY_COLUMNS.get(i), values[i]));
            }
            chart.series(r.impl(), values, notes);
        }
        describeWays(chart, c);
        chart.note("Latency: " + Latencies.INTERVAL + ".");
        return chart.build();
    }

    /** A self-contained HTML5 page that also parses as XML (XHTML syntax). */
    String html() {
        StringBuilder h = new StringBuilder(65_536);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>").append(Xml.escape(title())).append("</title>\n")
                .append("<style>\n")
                .append("body { font-family: sans-serif; margin: 2em; color: #222; }\n")
                .append("table { border-collapse: collapse; margin: 0.5em 0; }\n")
                .append("th, td { padding: 0.15em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }\n")
                .append("th.text, td.text { text-align: left; }\n")
                .append(".failed { color: #b00020; }\n")
                .append("figure { margin: 1em 0; }\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(Xml.escape(title())).append("</h1>\n");
        h.append("<p>Machine: ").append(Xml.escape(results.machine.toString()))
                .append(results.machine.load().isEmpty() ? "" : "; " + Xml.escape(results.machine.load())).append(".</p>\n");
        h.append("<p>").append(Xml.escape(capitalized(results.settings))).append(".</p>\n");
        h.append("<p>Latency: ").append(Xml.escape(Latencies.INTERVAL)).append(".</p>\n");
        h.append("<p>").append(Xml.escape(capitalized(results.latencyNote))).append(".</p>\n");
        h.append("<p>").append(Xml.escape(capitalized(BenchResults.IN_FLIGHT_NOTE))).append(".</p>\n");
        h.append("<p>").append(Xml.escape(results.backendNote())).append("</p>\n");
        summary(h);
        for (List<Case> family : families().values()) {
            Case first = family.get(0);
            h.append("<h2>").append(Xml.escape(familyName(first))).append("</h2>\n<table>\n<thead><tr>")
                    .append("<th class=\"text\">way</th><th class=\"text\">what ran</th></tr></thead>\n<tbody>\n");
            for (Row r : first.rows()) {
                h.append("<tr><td class=\"text\">").append(Xml.escape(r.impl())).append("</td><td class=\"text\">")
                        .append(Xml.escape(r.description())).append("</td></tr>\n");
            }
            h.append("</tbody>\n</table>\n");
            h.append("<figure>\n").append(throughputChart(family).svgElement()).append("</figure>\n");
            for (Case c : family) {
                h.append("<h3>").append(Xml.escape(c.title())).append("</h3>\n");
                caseTable(h, c);
                h.append("<figure>\n").append(latencyChart(c).svgElement()).append("</figure>\n");
            }
        }
        h.append("<p><small>Written by <code>iocp4j bench</code> on ")
                .append(Xml.escape(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
                .append(".</small></p>\n</body>\n</html>\n");
        return h.toString();
    }

    private void summary(StringBuilder h) {
        h.append("<h2>Summary</h2>\n<table>\n<thead><tr><th class=\"text\">case</th><th>iocp4j /s</th>")
                .append("<th class=\"text\">fastest NIO</th><th>its /s</th><th>iocp4j at</th></tr></thead>\n<tbody>\n");
        for (Case c : results.cases) {
            Row best = c.bestBaseline();
            for (Row iocp : c.iocp4jRows()) {
                h.append("<tr><td class=\"text\">").append(Xml.escape(c.title() + ", " + iocp.impl())).append("</td>");
                if (iocp.error() != null || best == null) {
                    h.append("<td class=\"failed\" colspan=\"4\">no comparison: a run failed</td></tr>\n");
                    continue;
                }
                h.append(String.format(Locale.ROOT, "<td>%,.0f</td><td class=\"text\">%s</td><td>%,.0f</td><td>%.2f\u00D7</td></tr>%n",
                        iocp.opsPerSecond(), Xml.escape(best.impl()), best.opsPerSecond(), iocp.opsPerSecond() / best.opsPerSecond()));
            }
        }
        h.append("</tbody>\n</table>\n");
    }

    private static void caseTable(StringBuilder h, Case c) {
        h.append("<table>\n<thead><tr><th class=\"text\">way</th><th>").append(Xml.escape(c.operation()))
                .append("/s</th><th>\u00D7 iocp4j</th>");
        for (String col : BenchResults.LATENCY_COLUMNS) {
            h.append("<th>").append(col).append(" \u00B5s</th>");
        }
        h.append("<th>mean \u00B5s</th><th>in flight</th></tr></thead>\n<tbody>\n");
        for (Row r : c.rows()) {
            h.append("<tr><td class=\"text\">").append(Xml.escape(r.impl())).append("</td>");
            if (r.error() != null) {
                h.append("<td class=\"failed text\" colspan=\"").append(4 + BenchResults.LATENCY_COLUMNS.size())
                        .append("\">failed: ").append(Xml.escape(r.error())).append("</td></tr>\n");
                continue;
            }
            h.append(String.format(Locale.ROOT, "<td>%,.0f</td><td>%.2f</td>", r.opsPerSecond(), c.relative(r)));
            for (double v : r.latencyMicros()) {
                h.append(String.format(Locale.ROOT, "<td>%,.1f</td>", v));
            }
            h.append(String.format(Locale.ROOT, "<td>%,.1f</td><td>%.1f</td></tr>%n", r.meanMicros(), r.inFlight()));
        }
        h.append("</tbody>\n</table>\n");
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
