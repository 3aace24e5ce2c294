package org.iocp4j.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.iocp4j.tools.AxisFormat;
import org.iocp4j.tools.SvgChart;

/**
 * Turns JMH's JSON results ({@code -rf json}) into the charts {@code iocp4j bench} draws: for each benchmark
 * method, grouped bars with one group per parameter combination and one bar per {@code impl} (iocp4j and its
 * baselines side by side), each with a whisker for JMH's error (score ± scoreError, none where JMH gives no
 * error); for {@code SampleTime} methods, one chart per combination with the percentiles as groups, on a log
 * scale. A benchmark with no parameters but {@code impl} gets one group named after the method. Each chart's
 * caption says what every {@code impl} is ({@link SeriesDescriptions}). Writes an SVG per chart, an HTML page
 * holding them all, and {@code results.md}, the table for a README.
 *
 * <pre>java -cp benchmarks.jar org.iocp4j.benchmarks.JmhCharts --out DIR [--machine TEXT] results.json...</pre>
 */
public final class JmhCharts {

    /** Percentiles charted for SampleTime, by JMH's keys in {@code scorePercentiles}. */
    private static final Map<String, String> PERCENTILES = Map.of("50.0", "p50", "90.0", "p90", "99.0", "p99", "99.9", "p99.9");
    private static final List<String> PERCENTILE_ORDER = List.of("50.0", "90.0", "99.0", "99.9");

    /**
     * Where the primary metric is not the score: {@code PortBenchmark.handOff}'s primary counts the calls of
     * all its group's threads; its score is the {@code received} counter (see the benchmarks README).
     */
    private static final Map<String, String> SCORE_METRIC = Map.of("PortBenchmark.handOff", "received");

    /** One result: a benchmark method at one parameter combination. */
    record Result(String benchmark, String mode, Map<String, String> params, String metric, double score,
                  double error, String unit, Map<String, Double> percentiles) {

        /**
         * The parameters other than {@code impl}, as "name=value, ...": the group a bar stands in; "" when there
         * are none.
         */
        String group() {
            StringBuilder s = new StringBuilder();
            for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
                if (!e.getKey().equals("impl")) {
                    s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
                }
            }
            return s.toString();
        }

        /** The group as a chart's category: with no parameters, the method and what it measured. */
        String category() {
            String g = group();
            if (!g.isEmpty()) {
                return g;
            }
            String method = benchmark.substring(benchmark.indexOf('.') + 1);
            return method + (metric.equals("score") ? "" : ":" + metric);
        }

        String impl() {
            return params.getOrDefault("impl", benchmark);
        }

