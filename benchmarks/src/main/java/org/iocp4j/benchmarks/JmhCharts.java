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

import org.iocp4j.tools.SvgChart;

/**
 * Turns JMH's JSON results ({@code -rf json}) into the charts {@code iocp4j bench} draws: for each benchmark
 * method, grouped bars with one group per parameter combination and one bar per {@code impl} (iocp4j and its
 * baselines side by side); for {@code SampleTime} methods, one chart per combination with the percentiles as
 * groups. Writes an SVG per chart, an HTML page holding them all, and {@code results.md}, the table for a
 * README.
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

        /** The parameters other than {@code impl}, as "name=value, ...": the group a bar stands in. */
        String group() {
            StringBuilder s = new StringBuilder();
            for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
                if (!e.getKey().equals("impl")) {
                    s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
                }
            }
            return s.length() == 0 ? "(no parameters)" : s.toString();
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
            if (r.sampled() && !r.params().keySet().equals(Set.of("impl"))) {
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
        String metric = first.metric().equals("score") ? "" : ":" + first.metric();
        SvgChart.Builder chart = SvgChart.groupedBars()
                .title(first.benchmark() + metric + " (" + first.unit() + ", " + direction(first.unit()) + ")")
                .xLabel("parameters")
                .yLabel(first.unit())
                .unit(first.unit())
                .categories(categories);
        if (!machine.isEmpty()) {
            chart.subtitle(machine);
        }
        for (String impl : impls) {
            double[] values = new double[categories.size()];
            List<String> notes = new ArrayList<>();
            for (int g = 0; g < categories.size(); g++) {
                Result r = find(rs, impl, categories.get(g));
                values[g] = r == null ? Double.NaN : r.score();
                notes.add(r == null ? impl + ", " + categories.get(g) + ": not run"
                        : String.format(Locale.ROOT, "%s, %s: %s \u00B1 %s %s", impl, categories.get(g),
                        format(r.score()), format(r.error()), r.unit()));
            }
            chart.series(impl, values, notes);
        }
        return chart.build();
    }

    /** One parameter combination of a SampleTime method: groups are percentiles, bars the impls. */
    private static SvgChart percentileChart(List<Result> rs, String machine) {
        Result first = rs.get(0);
        List<String> categories = new ArrayList<>(first.percentiles().keySet());
        SvgChart.Builder chart = SvgChart.groupedBars()
                .title(first.benchmark() + (first.params().keySet().equals(Set.of("impl")) ? "" : ", " + first.group())
                        + ": latency (" + first.unit() + ", lower is better)")
                .xLabel("percentile")
                .yLabel(first.unit())
                .unit(first.unit())
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
                    .append(" | ").append(r.group()).append(" | ").append(r.impl()).append(" | ").append(score)
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
                .append("<h1>iocp4j JMH results</h1>\n");
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
