package org.iocp4j.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.iocp4j.tools.Experiment.Outcome;
import org.iocp4j.tools.Experiment.Served;

/** The demo's report: an SVG chart, or a self-contained HTML page with the charts and the tables. */
final class Report {

    private final Results results;

    Report(Results results) {
        this.results = results;
    }

    /** Writes {@code file}: pure SVG if its name ends in {@code .svg}, an HTML page otherwise. */
    void write(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Files.writeString(file, name.endsWith(".svg") ? completionChart().toSvg() : html(), StandardCharsets.UTF_8);
    }

    String title() {
        return String.format(Locale.ROOT, "iocp4j demo: %d CPU-bound requests of %.0f ms, served four ways",
                results.requests, results.workload.targetNanos() / 1e6);
    }

    /** Every request's completion time, per way, in the order they finished, against the ideal schedule. */
    SvgChart completionChart() {
        int n = results.requests;
        List<String> categories = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            categories.add(Integer.toString(i));
        }
        SvgChart.Builder chart = SvgChart.groupedBars()
                .title(title())
                .subtitle(results.machine.toString())
                .subtitle(String.format(Locale.ROOT, "port concurrency and pool size %d; ideal: waves of %d requests,"
                        + " %.0f ms each", results.threads, results.machine.cpus(), results.workMs))
                .xLabel("requests, in the order they finished")
                .yLabel("completed (time since the batch started)")
                .unit("ms")
                .axisFormat(AxisFormat.time("ms"))
                .categories(categories);
        for (Outcome o : results.outcomes) {
            double[] values = new double[n];
            List<String> notes = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Served s = o.byCompletion().get(i);
                values[i] = s.completedMs();
                notes.add(String.format(Locale.ROOT, "%s, request %d on %s: completed at %.0f ms (%s to finish)",
                        o.way().label, s.number(), s.thread(), s.completedMs(), ordinal(i + 1)));
            }
            chart.series(o.way().label, values, notes);
            chart.describe(o.way().label, o.way().description(results.threads));
        }
        List<String> idealNotes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            idealNotes.add(String.format(Locale.ROOT, "ideal: the %s request done at %.0f ms", ordinal(i + 1), results.idealMs[i]));
        }
        chart.reference(idealName(), results.idealMs, idealNotes);
        chart.describe(idealName(), idealDescription());
        return chart.build();
    }

    /** Mean and last completion per way, against the ideal mean. */
    SvgChart summaryChart() {
        List<String> categories = new ArrayList<>();
        int w = results.outcomes.size();
        double[] mean = new double[w];
        double[] max = new double[w];
        double[] ideal = new double[w];
        for (int k = 0; k < w; k++) {
            Outcome o = results.outcomes.get(k);
            categories.add(o.way().label);
            mean[k] = o.meanMs();
            max[k] = o.maxMs();
            ideal[k] = results.idealMeanMs();
        }
        return SvgChart.groupedBars()
                .title("Mean and last completion per way")
                .subtitle(results.machine.toString())
                .xLabel("way")
                .yLabel("completed (time since the batch started)")
                .unit("ms")
                .axisFormat(AxisFormat.time("ms"))
                .categories(categories)
                .series("mean completion", mean)
                .series("last completion", max)
                .reference("ideal mean", ideal, null)
                .describe("mean completion", "the mean of the way's completion times: what a request waited on average")
                .describe("last completion", "when its last request finished: the batch's wall time")
                .describe("ideal mean", "the mean completion of the ideal schedule, the same for every way: "
                        + idealDescription())
                .width(720)
                .build();
    }

    /** The ideal schedule in words, for the charts' captions. */
    private String idealDescription() {
        return String.format(Locale.ROOT, "the requests finishing in waves of %d (one per CPU), a wave every %.0f ms"
                + " (a request's median run time alone): no schedule on these CPUs can do better on average",
                results.machine.cpus(), results.workMs);
    }

    private String idealName() {
        return "ideal (waves of " + results.machine.cpus() + ")";
    }

    /** A self-contained HTML5 page that also parses as XML (XHTML syntax). */
    String html() {
        StringBuilder h = new StringBuilder(32_768);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>").append(Xml.escape(title())).append("</title>\n")
                .append("<style>\n")
                .append("body { font-family: sans-serif; margin: 2em; color: #222; }\n")
                .append("table { border-collapse: collapse; margin: 0.5em 0; }\n")
                .append("th, td { padding: 0.15em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }\n")
                .append("th.text, td.text { text-align: left; }\n")
                .append(".held { color: #006d36; } .not-held { color: #b00020; }\n")
                .append(".ways { display: flex; flex-wrap: wrap; gap: 2em; }\n")
                .append("figure { margin: 1em 0; }\n")
                .append("</style>\n</head>\n<body>\n");
        h.append("<h1>").append(Xml.escape(title())).append("</h1>\n");
        h.append("<p>Machine: ").append(Xml.escape(results.machine.toString()))
                .append(results.machine.load().isEmpty() ? "" : "; " + Xml.escape(results.machine.load())).append(".</p>\n");
        h.append("<p>").append(Xml.escape(String.format(Locale.ROOT, "Each request is %,d rounds of xorshift,"
                + " calibrated at start-up to take %.0f ms; alone on a CPU it took %.0f ms (median). The ideal"
                + " schedule finishes them in waves of %d, one per CPU: the i-th to finish (from 0) at"
                + " (floor(i / %d) + 1) \u00D7 %.0f ms.", results.workload.rounds(), results.workload.targetNanos() / 1e6,
                results.workMs, results.machine.cpus(), results.machine.cpus(), results.workMs))).append("</p>\n");

        Results.Claim claim = results.claim();
        h.append("<h2>Claim</h2>\n<p>").append(Xml.escape(claim.statement())).append("</p>\n");
        String css = !claim.testable() ? "" : claim.portHeld() && claim.threadPerRequestHeld() ? " class=\"held\"" : " class=\"not-held\"";
        h.append("<p").append(css).append(">On this run: ").append(Xml.escape(claim.observation())).append("</p>\n");

        h.append("<figure>\n").append(completionChart().svgElement()).append("</figure>\n");
        h.append("<figure>\n").append(summaryChart().svgElement()).append("</figure>\n");

        h.append("<h2>Summary</h2>\n<table>\n<thead><tr><th class=\"text\">way</th><th>mean ms</th><th>max ms</th>")
                .append("<th>wall ms</th><th>context switches</th><th>CPUs used</th><th>mean/ideal</th></tr></thead>\n<tbody>\n");
        for (Outcome o : results.outcomes) {
            h.append("<tr><td class=\"text\">").append(Xml.escape(o.way().letter + " " + o.way().label)).append("</td>")
                    .append(td(o.meanMs())).append(td(o.maxMs())).append(td(o.wallMs()))
                    .append("<td>").append(Results.switches(o)).append("</td>")
                    .append("<td>").append(Results.cpusUsed(o)).append("</td>")
                    .append(String.format(Locale.ROOT, "<td>%.2f</td></tr>\n", results.ratio(o)));
        }
        h.append("<tr><td class=\"text\">").append(Xml.escape(idealName())).append("</td>")
                .append(td(results.idealMeanMs())).append(td(results.idealMaxMs()))
                .append("<td>-</td><td>-</td><td>").append(String.format(Locale.ROOT, "%.2f", results.idealCpusUsed()))
                .append("</td><td>1.00</td></tr>\n</tbody>\n</table>\n");
        h.append("<p>").append(Xml.escape(results.checksums())).append(".</p>\n");

        h.append("<h2>The four ways</h2>\n<div class=\"ways\">\n");
        for (Outcome o : results.outcomes) {
            h.append("<section class=\"way\">\n<h3>").append(Xml.escape(results.heading(o))).append("</h3>\n")
                    .append("<table>\n<thead><tr><th>request</th><th class=\"text\">thread</th><th>completed ms</th>")
                    .append("</tr></thead>\n<tbody>\n");
            for (Served s : o.byCompletion()) {
                h.append("<tr><td>").append(s.number()).append("</td><td class=\"text\">").append(Xml.escape(s.thread()))
                        .append("</td>").append(td(s.completedMs())).append("</tr>\n");
            }
            h.append("</tbody>\n</table>\n<p>").append(Xml.escape(results.figures(o))).append("</p>\n");
            if (!o.note().isEmpty()) {
                h.append("<p>").append(Xml.escape(o.note())).append("</p>\n");
            }
            h.append("</section>\n");
        }
        h.append("</div>\n<p><small>Written by <code>iocp4j demo</code> on ")
                .append(Xml.escape(OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
                .append(".</small></p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String td(double ms) {
        return String.format(Locale.ROOT, "<td>%.0f</td>", ms);
    }

    static String ordinal(int i) {
        int mod100 = i % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : i % 10 == 1 ? "st" : i % 10 == 2 ? "nd" : i % 10 == 3 ? "rd" : "th";
        return i + suffix;
    }
}