        boolean sampled() {
            return mode.equals("sample") && !percentiles.isEmpty();
        }
    }

    private JmhCharts() {
    }

    /** Reads JMH JSON results: the score metric of each, and the allocation rate per operation where present. */
    static List<Result> read(Reader json) {
        List<Result> results = new ArrayList<>();
        JsonArray all = JsonParser.parseReader(json).getAsJsonArray();
        for (JsonElement e : all) {
            JsonObject o = e.getAsJsonObject();
            String benchmark = shortName(o.get("benchmark").getAsString());
            String mode = o.get("mode").getAsString();
            Map<String, String> params = new LinkedHashMap<>();
            if (o.has("params")) {
                for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                    params.put(p.getKey(), p.getValue().getAsString());
                }
            }
            JsonObject secondary = o.has("secondaryMetrics") ? o.getAsJsonObject("secondaryMetrics") : new JsonObject();
            String scoreName = SCORE_METRIC.get(benchmark);
            JsonObject score = scoreName != null && secondary.has(scoreName) ? secondary.getAsJsonObject(scoreName)
                    : o.getAsJsonObject("primaryMetric");
            results.add(result(benchmark, mode, params, scoreName != null && secondary.has(scoreName) ? scoreName : "score", score));
            for (Map.Entry<String, JsonElement> m : secondary.entrySet()) {
                // -prof gc: only the bytes per operation are worth a chart; the rest is JMH's bookkeeping.
                if (m.getKey().endsWith("gc.alloc.rate.norm")) {
                    results.add(result(benchmark, mode, params, "gc.alloc.rate.norm", m.getValue().getAsJsonObject()));
                }
            }
        }
        return results;
    }

    private static Result result(String benchmark, String mode, Map<String, String> params, String metric, JsonObject m) {
        Map<String, Double> percentiles = new LinkedHashMap<>();
        if (metric.equals("score") && m.has("scorePercentiles")) {
            JsonObject p = m.getAsJsonObject("scorePercentiles");
            for (String key : PERCENTILE_ORDER) {
                if (p.has(key)) {
                    percentiles.put(PERCENTILES.get(key), p.get(key).getAsDouble());
                }
            }
        }
        return new Result(benchmark, mode, params, metric, number(m.get("score")), number(m.get("scoreError")),
                m.get("scoreUnit").getAsString(), percentiles);
    }

    /** JMH writes "NaN" as a string where it has no error estimate (one iteration). */
    private static double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return Double.NaN;
        }
        try {
            return e.getAsDouble();
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /** "org.iocp4j.benchmarks.EchoBenchmark.throughput" to "EchoBenchmark.throughput". */
    static String shortName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    /** The charts for {@code results}, by file name (without ".svg"), in the order they should be read. */
    static Map<String, SvgChart> charts(List<Result> results, String machine) {
        Map<String, List<Result>> byChart = new LinkedHashMap<>();
        for (Result r : results) {
            String key = r.benchmark() + (r.metric().equals("score") ? "" : ":" + r.metric());
            if (r.sampled() && !r.group().isEmpty()) {
                key += "@" + r.group();
            }
            byChart.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        Map<String, SvgChart> charts = new LinkedHashMap<>();
        for (Map.Entry<String, List<Result>> e : byChart.entrySet()) {
            List<Result> rs = e.getValue();
            Result first = rs.get(0);
            String file = e.getKey().replaceAll("[^A-Za-z0-9.=-]+", "_");
            charts.put(file, first.sampled() ? percentileChart(rs, machine) : scoreChart(rs, machine));
        }
        return charts;
    }

    /** Groups are parameter combinations, bars the impls: the score of each. */
    private static SvgChart scoreChart(List<Result> rs, String machine) {
        Result first = rs.get(0);
        Set<String> groups = new LinkedHashSet<>();
        Set<String> impls = new LinkedHashSet<>();
        for (Result r : rs) {
            groups.add(r.group());
            impls.add(r.impl());
        }
        List<String> categories = List.copyOf(groups);
        boolean parameters = !(categories.size() == 1 && categories.get(0).isEmpty());
        String metric = first.metric().equals("score") ? "" : ":" + first.metric();
        SvgChart.Builder chart = SvgChart.groupedBars()
                .title(first.benchmark() + metric + " (" + first.unit() + ", " + direction(first.unit()) + ")")
                .xLabel(parameters ? "parameters" : "")
                .yLabel(first.unit())
                .unit(first.unit())
                .axisFormat(axisFormat(first.unit()))
                .categories(parameters ? categories : List.of(first.category()));
        if (!machine.isEmpty()) {
            chart.subtitle(machine);
        }
        List<String> noError = new ArrayList<>();
        for (String impl : impls) {
            double[] values = new double[categories.size()];
            double[] errors = new double[categories.size()];
            List<String> notes = new ArrayList<>();
            for (int g = 0; g < categories.size(); g++) {
                Result r = find(rs, impl, categories.get(g));
                values[g] = r == null ? Double.NaN : r.score();
                errors[g] = r == null ? Double.NaN : r.error();
                String where = parameters ? categories.get(g) : first.category();
                notes.add(r == null ? impl + ", " + where + ": not run"
                        : Double.isNaN(r.error()) ? String.format(Locale.ROOT, "%s, %s: %s %s (no error: one iteration)",
                        impl, where, format(r.score()), r.unit())
                        : String.format(Locale.ROOT, "%s, %s: %s \u00B1 %s %s", impl, where,
                        format(r.score()), format(r.error()), r.unit()));
                if (r != null && Double.isNaN(r.error()) && !noError.contains(impl)) {
                    noError.add(impl);
                }
            }
            chart.series(impl, values, errors, notes);
        }
        describe(chart, first.benchmark(), impls);
        if (noError.size() < impls.size()) {
            chart.note("Whiskers: score \u00B1 JMH's error, the 99.9% confidence interval over the measured iterations"
                    + " (one that would reach below 0 stops at the axis).");
        }
        if (!noError.isEmpty()) {
            chart.note("No whisker on " + String.join(", ", noError) + ": JMH gave no error (a single measured"
                    + " iteration); such a bar is one measurement, not an estimate.");
        }
        return chart.build();
    }

    /** Caption entries: what each impl is, from {@link SeriesDescriptions}. */
    private static void describe(SvgChart.Builder chart, String benchmark, Iterable<String> impls) {
        for (String impl : impls) {
            String d = SeriesDescriptions.of(benchmark, impl);
            chart.describe(impl, d != null ? d : "not described (no entry in SeriesDescriptions)");
        }
    }

    /** Times per operation get time ticks (250 \u00B5s); rates, counts and bytes SI prefixes (40 M). */
    static AxisFormat axisFormat(String unit) {
        int slash = unit.indexOf('/');
        String head = slash < 0 ? unit : unit.substring(0, slash);
        switch (head) {
            case "ns":
            case "us":
            case "ms":
            case "s":
                return AxisFormat.time(head);
            default:
                return AxisFormat.number();
        }
    }

    /** One parameter combination of a SampleTime method: groups are percentiles, bars the impls. */
    private static SvgChart percentileChart(List<Result> rs, String machine) {
        Result first = rs.get(0);
        List<String> categories = new ArrayList<>(first.percentiles().keySet());
        SvgChart.Builder chart = SvgChart.groupedBars()
                .title(first.benchmark() + (first.group().isEmpty() ? "" : ", " + first.group())
                        + ": latency (" + first.unit() + ", lower is better)")
                .xLabel("percentile")
                .yLabel(first.unit())
                .unit(first.unit())
                .logScale()
                .axisFormat(axisFormat(first.unit()))
                .categories(categories)
                .width(720);
        if (!machine.isEmpty()) {
            chart.subtitle(machine);
        }
        for (Result r : rs) {
            double[] values = new double[categories.size()];
            List<String> notes = new ArrayList<>();
            for (int i = 0; i < categories.size(); i++) {
                Double v = r.percentiles().get(categories.get(i));
                values[i] = v == null ? Double.NaN : v;
                notes.add(String.format(Locale.ROOT, "%s, %s: %s %s", r.impl(), categories.get(i), format(values[i]), r.unit()));
            }
            chart.series(r.impl(), values, notes);
        }
        List<String> impls = new ArrayList<>();
        for (Result r : rs) {
            impls.add(r.impl());
        }
        describe(chart, first.benchmark(), impls);
        chart.note("Percentiles of every sampled operation, all iterations pooled (JMH SampleTime); JMH gives no error"
                + " for a percentile, so there are no whiskers.");
        return chart.build();
    }

    private static Result find(List<Result> rs, String impl, String group) {
        for (Result r : rs) {
            if (r.impl().equals(impl) && r.group().equals(group)) {
                return r;
            }
        }
        return null;
    }

    /** Rates are better higher, times and bytes lower. */
    private static String direction(String unit) {
        return unit.startsWith("ops/") || unit.endsWith("/s") ? "higher is better" : "lower is better";
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "?";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** The results as a Markdown table: benchmark, parameters, impl, score (percentiles for SampleTime). */
    static String markdown(List<Result> results, String machine) {
        StringBuilder s = new StringBuilder();
        if (!machine.isEmpty()) {
            s.append("Machine: ").append(machine).append("\n\n");
        }
        s.append("| benchmark | parameters | impl | score | unit |\n|---|---|---|---:|---|\n");
        for (Result r : results) {
            String score = r.sampled()
                    ? String.format(Locale.ROOT, "p50 %s, p99 %s", format(r.percentiles().getOrDefault("p50", Double.NaN)),
                    format(r.percentiles().getOrDefault("p99", Double.NaN)))
                    : format(r.score()) + (Double.isNaN(r.error()) ? "" : " \u00B1 " + format(r.error()));
            s.append("| ").append(r.benchmark()).append(r.metric().equals("score") ? "" : ":" + r.metric())
                    .append(" | ").append(r.group().isEmpty() ? "-" : r.group()).append(" | ").append(r.impl()).append(" | ").append(score)
                    .append(" | ").append(r.unit()).append(" |\n");
        }
        return s.toString();
    }

    /** A page holding every chart, inline, then the table. */
    static String html(Map<String, SvgChart> charts, String machine, String table) {
        StringBuilder h = new StringBuilder(65_536);
        h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
                .append("<meta charset=\"utf-8\"/>\n<title>iocp4j JMH results</title>\n")
                .append("<style>body { font-family: sans-serif; margin: 2em; color: #222; } figure { margin: 1em 0; }")
                .append(" pre { background: #f6f6f6; padding: 1em; }</style>\n</head>\n<body>\n")
                .append("<h1>iocp4j JMH results</h1>\n")
                .append("<p>Bars are JMH's scores, a group per parameter combination and a bar per <code>impl</code>;")
                .append(" under each chart its caption says what each <code>impl</code> is and which are the baselines.")
                .append(" Whiskers are score \u00B1 JMH's error (the 99.9% confidence interval over the measured")
                .append(" iterations); a bar without one had a single measured iteration, so JMH gave no error.")
                .append(" Percentile charts (SampleTime) are on a log scale and carry no error.</p>\n");
        if (!machine.isEmpty()) {
            h.append("<p>Machine: ").append(escape(machine)).append("</p>\n");
        }
        for (Map.Entry<String, SvgChart> e : charts.entrySet()) {
            h.append("<figure id=\"").append(escape(e.getKey())).append("\">\n").append(e.getValue().svgElement())
                    .append("</figure>\n");
        }
        h.append("<h2>Every result</h2>\n<pre>").append(escape(table)).append("</pre>\n</body>\n</html>\n");
        return h.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Reads the JSON files and writes {@code DIR/<chart>.svg}, {@code DIR/index.html} and
     * {@code DIR/results.md}.
     *
     * @param args {@code --out DIR [--machine TEXT] file.json...}
     */
    public static void main(String[] args) throws IOException {
        Path out = null;
        String machine = "";
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (args[i].equals("--machine") && i + 1 < args.length) {
                machine = args[++i];
            } else if (args[i].startsWith("--")) {
                usage("unknown option " + args[i]);
            } else {
                inputs.add(Path.of(args[i]));
            }
        }
        if (out == null || inputs.isEmpty()) {
            usage("needs --out DIR and at least one JSON file");
        }
        List<Result> results = new ArrayList<>();
        for (Path p : inputs) {
            try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                results.addAll(read(r));
            }
        }
        Files.createDirectories(out);
        Map<String, SvgChart> charts = charts(results, machine);
        for (Map.Entry<String, SvgChart> e : charts.entrySet()) {
            Files.writeString(out.resolve(e.getKey() + ".svg"), e.getValue().toSvg(), StandardCharsets.UTF_8);
        }
        String table = markdown(results, machine);
        Files.writeString(out.resolve("results.md"), table, StandardCharsets.UTF_8);
        Files.writeString(out.resolve("index.html"), html(charts, machine, table), StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "%d results, %d charts: %s%n", results.size(), charts.size(), out.resolve("index.html"));
    }

    private static void usage(String problem) {
        System.err.println("JmhCharts: " + problem);
        System.err.println("usage: java -cp benchmarks.jar org.iocp4j.benchmarks.JmhCharts --out DIR [--machine TEXT] results.json...");
        System.exit(2);
    }
}
