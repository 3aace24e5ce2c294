package org.iocp4j.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A grouped bar chart written as a small, self-contained SVG document: no library, no script, no
 * external resource. One group of bars per category, one bar per series in each group, and optionally a
 * reference drawn as a dashed step line across the groups (an ideal, a baseline, a budget). Every bar
 * carries a {@code <title>} tooltip, and all text is XML-escaped, so the output parses as XML and can be
 * embedded as-is in an HTML page.
 *
 * <p>The value axis is linear from 0, or {@linkplain Builder#logScale() logarithmic} with a tick per decade
 * (for latencies, where a p99.9 would flatten every p50 into a sliver); its numbers are written by an
 * {@link AxisFormat} ({@code 40 M}, {@code 250 µs}). A series may carry an error per value, drawn as a
 * whisker from value − error to value + error. Under the plot a caption explains each series
 * ({@link Builder#describe}) and carries the chart's notes ({@link Builder#note}), so a chart saved alone
 * still says what its bars are.
 *
 * <pre>{@code
 * String svg = SvgChart.groupedBars()
 *         .title("Throughput")
 *         .xLabel("batch size").yLabel("operations per second")
 *         .categories(List.of("1", "16", "64"))
 *         .series("native", new double[] {1.2e6, 4.1e6, 5.0e6})
 *         .series("portable", new double[] {0.9e6, 2.2e6, 2.4e6})
 *         .build()
 *         .toSvg();
 * }</pre>
 */
public final class SvgChart {

    /** Okabe-Ito: told apart with every common colour-vision deficiency. */
    private static final String[] PALETTE = {
        "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
    };
    private static final String REFERENCE_COLOR = "#222222";
    private static final String WHISKER_COLOR = "#222222";
    private static final int FONT = 12;
    private static final double CHAR_WIDTH = 0.6 * FONT;
    private static final double CAPTION_LINE = 16;

    private final String title;
    private final List<String> subtitles;
    private final String xLabel;
    private final String yLabel;
    private final String unit;
    private final List<String> categories;
    private final List<Series> series;
    private final Series reference;
    private final int width;
    private final int plotHeight;
    private final boolean log;
    private final AxisFormat format;
    private final List<String[]> descriptions;
    private final List<String> notes;

    private SvgChart(Builder b) {
        this.title = b.title;
        this.subtitles = List.copyOf(b.subtitles);
        this.xLabel = b.xLabel;
        this.yLabel = b.yLabel;
        this.unit = b.unit;
        this.categories = List.copyOf(b.categories);
        this.series = List.copyOf(b.series);
        this.reference = b.reference;
        // An explicit width still grows to fit the title: a clipped title is worse than a wider chart.
        this.width = b.width > 0 ? Math.max(b.width, textWidth(title, subtitles))
                : automaticWidth(categories, series.size(), title, subtitles);
        this.plotHeight = b.plotHeight;
        this.log = b.log;
        this.format = b.format;
        this.descriptions = List.copyOf(b.descriptions);
        this.notes = List.copyOf(b.notes);
    }

    /**
     * Starts a grouped bar chart.
     *
     * @return a builder with no categories and no series yet
     */
    public static Builder groupedBars() {
        return new Builder();
    }

    /**
     * The chart as a standalone SVG file: an XML declaration and the {@code <svg>} element.
     *
     * @return the document text, UTF-8 declared
     */
    public String toSvg() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svgElement();
    }

    /**
     * Several charts as one standalone SVG file, one under the other, each keeping its own size: for a
     * report that must be a single {@code .svg}.
     *
     * @param charts the charts, top to bottom; not empty
     * @param title  the document's accessible name
     * @return the document text, UTF-8 declared
     */
    public static String column(List<SvgChart> charts, String title) {
        if (charts.isEmpty()) {
            throw new IllegalArgumentException("a column needs at least one chart");
        }
        int w = 0;
        int h = 0;
        StringBuilder body = new StringBuilder(16_384);
        for (SvgChart c : charts) {
            int ch = c.new Layout().height;
            // A nested <svg> is its own viewport: x and y place it, its viewBox keeps its drawing intact.
            body.append(c.svgElement().replaceFirst("^<svg ", "<svg x=\"0\" y=\"" + h + "\" "));
            w = Math.max(w, c.width);
            h += ch;
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + w
                + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h + "\" role=\"img\" aria-label=\""
                + Xml.escape(title) + "\">\n<title>" + Xml.escape(title) + "</title>\n" + body + "</svg>\n";
    }

    /**
     * The chart as one {@code <svg>} element with its namespace, to embed inline in (X)HTML.
     *
     * @return the element's text
     */
    public String svgElement() {
        Layout l = new Layout();
        StringBuilder s = new StringBuilder(8192);
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(l.height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(l.height)
                .append("\" font-family=\"sans-serif\" font-size=\"").append(FONT).append("\" role=\"img\"")
                .append(" aria-label=\"").append(Xml.escape(title)).append("\">\n");
        s.append("<title>").append(Xml.escape(title)).append("</title>\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        header(s, l);
        axes(s, l);
        bars(s, l);
        whiskers(s, l);
        if (reference != null) {
            referenceLine(s, l);
        }
        caption(s, l);
        s.append("</svg>\n");
        return s.toString();
    }

    private void header(StringBuilder s, Layout l) {
        double y = 24;
        s.append(text(width / 2.0, y, "middle", "font-size=\"16\" font-weight=\"bold\"", title));
        for (String line : subtitles) {
            y += 17;
            s.append(text(width / 2.0, y, "middle", "fill=\"#444444\"", line));
        }
        s.append("<g class=\"legend\">\n");
        for (LegendItem item : l.legend) {
            s.append("<g class=\"legend-item\">");
            if (item.series == reference) {
                s.append(String.format(Locale.ROOT,
                        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\""
                                + " stroke-dasharray=\"5 3\"/>",
                        item.x, item.y - 4, item.x + 18, item.y - 4, REFERENCE_COLOR));
            } else {
                s.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>",
                        item.x + 3, item.y - 10, item.color));
            }
            s.append(text(item.x + 24, item.y, "start", "", item.series.name).trim()).append("</g>\n");
        }
        s.append("</g>\n");
    }

    private void axes(StringBuilder s, Layout l) {
        s.append("<g class=\"axes\">\n");
        for (double v : l.minorTicks) {
            double y = l.y(v);
            s.append(String.format(Locale.ROOT,
                    "<line class=\"minor-tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                    l.left, y, l.right, y, "#f2f2f2"));
        }
        for (int i = 0; i < l.ticks.length; i++) {
            double v = l.ticks[i];
            double y = l.y(v);
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                    l.left, y, l.right, y, i == 0 ? "#000000" : "#e3e3e3"));
            s.append(text(l.left - 6, y + 4, "end", "class=\"tick\"", format.format(v)));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000000\"/>\n",
                l.left, l.top, l.left, l.bottom));
        for (int g = 0; g < categories.size(); g += l.labelStep) {
            s.append(text(l.groupCenter(g), l.bottom + 16, "middle", "", categories.get(g)));
        }
        s.append(text((l.left + l.right) / 2, l.bottom + 38, "middle", "", xLabel));
        double cy = (l.top + l.bottom) / 2;
        String axis = yLabel + (log ? " (log scale)" : "");
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">%s</text>\n",
                cy, cy, Xml.escape(axis)));
        s.append("</g>\n");
    }

    private void bars(StringBuilder s, Layout l) {
        int n = series.size();
        double gap = l.barWidth > 4 ? 1 : 0;
        for (int k = 0; k < n; k++) {
            Series ser = series.get(k);
            s.append("<g class=\"series\" fill=\"").append(PALETTE[k % PALETTE.length]).append("\">\n");
            for (int g = 0; g < categories.size(); g++) {
                double v = ser.values[g];
                if (Double.isNaN(v)) {
                    continue;
                }
                double x = l.barX(g, k);
                double y = l.y(v);
                s.append(String.format(Locale.ROOT,
                        "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>%s</title></rect>\n",
                        x, y, Math.max(l.barWidth - gap, 0.5), Math.max(l.bottom - y, 0), Xml.escape(tooltip(ser, g))));
            }
            s.append("</g>\n");
        }
    }

    /** Value ± error of each bar that has an error: a vertical line with a cap at each end. */
    private void whiskers(StringBuilder s, Layout l) {
        boolean any = false;
        for (int k = 0; k < series.size(); k++) {
            Series ser = series.get(k);
            if (ser.errors == null) {
                continue;
            }
            for (int g = 0; g < categories.size(); g++) {
                double v = ser.values[g];
                double e = ser.errors[g];
                if (Double.isNaN(v) || Double.isNaN(e) || Double.isInfinite(e)) {
                    continue;
                }
                if (!any) {
                    s.append("<g class=\"whiskers\" stroke=\"").append(WHISKER_COLOR).append("\" stroke-width=\"1.5\">\n");
                    any = true;
                }
                double x = l.barX(g, k) + (l.barWidth - (l.barWidth > 4 ? 1 : 0)) / 2;
                double cap = Math.min(l.barWidth / 4, 6);
                double hi = l.y(v + Math.abs(e));
                double lo = l.y(v - Math.abs(e));
                s.append(String.format(Locale.ROOT, "<g class=\"whisker\"><title>%s</title>"
                                + "<line class=\"whisker-line\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>"
                                + "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/>"
                                + "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"/></g>\n",
                        Xml.escape(ser.name + ", " + categories.get(g) + ": " + formatValue(v) + " \u00B1 " + formatValue(Math.abs(e))
                                + (unit.isEmpty() ? "" : " " + unit)),
                        x, hi, x, lo, x - cap, hi, x + cap, hi, x - cap, lo, x + cap, lo));
            }
        }
        if (any) {
            s.append("</g>\n");
        }
    }

    /** Under the plot: what each series is, then the notes; wrapped to the chart's width. */
    private void caption(StringBuilder s, Layout l) {
        if (l.caption.isEmpty()) {
            return;
        }
        s.append("<g class=\"caption\" fill=\"#333333\">\n");
        for (CaptionItem item : l.caption) {
            s.append("<g class=\"").append(item.series == null ? "caption-note" : "caption-item").append("\">");
            double y = item.y;
            if (item.series != null) {
                if (item.series == reference) {
                    s.append(String.format(Locale.ROOT,
                            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\""
                                    + " stroke-dasharray=\"5 3\"/>", 16.0, y - 4, 30.0, y - 4, REFERENCE_COLOR));
                } else {
                    s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>",
                            18.0, y - 9, item.color));
                }
            }
            for (String line : item.lines) {
                s.append(text(item.series == null ? 16 : 36, y, "start", "", line).trim());
                y += CAPTION_LINE;
            }
            s.append("</g>\n");
        }
        s.append("</g>\n");
    }

    private void referenceLine(StringBuilder s, Layout l) {
        s.append("<g class=\"reference\" stroke=\"").append(REFERENCE_COLOR)
                .append("\" stroke-width=\"2\" stroke-dasharray=\"5 3\" fill=\"none\">\n");
        StringBuilder path = new StringBuilder();
        for (int g = 0; g < categories.size(); g++) {
            double v = reference.values[g];
            if (Double.isNaN(v)) {
                continue;
            }
            double x0 = l.left + g * l.groupWidth;
            double x1 = x0 + l.groupWidth;
            double y = l.y(v);
            s.append(String.format(Locale.ROOT,
                    "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"><title>%s</title></line>\n",
                    x0, y, x1, y, Xml.escape(tooltip(reference, g))));
            if (g + 1 < categories.size() && !Double.isNaN(reference.values[g + 1])) {
                path.append(String.format(Locale.ROOT, "M%.2f %.2fV%.2f", x1, y, l.y(reference.values[g + 1])));
            }
        }
        if (path.length() > 0) {
            s.append("<path stroke-width=\"1\" d=\"").append(path).append("\"/>\n");
        }
        s.append("</g>\n");
    }

    private String tooltip(Series ser, int g) {
        if (ser.notes != null) {
            return ser.notes.get(g);
        }
        return ser.name + ", " + categories.get(g) + ": " + formatValue(ser.values[g]) + (unit.isEmpty() ? "" : " " + unit);
    }

    private static String text(double x, double y, String anchor, String attributes, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n",
                x, y, anchor, attributes.isEmpty() ? "" : " " + attributes, Xml.escape(content));
    }

    /**
     * Wide enough for the bars and, while that stays under the limit, for every category's label (past it,
     * labels are thinned out); and for the title's lines.
     */
    private static int automaticWidth(List<String> categories, int seriesCount, String title, List<String> subtitles) {
        int longest = 1;
        for (String c : categories) {
            longest = Math.max(longest, c.length());
        }
        double perGroup = Math.max(Math.max(seriesCount, 1) * 10 + 10, longest * CHAR_WIDTH + 12);
        return (int) Math.max(Math.max(720, Math.min(4000, 140 + categories.size() * perGroup)), textWidth(title, subtitles));
    }

    /** The width the title (drawn larger) and the subtitles need, up to the limit. */
    private static int textWidth(String title, List<String> subtitles) {
        double text = title.length() * CHAR_WIDTH * 16 / FONT;
        for (String line : subtitles) {
            text = Math.max(text, line.length() * CHAR_WIDTH);
        }
        return (int) Math.min(4000, text + 40);
    }

    /** A value as a tooltip shows it: whole numbers from 100 up, three significant digits below. */
    static String formatValue(double v) {
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A step of 1, 2, 2.5 or 5 times a power of ten, at least {@code rough}. */
    static double niceStep(double rough) {
        if (!(rough > 0) || Double.isInfinite(rough)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double f = rough / magnitude;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /** Where everything goes; computed once per rendering. */
    private final class Layout {
        final List<LegendItem> legend = new ArrayList<>();
        final List<CaptionItem> caption = new ArrayList<>();
        final double left;
        final double right;
        final double top;
        final double bottom;
        final int height;
        /** The labelled ticks, bottom first: the axis's floor, then up to its top. */
        final double[] ticks;
        /** Unlabelled grid lines between the decades of a log scale (2x and 5x). */
        final double[] minorTicks;
        final double groupWidth;
        final double barWidth;
        final int labelStep;
        private final double floor;
        private final double ceiling;

        Layout() {
            double max = 0;
            double minPositive = Double.POSITIVE_INFINITY;
            for (Series ser : allSeries()) {
                for (int i = 0; i < ser.values.length; i++) {
                    double v = ser.values[i];
                    if (Double.isNaN(v) || Double.isInfinite(v)) {
                        continue;
                    }
                    double e = ser.errors == null || Double.isNaN(ser.errors[i]) || Double.isInfinite(ser.errors[i])
                            ? 0 : Math.abs(ser.errors[i]);
                    max = Math.max(max, v + e);
                    if (v > 0) {
                        minPositive = Math.min(minPositive, v);
                    }
                }
            }
            if (log) {
                // From the decade at or under half the smallest bar, so every bar is at least a factor of 2 (0.3
                // of a decade) tall: 1.2 µs stands on 100 ns, not as a sliver on 1 µs; to the decade at or over
                // the tallest whisker.
                int lo = minPositive < Double.POSITIVE_INFINITY ? (int) Math.floor(Math.log10(minPositive / 2) + 1e-9) : 0;
                int hi = max > 0 ? (int) Math.ceil(Math.log10(max) - 1e-9) : lo + 1;
                hi = Math.max(hi, lo + 1);
                ticks = new double[hi - lo + 1];
                List<Double> minor = new ArrayList<>();
                for (int d = lo; d <= hi; d++) {
                    ticks[d - lo] = Math.pow(10, d);
                    if (d < hi) {
                        minor.add(2 * Math.pow(10, d));
                        minor.add(5 * Math.pow(10, d));
                    }
                }
                minorTicks = minor.stream().mapToDouble(Double::doubleValue).toArray();
                floor = ticks[0];
                ceiling = ticks[ticks.length - 1];
            } else {
                double step = niceStep(max > 0 ? max / 5 : 1);
                int n = Math.max(1, (int) Math.ceil(max / step - 1e-9));
                ticks = new double[n + 1];
                for (int i = 0; i <= n; i++) {
                    ticks[i] = i * step;
                }
                minorTicks = new double[0];
                floor = 0;
                ceiling = n * step;
            }

            int widest = 0;
            for (double t : ticks) {
                widest = Math.max(widest, format.format(t).length());
            }
            left = 30 + widest * CHAR_WIDTH + 8;
            right = width - 16;

            // Legend below the title, wrapped to the plot's width.
            double y = 24 + 17 * subtitles.size() + 24;
            double x = left;
            int k = 0;
            for (Series ser : allSeries()) {
                double w = 24 + ser.name.length() * CHAR_WIDTH + 18;
                if (x + w > right && x > left) {
                    x = left;
                    y += 18;
                }
                legend.add(new LegendItem(ser, x, y, ser == reference ? REFERENCE_COLOR : PALETTE[k++ % PALETTE.length]));
                x += w;
            }
            top = y + 20;
            bottom = top + plotHeight;

            // The caption: a swatch and "name: what it is" per described series, then the notes.
            double cy = bottom + 62;
            // Caption text is mostly lower case: narrower than the legend's estimate, which must never overflow.
            int columns = (int) Math.max(20, (width - 52) / (0.55 * FONT));
            for (String[] d : descriptions) {
                Series ser = find(d[0]);
                List<String> lines = wrap(d[0] + ": " + d[1], columns);
                caption.add(new CaptionItem(ser, cy, ser == reference ? REFERENCE_COLOR : color(ser), lines));
                cy += lines.size() * CAPTION_LINE;
            }
            for (String note : notes) {
                List<String> lines = wrap(note, columns + 2);
                caption.add(new CaptionItem(null, cy, null, lines));
                cy += lines.size() * CAPTION_LINE;
            }
            height = (int) Math.ceil(caption.isEmpty() ? bottom + 50 : cy - CAPTION_LINE + 14);

            groupWidth = (right - left) / categories.size();
            barWidth = groupWidth * 0.8 / series.size();
            int longest = 1;
            for (String c : categories) {
                longest = Math.max(longest, c.length());
            }
            labelStep = Math.max(1, (int) Math.ceil((longest * CHAR_WIDTH + 8) / groupWidth));
        }

        /** Where a value sits; on a log scale, values at or under the floor sit on it (a bar of no height). */
        double y(double v) {
            if (log) {
                double f = Math.log10(floor);
                double at = v > floor ? Math.log10(Math.min(v, ceiling * 10)) : f;
                return bottom - (at - f) / (Math.log10(ceiling) - f) * (bottom - top);
            }
            return bottom - Math.max(v, 0) / ceiling * (bottom - top);
        }

        double groupCenter(int g) {
            return left + (g + 0.5) * groupWidth;
        }

        double barX(int g, int k) {
            return left + g * groupWidth + groupWidth * 0.1 + k * barWidth;
        }

        private String color(Series ser) {
            int k = series.indexOf(ser);
            return PALETTE[Math.max(k, 0) % PALETTE.length];
        }

        private Series find(String name) {
            for (Series ser : allSeries()) {
                if (ser.name.equals(name)) {
                    return ser;
                }
            }
            throw new IllegalStateException("no series named '" + name + "'");
        }

        private List<Series> allSeries() {
            List<Series> all = new ArrayList<>(series);
            if (reference != null) {
                all.add(reference);
            }
            return all;
        }
    }

    /** {@code text} in lines of at most {@code columns} characters, broken at spaces where there are some. */
    static List<String> wrap(String text, int columns) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > columns) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** One entry of the caption: a series' swatch and description, or a note (no series). */
    private static final class CaptionItem {
        final Series series;
        final double y;
        final String color;
        final List<String> lines;

        CaptionItem(Series series, double y, String color, List<String> lines) {
            this.series = series;
            this.y = y;
            this.color = color;
            this.lines = lines;
        }
    }

    private static final class LegendItem {
        final Series series;
        final double x;
        final double y;
        final String color;

        LegendItem(Series series, double x, double y, String color) {
            this.series = series;
            this.x = x;
            this.y = y;
            this.color = color;
        }
    }

    /** One named row of values, one per category, with an optional error and tooltip per value. */
    private static final class Series {
        final String name;
        final double[] values;
        final double[] errors;
        final List<String> notes;

        Series(String name, double[] values, double[] errors, List<String> notes) {
            this.name = name;
            this.values = values;
            this.errors = errors;
            this.notes = notes;
        }
    }

    /** Settings of an {@link SvgChart}; categories first, then the series, whose lengths must match. */
    public static final class Builder {
        private String title = "";
        private final List<String> subtitles = new ArrayList<>();
        private String xLabel = "";
        private String yLabel = "";
        private String unit = "";
        private List<String> categories = List.of();
        private final List<Series> series = new ArrayList<>();
        private Series reference;
        private int width;
        private int plotHeight = 320;
        private boolean log;
        private AxisFormat format = AxisFormat.number();
        private final List<String[]> descriptions = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        private Builder() {
        }

        /**
         * Draws the value axis on a log scale: a labelled tick per decade (1, 10, 100 ...), from the decade at or
         * under half the smallest positive value, which is where the bars start (so the shortest bar is still a
         * factor of 2 tall). For latencies, whose tail is
         * orders of magnitude above their median; throughputs stay linear.
         *
         * @return this
         */
        public Builder logScale() {
            this.log = true;
            return this;
        }

        /**
         * @param format how the value axis writes its numbers (default {@link AxisFormat#number()})
         * @return this
         */
        public Builder axisFormat(AxisFormat format) {
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /**
         * Explains a series (or the reference) in the caption under the plot: "name: text".
         *
         * @param name the name of a series added before or after this call
         * @param text what the series is: the implementation, what it runs on, whether it is the baseline
         * @return this
         * @throws IllegalStateException from {@link #build()} if no series has that name
         */
        public Builder describe(String name, String text) {
            descriptions.add(new String[] {Objects.requireNonNull(name, "name"), Objects.requireNonNull(text, "text")});
            return this;
        }

        /**
         * Adds a line to the caption, after the series' descriptions (what the whiskers are, what is measured).
         *
         * @param line the text
         * @return this
         */
        public Builder note(String line) {
            notes.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        /**
         * @param title the chart's title, drawn at the top and used as its accessible name
         * @return this
         */
        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        /**
         * Adds a line under the title (machine facts, settings).
         *
         * @param line the text
         * @return this
         */
        public Builder subtitle(String line) {
            subtitles.add(Objects.requireNonNull(line, "line"));
            return this;
        }

        /**
         * @param label what the categories along the x axis are
         * @return this
         */
        public Builder xLabel(String label) {
            this.xLabel = Objects.requireNonNull(label, "label");
            return this;
        }

        /**
         * @param label what the values on the y axis are, unit included
         * @return this
         */
        public Builder yLabel(String label) {
            this.yLabel = Objects.requireNonNull(label, "label");
            return this;
        }

        /**
         * @param unit the unit shown after values in the default tooltips, e.g. "ms"; "" for none
         * @return this
         */
        public Builder unit(String unit) {
            this.unit = Objects.requireNonNull(unit, "unit");
            return this;
        }

        /**
         * @param categories the groups, left to right; not empty
         * @return this
         * @throws IllegalArgumentException if there are none, or series of another length were added
         */
        public Builder categories(List<String> categories) {
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("a chart needs at least one category");
            }
            if (!series.isEmpty() || reference != null) {
                throw new IllegalArgumentException("set the categories before adding series");
            }
            this.categories = List.copyOf(categories);
            return this;
        }

        /**
         * Adds a series of bars, one per category; its tooltips say "series, category: value unit".
         *
         * @param name   its name, shown in the legend
         * @param values one per category; {@code NaN} draws no bar
         * @return this
         * @throws IllegalArgumentException if the number of values is not the number of categories
         */
        public Builder series(String name, double[] values) {
            return series(name, values, null);
        }

        /**
         * Adds a series of bars with a tooltip of your own for each.
         *
         * @param name   its name, shown in the legend
         * @param values one per category; {@code NaN} draws no bar
         * @param notes  one tooltip per value, or null for the default ones
         * @return this
         * @throws IllegalArgumentException if the number of values or notes is not the number of categories
         */
        public Builder series(String name, double[] values, List<String> notes) {
            series.add(checked(name, values, null, notes));
            return this;
        }

        /**
         * Adds a series of bars with an error for each, drawn as a whisker from value − error to value + error.
         *
         * @param name   its name, shown in the legend
         * @param values one per category; {@code NaN} draws no bar
         * @param errors one per category, the half-width of the whisker; {@code NaN} draws no whisker
         * @param notes  one tooltip per value, or null for the default ones
         * @return this
         * @throws IllegalArgumentException if the number of values, errors or notes is not the number of
         *                                  categories
         */
        public Builder series(String name, double[] values, double[] errors, List<String> notes) {
            series.add(checked(name, values, Objects.requireNonNull(errors, "errors"), notes));
            return this;
        }

        /**
         * Sets the reference, drawn as a dashed step line at its value across each group (an ideal, a
         * baseline). It also sets the y axis's range with the series.
         *
         * @param name   its name, shown in the legend
         * @param values one per category; {@code NaN} leaves a gap
         * @param notes  one tooltip per value, or null for the default ones
         * @return this
         * @throws IllegalArgumentException if the number of values or notes is not the number of categories
         */
        public Builder reference(String name, double[] values, List<String> notes) {
            reference = checked(name, values, null, notes);
            return this;
        }

        /**
         * @param width the image's width in pixels; 0 (the default) grows it with the number of bars
         * @return this
         */
        public Builder width(int width) {
            if (width != 0 && width < 200) {
                throw new IllegalArgumentException("width must be 0 or at least 200: " + width);
            }
            this.width = width;
            return this;
        }

        /**
         * @param plotHeight the height of the plotting area in pixels (default 320)
         * @return this
         */
        public Builder plotHeight(int plotHeight) {
            if (plotHeight < 50) {
                throw new IllegalArgumentException("plotHeight must be at least 50: " + plotHeight);
            }
            this.plotHeight = plotHeight;
            return this;
        }

        /**
         * @return the chart
         * @throws IllegalStateException if it has no categories or no series
         */
        public SvgChart build() {
            if (categories.isEmpty() || series.isEmpty()) {
                throw new IllegalStateException("a chart needs categories and at least one series");
            }
            for (String[] d : descriptions) {
                boolean known = reference != null && reference.name.equals(d[0]);
                for (Series ser : series) {
                    known |= ser.name.equals(d[0]);
                }
                if (!known) {
                    throw new IllegalStateException("a description for '" + d[0] + "', which is no series of this chart");
                }
            }
            return new SvgChart(this);
        }

        private Series checked(String name, double[] values, double[] errors, List<String> notes) {
            Objects.requireNonNull(name, "name");
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("set the categories before adding series");
            }
            if (values.length != categories.size()) {
                throw new IllegalArgumentException("series '" + name + "' has " + values.length + " values for "
                        + categories.size() + " categories");
            }
            if (notes != null && notes.size() != categories.size()) {
                throw new IllegalArgumentException("series '" + name + "' has " + notes.size() + " notes for "
                        + categories.size() + " categories");
            }
            if (errors != null && errors.length != categories.size()) {
                throw new IllegalArgumentException("series '" + name + "' has " + errors.length + " errors for "
                        + categories.size() + " categories");
            }
            return new Series(name, values.clone(), errors == null ? null : errors.clone(),
                    notes == null ? null : List.copyOf(notes));
        }
    }
}
