package org.iocp4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.iocp4j.tools.Experiment.Outcome;
import org.iocp4j.tools.Experiment.Way;

import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code iocp4j demo}: its options, and the seeds' experiment run end to end. */
@Command(name = "demo", defaultValueProvider = DemoCommand.CpuCount.class,
        header = "serve CPU-bound requests four ways (one thread, a thread per request, an I/O completion"
                + " port, a thread pool), compare when they finish, optionally write a report",
        description = {
            "Serves N CPU-bound requests four ways and shows when each one finished:",
            "  (a) one thread, in sequence     (b) a new thread per request",
            "  (c) an I/O completion port      (d) a thread pool",
            "The port lets only as many requests run at once as there are CPUs, so they finish in waves,"
                    + " close to the ideal schedule; a thread per request shares the CPUs among all of them,"
                    + " so they all finish near the end.",
            "",
            "iocp4j demo --walkthrough shows a port's basics instead, on whichever backend this machine has.",
        })
final class DemoCommand implements Callable<Integer> {

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

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "10",
            description = "requests in the batch, 1 to " + MAX_REQUESTS + " (default: ${DEFAULT-VALUE})")
    private int requests;

    @Option(names = "--work-ms", paramLabel = "MS", defaultValue = "1000",
            description = "CPU time of one request, calibrated at start-up, 1 to " + MAX_WORK_MS
                    + " (default: ${DEFAULT-VALUE})")
    private int workMs;

    @Option(names = "--threads", paramLabel = "N",
            description = "the port's concurrency and the pool's size, 1 to " + MAX_THREADS
                    + " (default: the CPUs, ${DEFAULT-VALUE} here)")
    private int threads;

    @Option(names = "--report", paramLabel = "FILE",
            description = "also write a report: FILE.svg gets a chart, any other name an HTML page;"
                    + " a relative name is relative to the current folder (default: none)")
    private String report;

    @Option(names = "--no-progress", description = "no progress bar on stderr (default: a bar once a batch"
            + " has run 2 s)")
    private boolean noProgress;

    @Option(names = "--walkthrough", description = "walk through a completion port instead: post, poll, time"
            + " out, close; takes no other option (default: the experiment)")
    private boolean walkthrough;

    private final Streams streams;

    DemoCommand(Streams streams) {
        this.streams = streams;
    }

    /** The default of {@code --threads}: this machine's CPU count, shown in the help as it is here. */
    static final class CpuCount implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg.isOption() && ((OptionSpec) arg).longestName().equals("--threads")
                    ? Integer.toString(Runtime.getRuntime().availableProcessors()) : null;
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Options o = options();
        if (o.walkthrough()) {
            PortWalkthrough.run(streams.out());
        } else {
            experiment(o, streams.out(), streams.err(), streams.terminal());
        }
        return 0;
    }

    /** The options as given, checked beyond their types. */
    Options options() {
        if (walkthrough && spec.commandLine().getParseResult().matchedOptions().size() > 1) {
            throw new ParameterException(spec.commandLine(), "--walkthrough takes no other option");
        }
        return new Options(CliValues.between(spec, "--requests", requests, 1, MAX_REQUESTS),
                CliValues.between(spec, "--work-ms", workMs, 1, MAX_WORK_MS),
                CliValues.between(spec, "--threads", threads, 1, MAX_THREADS),
                report == null ? null : CliValues.reportFile(spec, report), !noProgress, walkthrough);
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
            out.println("report written to " + CliValues.shown(o.report()));
        }
        out.flush();
    }
}
