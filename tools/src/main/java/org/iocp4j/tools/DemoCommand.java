package org.iocp4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.iocp4j.tools.CliArgs.UsageException;
import org.iocp4j.tools.Experiment.Outcome;
import org.iocp4j.tools.Experiment.Way;

/** {@code iocp4j demo}: its options, and the seeds' experiment run end to end. */
final class DemoCommand {

    static final int MAX_REQUESTS = 10_000;
    static final int MAX_WORK_MS = 600_000;
    static final int MAX_THREADS = 1_024;

    /** The parsed options; {@code report} is null when none was asked for. */
    static final class Options {
        private final int requests;
        private final int workMs;
        private final int threads;
        private final Path report;
        private final boolean progress;
        private final boolean walkthrough;

        Options(int requests, int workMs, int threads, Path report, boolean progress, boolean walkthrough) {
            this.requests = requests;
            this.workMs = workMs;
            this.threads = threads;
            this.report = report;
            this.progress = progress;
            this.walkthrough = walkthrough;
        }

        int requests() {
            return requests;
        }

        int workMs() {
            return workMs;
        }

        int threads() {
            return threads;
        }

        Path report() {
            return report;
        }

        boolean progress() {
            return progress;
        }

        boolean walkthrough() {
            return walkthrough;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Options)) {
                return false;
            }
            Options o = (Options) other;
            return requests == o.requests
                && workMs == o.workMs
                && threads == o.threads
                && Objects.equals(report, o.report)
                && progress == o.progress
                && walkthrough == o.walkthrough;
        }

        @Override
        public int hashCode() {
            return Objects.hash(requests, workMs, threads, report, progress, walkthrough);
        }

        @Override
        public String toString() {
            return "Options[requests=" + requests + ", workMs=" + workMs + ", threads=" + threads + ", report=" + report + ", progress=" + progress + ", walkthrough=" + walkthrough + "]";
        }
    }

    private DemoCommand() {
    }

    static String usage() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return String.join("\n",
                "usage: iocp4j demo [options]",
                "       iocp4j demo --walkthrough",
                "",
                "Serves N CPU-bound requests four ways and shows when each one finished:",
                "  (a) one thread, in sequence     (b) a new thread per request",
                "  (c) an I/O completion port      (d) a thread pool",
                "The port lets only as many requests run at once as there are CPUs, so they finish in waves,",
                "close to the ideal schedule; a thread per request shares the CPUs among all of them, so they",
                "all finish near the end.",
                "",
                "options:",
                "  --requests N     requests in the batch (default 10, at most " + MAX_REQUESTS + ")",
                "  --work-ms MS     CPU time of one request, calibrated at start-up (default 1000)",
                "  --threads N      the port's concurrency and the pool's size (default: the CPUs, " + cpus + " here)",
                "  --report FILE    also write a report: FILE.svg gets a chart, any other name an HTML page",
                "  --no-progress    no progress bar on stderr",
                "  --walkthrough    walk through a completion port instead: post, poll, time out, close",
                "  --help           show this help",
                "");
    }

    /**
     * Runs {@code iocp4j demo}.
     *
     * @param args     the arguments after "demo"
     * @param terminal whether {@code err} is a terminal (the progress bar then redraws in place)
     * @return the exit status: 0 done, 1 failed, 2 bad arguments
     */
    static int run(List<String> args, PrintStream out, PrintStream err, boolean terminal) {
        return CliArgs.run("demo", args, out, err, usage(), DemoCommand::parse, o -> {
            if (o.walkthrough()) {
                PortWalkthrough.run(out);
            } else {
                experiment(o, out, err, terminal);
            }
            return 0;
        });
    }

    static Options parse(List<String> args) throws UsageException {
        Map<String, String> o = CliArgs.parse(args, Set.of("--requests", "--work-ms", "--threads", "--report"),
                Set.of("--no-progress", "--walkthrough"));
        boolean walkthrough = o.containsKey("--walkthrough");
        if (walkthrough && o.size() > 1) {
            throw new UsageException("--walkthrough takes no other options");
        }
        int requests = o.containsKey("--requests") ? CliArgs.positive("--requests", o.get("--requests"), MAX_REQUESTS) : 10;
        int workMs = o.containsKey("--work-ms") ? CliArgs.positive("--work-ms", o.get("--work-ms"), MAX_WORK_MS) : 1000;
        int threads = o.containsKey("--threads") ? CliArgs.positive("--threads", o.get("--threads"), MAX_THREADS)
                : Runtime.getRuntime().availableProcessors();
        Path report = o.containsKey("--report") ? CliArgs.reportFile(o.get("--report")) : null;
        return new Options(requests, workMs, threads, report, !o.containsKey("--no-progress"), walkthrough);
    }

    private static void experiment(Options o, PrintStream out, PrintStream err, boolean terminal)
            throws IOException, InterruptedException {
        Results.Machine machine = Results.Machine.current();
        int n = o.requests();
        out.printf(Locale.ROOT, "iocp4j demo: %d CPU-bound requests of %d ms each, served four ways%n", n, o.workMs());
        out.println("  machine: " + machine);
        if (!machine.load().isEmpty()) {
            out.println("  " + machine.load());
        }
        Workload workload = Workload.calibrate(TimeUnit.MILLISECONDS.toNanos(o.workMs()));
        out.printf(Locale.ROOT, "  one request: %,d rounds of xorshift (calibrated: %,.0f rounds per ms)%n",
                workload.rounds(), workload.roundsPerMilli());
        long waves = (n + machine.cpus() - 1) / machine.cpus();
        out.printf(Locale.ROOT, "  expected run time: about %.0f s%n", (n + 3.0 * waves) * o.workMs() / 1000);
        if (!ContextSwitches.available()) {
            out.println("  context switches: unavailable on this platform (Linux reports them per thread)");
        }
        out.println();
        out.flush();

        ProgressBar progress = new ProgressBar(err, o.progress(), terminal, ProgressBar.DEFAULT_DELAY_NANOS);
        Experiment experiment = new Experiment(n, workload, o.threads(), progress);
        List<Outcome> outcomes = new ArrayList<>();
        for (Way way : Way.values()) {
            Outcome outcome = experiment.run(way);
            outcomes.add(outcome);
            new Results(machine, workload, n, o.threads(), outcomes).printTable(out, outcome);
            out.flush();
        }
        Results results = new Results(machine, workload, n, o.threads(), outcomes);
        results.printSummary(out);
        if (o.report() != null) {
            new Report(results).write(o.report());
            out.println();
            out.println("report written to " + CliArgs.shown(o.report()));
        }
        out.flush();
    }
}
