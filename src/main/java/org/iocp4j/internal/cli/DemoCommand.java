package org.iocp4j.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.iocp4j.internal.cli.Experiment.Outcome;
import org.iocp4j.internal.cli.Experiment.Way;

/** {@code iocp4j demo}: its options, and the seeds' experiment run end to end. */
final class DemoCommand {

    static final int MAX_REQUESTS = 10_000;
    static final int MAX_WORK_MS = 600_000;
    static final int MAX_THREADS = 1_024;

    /** The parsed options; {@code report} is null when none was asked for. */
    record Options(int requests, int workMs, int threads, Path report, boolean progress, boolean walkthrough) {
    }

    /** A bad command line: the message says what, the usage follows it. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
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
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage());
            return 0;
        }
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("iocp4j demo: " + e.getMessage());
            err.println();
            err.print(usage());
            return 2;
        }
        try {
            if (options.walkthrough()) {
                PortWalkthrough.run(out);
            } else {
                experiment(options, out, err, terminal);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("iocp4j demo failed: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("iocp4j demo: interrupted");
            return 1;
        }
    }

    static Options parse(List<String> args) throws UsageException {
        int requests = 10;
        int workMs = 1000;
        int threads = Runtime.getRuntime().availableProcessors();
        Path report = null;
        boolean progress = true;
        boolean walkthrough = false;
        boolean experimentOptions = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            switch (name) {
                case "--requests":
                case "--work-ms":
                case "--threads":
                case "--report": {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    experimentOptions = true;
                    if (name.equals("--requests")) {
                        requests = number(name, value, MAX_REQUESTS);
                    } else if (name.equals("--work-ms")) {
                        workMs = number(name, value, MAX_WORK_MS);
                    } else if (name.equals("--threads")) {
                        threads = number(name, value, MAX_THREADS);
                    } else {
                        report = reportFile(value);
                    }
                    break;
                }
                case "--no-progress":
                case "--walkthrough":
                    if (inline != null) {
                        throw new UsageException(name + " takes no value");
                    }
                    if (name.equals("--walkthrough")) {
                        walkthrough = true;
                    } else {
                        progress = false;
                        experimentOptions = true;
                    }
                    break;
                default:
                    throw new UsageException("unknown option '" + name + "'");
            }
        }
        if (walkthrough && experimentOptions) {
            throw new UsageException("--walkthrough takes no other options");
        }
        return new Options(requests, workMs, threads, report, progress, walkthrough);
    }

    private static int number(String name, String value, int max) throws UsageException {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, not '" + value + "'");
        }
        if (n < 1 || n > max) {
            throw new UsageException(name + " must be between 1 and " + max + ", not " + value.trim());
        }
        return (int) n;
    }

    private static Path reportFile(String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException("--report needs a file name");
        }
        Path file;
        try {
            file = Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException("--report: '" + value + "' is not a file name: " + e.getReason());
        }
        // Checked now, not after the experiment has run for half a minute.
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UsageException("--report: there is no directory " + dir);
        }
        if (Files.isDirectory(file)) {
            throw new UsageException("--report: " + file + " is a directory");
        }
        return file;
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
            out.println("report written to " + o.report());
        }
        out.flush();
    }
}
