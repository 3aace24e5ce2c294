package org.iocp4j.tools;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.iocp4j.Iocp;
import org.iocp4j.tools.Experiment.Outcome;
import org.iocp4j.tools.Experiment.Served;
import org.iocp4j.tools.Experiment.Way;

/** The experiment's outcomes set against the ideal schedule: the tables, the summary and the claim. */
final class Results {

    /** The port's mean may be this far above the ideal mean for the claim to hold. */
    static final double PORT_TOLERANCE = 1.10;
    /** A thread per request is "far above" the ideal from this ratio on. */
    static final double FAR_ABOVE = 1.20;

    /** The facts a reader needs to weigh the numbers. */
    static final class Machine {
        private final int cpus;
        private final String jdk;
        private final String os;
        private final String backend;
        private final double loadAverage;

        Machine(int cpus, String jdk, String os, String backend, double loadAverage) {
            this.cpus = cpus;
            this.jdk = jdk;
            this.os = os;
            this.backend = backend;
            this.loadAverage = loadAverage;
        }

        static Machine current() {
            String backend;
            try {
                backend = Iocp.backend().name().toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                backend = "unknown (" + e.getMessage() + ")";
            }
            return new Machine(Runtime.getRuntime().availableProcessors(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                            + System.getProperty("os.arch") + ")",
                    backend, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }

        /** The load average when the demo started, or "" where the platform has none (Windows). */
        String load() {
            return loadAverage < 0 ? "" : String.format(Locale.ROOT,
                    "load average over the last minute: %.2f", loadAverage);
        }

        @Override
        public String toString() {
            return cpus + " CPU" + (cpus == 1 ? "" : "s") + ", " + jdk + ", " + os + ", " + backend + " backend";
        }

        int cpus() {
            return cpus;
        }

        String jdk() {
            return jdk;
        }

        String os() {
            return os;
        }

        String backend() {
            return backend;
        }

        double loadAverage() {
            return loadAverage;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Machine)) {
                return false;
            }
            Machine o = (Machine) other;
            return cpus == o.cpus
                && Objects.equals(jdk, o.jdk)
                && Objects.equals(os, o.os)
                && Objects.equals(backend, o.backend)
                && Double.compare(loadAverage, o.loadAverage) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(cpus, jdk, os, backend, loadAverage);
        }
    }

    /** Whether the seeds' claim held on this run. */
    static final class Claim {
        private final boolean testable;
        private final boolean portHeld;
        private final boolean threadPerRequestHeld;
        private final String statement;
        private final String observation;

        Claim(boolean testable, boolean portHeld, boolean threadPerRequestHeld, String statement, String observation) {
            this.testable = testable;
            this.portHeld = portHeld;
            this.threadPerRequestHeld = threadPerRequestHeld;
            this.statement = statement;
            this.observation = observation;
        }

        boolean testable() {
            return testable;
        }

        boolean portHeld() {
            return portHeld;
        }

        boolean threadPerRequestHeld() {
            return threadPerRequestHeld;
        }

        String statement() {
            return statement;
        }

