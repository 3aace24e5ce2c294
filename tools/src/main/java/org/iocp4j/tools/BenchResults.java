package org.iocp4j.tools;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.iocp4j.tools.bench.Latencies;

/** What {@code iocp4j bench} measured: each case, and each technology's throughput and latency on it. */
final class BenchResults {

    /** The latency percentiles reported, then the maximum; {@link Row#latencyMicros} follows this order. */
    static final List<String> LATENCY_COLUMNS = List.of("p50", "p90", "p99", "p99.9", "max");
    private static final double[] PERCENTILES = {50, 90, 99, 99.9};
    /** What the "in flight" column is, and why it is there. */
    static final String IN_FLIGHT_NOTE = "\"in flight\" is operations per second \u00D7 mean latency (Little's"
            + " law): how many operations were in progress on average as the latencies count them. It comes out near"
            + " the connections or reads in flight only when every operation's waiting is in its latency; a figure"
            + " far below would mean time the latencies leave out (it also sits a little below because each batch of"
            + " operations drains before the next starts)";

    /** One technology on one case; {@code error} is null unless the run failed (its figures are then NaN). */
    static final class Row {
        private final String impl;
        private final String description;
        private final long operations;
        private final double seconds;
        private final double[] latencyMicros;
        private final double meanMicros;
        private final String error;

        Row(String impl, String description, long operations, double seconds, double[] latencyMicros, double meanMicros,
                String error) {
            this.impl = impl;
            this.description = description;
            this.operations = operations;
            this.seconds = seconds;
            this.latencyMicros = latencyMicros;
            this.meanMicros = meanMicros;
            this.error = error;
        }

        static Row measured(String impl, String description, long operations, double seconds, Latencies.Snapshot s) {
            double[] lat = new double[LATENCY_COLUMNS.size()];
            for (int i = 0; i < PERCENTILES.length; i++) {
                lat[i] = s.percentileMicros(PERCENTILES[i]);
            }
            lat[PERCENTILES.length] = s.maxMicros();
            return new Row(impl, description, operations, seconds, lat, s.meanMicros(), null);
        }

        static Row failed(String impl, String description, String error) {
            double[] lat = new double[LATENCY_COLUMNS.size()];
            Arrays.fill(lat, Double.NaN);
            return new Row(impl, description, 0, 0, lat, Double.NaN, error);
        }

        double opsPerSecond() {
            return error != null || seconds <= 0 ? Double.NaN : operations / seconds;
        }

        String impl() {
            return impl;
        }

        String description() {
            return description;
        }

        long operations() {
            return operations;
        }

        double seconds() {
            return seconds;
        }

        double[] latencyMicros() {
            return latencyMicros;
        }

        double meanMicros() {
            return meanMicros;
        }

        /** Operations in progress on average, by Little's law: throughput times mean latency. */
        double inFlight() {
            return opsPerSecond() * meanMicros / 1e6;
        }