        String observation() {
            return observation;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Claim)) {
                return false;
            }
            Claim o = (Claim) other;
            return testable == o.testable
                && portHeld == o.portHeld
                && threadPerRequestHeld == o.threadPerRequestHeld
                && Objects.equals(statement, o.statement)
                && Objects.equals(observation, o.observation);
        }

        @Override
        public int hashCode() {
            return Objects.hash(testable, portHeld, threadPerRequestHeld, statement, observation);
        }

        @Override
        public String toString() {
            return "Claim[testable=" + testable + ", portHeld=" + portHeld + ", threadPerRequestHeld=" + threadPerRequestHeld + ", statement=" + statement + ", observation=" + observation + "]";
        }
    }

    final Machine machine;
    final Workload workload;
    final int requests;
    final int threads;
    final List<Outcome> outcomes;
    /** What one request costs with a CPU to itself: the median run time in the one-thread batch. */
    final double workMs;
    /** The ideal completion time of the i-th request to finish. */
    final double[] idealMs;

    Results(Machine machine, Workload workload, int requests, int threads, List<Outcome> outcomes) {
        this.machine = machine;
        this.workload = workload;
        this.requests = requests;
        this.threads = threads;
        this.outcomes = List.copyOf(outcomes);
        Outcome alone = outcome(Way.ONE_THREAD);
        this.workMs = alone != null ? alone.medianRanMs() : workload.targetNanos() / 1e6;
        this.idealMs = ideal(requests, machine.cpus(), workMs);
    }

    /**
     * Requests finishing in waves of {@code cpus}: the i-th to finish (0-based) at
     * {@code (floor(i / cpus) + 1) * work}.
     */
    static double[] ideal(int requests, int cpus, double workMs) {
        double[] ideal = new double[requests];
        for (int i = 0; i < requests; i++) {
            ideal[i] = (i / cpus + 1) * workMs;
        }
        return ideal;
    }

    double idealMeanMs() {
        double sum = 0;
        for (double v : idealMs) {
            sum += v;
        }
        return idealMs.length == 0 ? 0 : sum / idealMs.length;
    }

    double idealMaxMs() {
        return idealMs.length == 0 ? 0 : idealMs[idealMs.length - 1];
    }

    /** CPUs busy on average in the ideal schedule: the requests over the waves they need. */
    double idealCpusUsed() {
        int waves = (requests + machine.cpus() - 1) / machine.cpus();
        return waves == 0 ? 0 : (double) requests / waves;
    }

    double ratio(Outcome o) {
        double ideal = idealMeanMs();
        return ideal > 0 ? o.meanMs() / ideal : Double.NaN;
    }

    Outcome outcome(Way way) {
        for (Outcome o : outcomes) {
            if (o.way() == way) {
                return o;
            }
        }
        return null;
    }

    Claim claim() {
        int cpus = machine.cpus();
        String statement = String.format(Locale.ROOT, "served through the I/O completion port, requests finish in"
                + " waves of %d (the CPUs) as in the ideal schedule: mean within %.0f%% of the ideal mean; with a"
                + " thread per request they all finish near the end: mean %.0f%% or more above it.",
                cpus, (PORT_TOLERANCE - 1) * 100, (FAR_ABOVE - 1) * 100);
        Outcome port = outcome(Way.PORT);
        Outcome each = outcome(Way.THREAD_PER_REQUEST);
        if (port == null || each == null) {
            return new Claim(false, false, false, statement, "not tested: a way was not run.");
        }
        if (requests <= cpus) {
            return new Claim(false, false, false, statement, String.format(Locale.ROOT,
                    "not testable: %d request%s fit in one wave on %d CPUs, so every way can finish together;"
                            + " try --requests %d.", requests, requests == 1 ? "" : "s", cpus, cpus * 5));
        }
        double portRatio = ratio(port);
        double eachRatio = ratio(each);
        boolean portHeld = portRatio <= PORT_TOLERANCE;
        boolean eachHeld = eachRatio >= FAR_ABOVE;
        String observation = String.format(Locale.ROOT, "port %.2f x ideal: %s. thread per request %.2f x ideal,"
                        + " first request done at %.0f ms of %.0f ms: %s.",
                portRatio, portHeld ? "held" : "did not hold", eachRatio, each.firstMs(), each.maxMs(),
                eachHeld ? "held" : "did not hold");
        if (threads != cpus) {
            observation += String.format(Locale.ROOT, " The port's concurrency was %d, not the CPU count.", threads);
        }
        double used = port.cpusUsed();
        if (!portHeld && !Double.isNaN(used) && used < 0.9 * Math.min(threads, cpus)) {
            observation += String.format(Locale.ROOT, " During the port's batch this process kept only %.2f of %d CPUs"
                    + " busy: other processes were competing for them, so no schedule could match the ideal.", used, cpus);
        }
        return new Claim(true, portHeld, eachHeld, statement, observation);
    }

    /** The header of a way's table: which way, and how. */
    String heading(Outcome o) {
        return o.way().letter + " " + o.way().label + ": " + o.way().description(threads);
    }

    /** One line of figures for a way. */
    String figures(Outcome o) {
        return String.format(Locale.ROOT, "mean %.0f ms, max %.0f ms, wall %.0f ms, context switches %s, CPUs used %s,"
                + " mean/ideal %.2f", o.meanMs(), o.maxMs(), o.wallMs(), switchesInFull(o), cpusUsed(o), ratio(o));
    }

    static String cpusUsed(Outcome o) {
        double used = o.cpusUsed();
        return Double.isNaN(used) ? "unavailable" : String.format(Locale.ROOT, "%.2f", used);
    }

    /** The switches and, where known, how many were preemptions. */
    static String switchesInFull(Outcome o) {
        return o.switches() < 0 ? "unavailable"
                : o.switches() + (o.preemptions() < 0 ? "" : " (" + o.preemptions() + " preempted)");
    }

    static String switches(Outcome o) {
        return o.switches() < 0 ? "unavailable" : Long.toString(o.switches());
    }

    /** A way's table as the seeds print it: request, thread, completion time; earliest first. */
    void printTable(PrintStream out, Outcome o) {
        int width = "thread".length();
        for (Served s : o.byCompletion()) {
            width = Math.max(width, s.thread().length());
        }
        out.println(heading(o));
        out.printf(Locale.ROOT, "  %7s  %-" + width + "s  %12s%n", "request", "thread", "completed ms");
        for (Served s : o.byCompletion()) {
            out.printf(Locale.ROOT, "  %7d  %-" + width + "s  %12.0f%n", s.number(), s.thread(), s.completedMs());
        }
        out.println("  " + figures(o));
        if (!o.note().isEmpty()) {
            out.println("  " + o.note());
        }
        out.println();
    }

    /** The four ways side by side, the ideal, and whether the claim held. */
    void printSummary(PrintStream out) {
        out.printf(Locale.ROOT, "summary: ideal = requests finishing in waves of %d (the CPUs), %.0f ms per wave"
                + " (a request's median run time alone, calibrated for %.0f ms)%n",
                machine.cpus(), workMs, workload.targetNanos() / 1e6);
        int width = "ideal".length();
        for (Outcome o : outcomes) {
            width = Math.max(width, (o.way().letter + " " + o.way().label).length());
        }
        String row = "  %-" + width + "s  %8s  %8s  %8s  %16s  %9s  %10s%n";
        out.printf(Locale.ROOT, row, "way", "mean ms", "max ms", "wall ms", "context switches", "CPUs used", "mean/ideal");
        for (Outcome o : outcomes) {
            out.printf(Locale.ROOT, row, o.way().letter + " " + o.way().label, ms(o.meanMs()), ms(o.maxMs()),
                    ms(o.wallMs()), switches(o), cpusUsed(o), String.format(Locale.ROOT, "%.2f", ratio(o)));
        }
        out.printf(Locale.ROOT, row, "ideal", ms(idealMeanMs()), ms(idealMaxMs()), "-", "-",
                String.format(Locale.ROOT, "%.2f", idealCpusUsed()), "1.00");
        out.println(checksums());
        out.println();
        Claim claim = claim();
        out.println("claim: " + claim.statement());
        out.println("on this run: " + claim.observation());
    }

    /** Every way computed the same results, or says which did not. */
    String checksums() {
        long first = outcomes.isEmpty() ? 0 : outcomes.get(0).checksum();
        for (Outcome o : outcomes) {
            if (o.checksum() != first) {
                return "checksums differ between the ways: a request computed something else?!";
            }
        }
        return String.format(Locale.ROOT, "checksum of the results 0x%016x, the same for every way", first);
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