        String error() {
            return error;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Row)) {
                return false;
            }
            Row o = (Row) other;
            return Objects.equals(impl, o.impl)
                && Objects.equals(description, o.description)
                && operations == o.operations
                && Double.compare(seconds, o.seconds) == 0
                && Objects.equals(latencyMicros, o.latencyMicros)
                && Objects.equals(error, o.error);
        }

        @Override
        public int hashCode() {
            return Objects.hash(impl, description, operations, seconds, latencyMicros, error);
        }

        @Override
        public String toString() {
            return "Row[impl=" + impl + ", description=" + description + ", operations=" + operations + ", seconds=" + seconds + ", latencyMicros=" + latencyMicros + ", error=" + error + "]";
        }
    }

    /**
     * One workload and every technology's row on it; the first row is iocp4j, the ones after it the NIO
     * baselines.
     */
    static final class Case {
        private final String family;
        private final String title;
        private final String operation;
        private final List<Row> rows;

        Case(String family, String title, String operation, List<Row> rows) {
            this.family = family;
            this.title = title;
            this.operation = operation;
            this.rows = rows;
        }

        /** This row's throughput over iocp4j's: NaN when either failed. */
        double relative(Row r) {
            return r.opsPerSecond() / rows.get(0).opsPerSecond();
        }

        /** The baseline (a row that is not iocp4j's) with the most throughput, or null if every baseline failed. */
        Row bestBaseline() {
            Row best = null;
            for (Row r : rows.subList(1, rows.size())) {
                if (!isIocp4j(r) && r.error() == null && (best == null || r.opsPerSecond() > best.opsPerSecond())) {
                    best = r;
                }
            }
            return best;
        }

        /** iocp4j's own rows: the first, and its variants ({@code iocp4j-skip}, ...). */
        List<Row> iocp4jRows() {
            List<Row> own = new ArrayList<>();
            for (Row r : rows) {
                if (isIocp4j(r)) {
                    own.add(r);
                }
            }
            return own;
        }

        private static boolean isIocp4j(Row r) {
            return r.impl().equals("iocp4j") || r.impl().startsWith("iocp4j-");
        }

        String family() {
            return family;
        }

        String title() {
            return title;
        }

        String operation() {
            return operation;
        }

        List<Row> rows() {
            return rows;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Case)) {
                return false;
            }
            Case o = (Case) other;
            return Objects.equals(family, o.family)
                && Objects.equals(title, o.title)
                && Objects.equals(operation, o.operation)
                && Objects.equals(rows, o.rows);
        }

        @Override
        public int hashCode() {
            return Objects.hash(family, title, operation, rows);
        }

        @Override
        public String toString() {
            return "Case[family=" + family + ", title=" + title + ", operation=" + operation + ", rows=" + rows + "]";
        }
    }

    final Results.Machine machine;
    /** How each case was run, in words: warm-up, measured time. */
    final String settings;
    /** Which latency figures are corrected for coordinated omission, and how (or why none is). */
    final String latencyNote;
    final List<Case> cases;

    BenchResults(Results.Machine machine, String settings, String latencyNote, List<Case> cases) {
        this.machine = machine;
        this.settings = settings;
        this.latencyNote = latencyNote;
        this.cases = List.copyOf(cases);
    }

    boolean anyFailed() {
        return cases.stream().flatMap(c -> c.rows().stream()).anyMatch(r -> r.error() != null);
    }

    /** The case's table: throughput, throughput relative to iocp4j, and latency percentiles. */
    static void printCase(PrintStream out, Case c) {
        int w = implWidth(c);
        out.printf(Locale.ROOT, "%s (%s)%n", c.title(), c.operation());
        out.printf(Locale.ROOT, "  %-" + w + "s %14s %9s", "way", c.operation().replace(' ', '-') + "/s", "x iocp4j");
        for (String col : LATENCY_COLUMNS) {
            out.printf(Locale.ROOT, " %10s", col + " us");
        }
        out.printf(Locale.ROOT, " %10s %9s%n", "mean us", "in flight");
        for (Row r : c.rows()) {
            if (r.error() != null) {
                out.printf(Locale.ROOT, "  %-" + w + "s failed: %s%n", r.impl(), r.error());
                continue;
            }
            out.printf(Locale.ROOT, "  %-" + w + "s %,14.0f %9.2f", r.impl(), r.opsPerSecond(), c.relative(r));
            for (double v : r.latencyMicros()) {
                out.printf(Locale.ROOT, " %,10.1f", v);
            }
            out.printf(Locale.ROOT, " %,10.1f %9.1f%n", r.meanMicros(), r.inFlight());
        }
        out.println();
    }

    /** The technologies measured in each family, once: which backend, which NIO. */
    static void printWays(PrintStream out, Case c) {
        int w = implWidth(c);
        for (Row r : c.rows()) {
            out.printf(Locale.ROOT, "  %-" + w + "s %s%n", r.impl(), r.description());
        }
        out.println();
    }

    /** One line per case: iocp4j beside the best baseline. Then what the backend means for the figures. */
    void printSummary(PrintStream out) {
        out.println("summary: iocp4j beside the fastest NIO baseline in each case");
        int tw = cases.stream().mapToInt(c -> c.title().length()).max().orElse(0);
        int iw = cases.stream().map(Case::bestBaseline).filter(Objects::nonNull)
                .mapToInt(r -> r.impl().length()).max().orElse(0);
        int ow = cases.stream().flatMap(c -> c.iocp4jRows().stream()).mapToInt(r -> r.impl().length()).max().orElse(0);
        for (Case c : cases) {
            Row best = c.bestBaseline();
            for (Row iocp : c.iocp4jRows()) {
                if (iocp.error() != null || best == null) {
                    out.printf(Locale.ROOT, "  %-" + tw + "s  %-" + ow + "s no comparison: a run failed%n", c.title(), iocp.impl());
                    continue;
                }
                out.printf(Locale.ROOT, "  %-" + tw + "s  %-" + ow + "s %,10.0f/s  %-" + iw + "s %,10.0f/s  %s at %.2fx, p50 %s vs %s us%n",
                        c.title(), iocp.impl(), iocp.opsPerSecond(), best.impl(), best.opsPerSecond(), iocp.impl(),
                        iocp.opsPerSecond() / best.opsPerSecond(), micros(iocp.latencyMicros()[0]),
                        micros(best.latencyMicros()[0]));
            }
        }
        out.println();
        out.println(IN_FLIGHT_NOTE + ".");
        out.println(backendNote());
    }

    /** What the figures compare, given the backend this machine ran. */
    String backendNote() {
        if (machine.backend().equals("native")) {
            return "The native backend ran: iocp4j's own I/O completion port beside the JDK's (NIO.2) and its"
                    + " selector (wepoll over AFD).";
        }
        return "The " + machine.backend() + " backend ran (no I/O completion ports here): iocp4j emulates them over"
                + " NIO, so these figures show what the emulation costs beside the JDK's own NIO, not IOCP against"
                + " NIO. Run the same command on Windows for that comparison.";
    }

    private static int implWidth(Case c) {
        return c.rows().stream().mapToInt(r -> r.impl().length()).max().orElse(0);
    }

    private static String micros(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }
}
