package org.iocp4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.iocp4j.tools.bench.BenchFile;
import org.iocp4j.tools.bench.EchoStack;
import org.iocp4j.tools.bench.FileReadStack;
import org.iocp4j.tools.bench.Latencies;
import org.iocp4j.tools.BenchResults.Case;
import org.iocp4j.tools.BenchResults.Row;
import org.iocp4j.tools.CliArgs.UsageException;

/**
 * {@code iocp4j bench}: iocp4j beside the JDK's NIO, in this process, on a loopback echo and on random file
 * reads. Every technology runs the same workload in turn, through the same code the JMH benchmarks use
 * ({@code org.iocp4j.tools.bench}), for a fixed time after a warm-up; throughput counts the operations
 * finished in that time and the latency percentiles come from every one of them.
 */
final class BenchCommand {

    static final int MAX_SECONDS = 600;
    static final int MAX_CONNECTIONS = 1_000;
    static final int MAX_MESSAGE = 1 << 20;
    static final int MAX_IN_FLIGHT = 1_024;
    static final int MAX_FILE_MIB = 1 << 16;
    /** Why no figure is corrected for coordinated omission: every workload here is a closed loop. */
    static final String CLOSED_LOOPS = "each connection, and each read in flight, starts its next operation when its"
            + " last one completes (a closed loop), so there is no intended rate to correct against: a stall shows as"
            + " one long operation, and the operations it kept from starting as lost throughput";

    /** The parsed options; {@code report} is null when none was asked for. */
    static final class Options {
        private final boolean echo;
        private final boolean files;
        private final int warmupSeconds;
        private final int seconds;
        private final int connections;
        private final int messageSize;
        private final int inFlight;
        private final long fileSize;
        private final Path dir;
        private final Path report;
        private final boolean progress;

        Options(boolean echo, boolean files, int warmupSeconds, int seconds, int connections, int messageSize, int inFlight, long fileSize, Path dir, Path report, boolean progress) {
            this.echo = echo;
            this.files = files;
            this.warmupSeconds = warmupSeconds;
            this.seconds = seconds;
            this.connections = connections;
            this.messageSize = messageSize;
            this.inFlight = inFlight;
            this.fileSize = fileSize;
            this.dir = dir;
            this.report = report;
            this.progress = progress;
        }

        /** Each half has two cases, each case a run per technology. */
        int runs() {
            return (echo ? 2 * EchoStack.IMPLS.size() : 0) + (files ? 2 * FileReadStack.IMPLS.size() : 0);
        }

        boolean echo() {
            return echo;
        }

        boolean files() {
            return files;
        }

        int warmupSeconds() {
            return warmupSeconds;
        }

        int seconds() {
            return seconds;
        }

        int connections() {
            return connections;
        }

        int messageSize() {
            return messageSize;
        }

        int inFlight() {
            return inFlight;
        }

        long fileSize() {
            return fileSize;
        }

        Path dir() {
            return dir;
        }

        Path report() {
            return report;
        }

        boolean progress() {
            return progress;
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
            return echo == o.echo
                && files == o.files
                && warmupSeconds == o.warmupSeconds
                && seconds == o.seconds
                && connections == o.connections
                && messageSize == o.messageSize
                && inFlight == o.inFlight
                && fileSize == o.fileSize
                && Objects.equals(dir, o.dir)
                && Objects.equals(report, o.report)
                && progress == o.progress;
        }

        @Override
        public int hashCode() {
            return Objects.hash(echo, files, warmupSeconds, seconds, connections, messageSize, inFlight, fileSize, dir, report, progress);
        }

        @Override
        public String toString() {
            return "Options[echo=" + echo + ", files=" + files + ", warmupSeconds=" + warmupSeconds + ", seconds=" + seconds + ", connections=" + connections + ", messageSize=" + messageSize + ", inFlight=" + inFlight + ", fileSize=" + fileSize + ", dir=" + dir + ", report=" + report + ", progress=" + progress + "]";
        }
    }

    private BenchCommand() {
    }

    static String usage() {
        return String.join("\n",
                "usage: iocp4j bench [options]",
                "",
                "Measures iocp4j beside the JDK's NIO on this machine, in this process, and prints operations",
                "per second and latency percentiles side by side:",
                "  echo   a TCP echo over loopback, server and clients in this process: iocp4j sockets, a NIO",
                "         Selector, NIO.2 AsynchronousSocketChannel; 1 connection, then many",
                "  files  4 KiB reads at random offsets of a file: iocp4j OverlappedFile, FileChannel,",
                "         AsynchronousFileChannel; 1 read in flight, then many",
                "Each way gets a warm-up, then a measured run. It says which backend and which NIO ran.",
                "",
                "options:",
                "  --only echo|files    run one half (default: both)",
                "  --seconds S          measured time of each run (default 2, at most " + MAX_SECONDS + ")",
                "  --warmup S           warm-up before each run, not counted (default 1; 0 for none)",
                "  --connections N      connections in the many-connection echo (default 64, at most " + MAX_CONNECTIONS + ")",
                "  --message-size B     echo message size in bytes (default 64, at most " + MAX_MESSAGE + ")",
                "  --in-flight N        reads in flight in the many-reads case (default 32, at most " + MAX_IN_FLIGHT + ")",
                "  --file-size MIB      size of the file read, made for the run and deleted after (default 256)",
                "  --dir DIR            where that file goes (default: the temporary directory)",
                "  --report FILE        also write a report: FILE.svg gets the charts, any other name an HTML page",
                "  --no-progress        no progress bar on stderr",
                "  --help               show this help",
                "");
    }

    /**
     * Runs {@code iocp4j bench}.
     *
     * @param args     the arguments after "bench"
     * @param terminal whether {@code err} is a terminal (the progress bar then redraws in place)
     * @return the exit status: 0 done, 1 a run failed, 2 bad arguments
     */
    static int run(List<String> args, PrintStream out, PrintStream err, boolean terminal) {
        return CliArgs.run("bench", args, out, err, usage(), BenchCommand::parse,
                o -> bench(o, out, err, terminal).anyFailed() ? 1 : 0);
    }

    static Options parse(List<String> args) throws UsageException {
        Map<String, String> o = CliArgs.parse(args, Set.of("--only", "--seconds", "--warmup", "--connections",
                "--message-size", "--in-flight", "--file-size", "--dir", "--report"), Set.of("--no-progress"));
        boolean echo = true;
        boolean files = true;
        if (o.containsKey("--only")) {
            switch (o.get("--only")) {
                case "echo": files = false; break;
                case "files": echo = false; break;
                default: throw new UsageException("--only takes echo or files, not '" + o.get("--only") + "'");
            }
        }
        return new Options(echo, files,
                (int) CliArgs.number("--warmup", o.getOrDefault("--warmup", "1"), 0, MAX_SECONDS),
                CliArgs.positive("--seconds", o.getOrDefault("--seconds", "2"), MAX_SECONDS),
                CliArgs.positive("--connections", o.getOrDefault("--connections", "64"), MAX_CONNECTIONS),
                CliArgs.positive("--message-size", o.getOrDefault("--message-size", "64"), MAX_MESSAGE),
                CliArgs.positive("--in-flight", o.getOrDefault("--in-flight", "32"), MAX_IN_FLIGHT),
                CliArgs.positive("--file-size", o.getOrDefault("--file-size", "256"), MAX_FILE_MIB) * (1L << 20),
                o.containsKey("--dir") ? CliArgs.directory("--dir", o.get("--dir"))
                        : Path.of(System.getProperty("java.io.tmpdir")),
                o.containsKey("--report") ? CliArgs.reportFile(o.get("--report")) : null,
                !o.containsKey("--no-progress"));
    }

    private static BenchResults bench(Options o, PrintStream out, PrintStream err, boolean terminal)
            throws IOException, InterruptedException {
        Results.Machine machine = Results.Machine.current();
        String settings = String.format(Locale.ROOT, "each way: %d s warm-up, then %d s measured; latency"
                + " percentiles over every operation measured, to 3 significant digits", o.warmupSeconds(), o.seconds());
        Latencies latencies = new Latencies();
        String latencyNote = "latencies " + latencies.correction() + ": " + CLOSED_LOOPS;
        out.println("iocp4j bench: iocp4j beside the JDK's NIO, in this process");
        out.println("  machine: " + machine);
        if (!machine.load().isEmpty()) {
            out.println("  " + machine.load());
        }
        out.println("  " + settings);
        out.println("  latency: " + Latencies.INTERVAL);
        out.println("  " + latencyNote);
        out.printf(Locale.ROOT, "  expected run time: about %d s%n%n", o.runs() * (o.warmupSeconds() + o.seconds() + 1));
        out.flush();

        ProgressBar progress = new ProgressBar(err, o.progress(), terminal, ProgressBar.DEFAULT_DELAY_NANOS);
        progress.start("bench", o.runs(), "runs");
        Runner runner = new Runner(o, progress, latencies);
        List<Case> cases = new ArrayList<>();
        if (o.echo()) {
            String size = o.messageSize() + " B messages";
            cases.add(runner.echo("echo, 1 connection, " + size, 1));
            cases.add(runner.echo("echo, " + o.connections() + " connections, " + size, o.connections()));
        }
        if (o.files()) {
            Path file = Files.createTempFile(o.dir(), "iocp4j-bench-", ".bin");
            try {
                BenchFile.create(file, o.fileSize(), null);
                String mib = (o.fileSize() >> 20) + " MiB file";
                cases.add(runner.files("random 4 KiB reads, 1 in flight, " + mib, file, 1));
                cases.add(runner.files("random 4 KiB reads, " + o.inFlight() + " in flight, " + mib, file, o.inFlight()));
            } finally {
                Files.deleteIfExists(file);
            }
        }
        progress.finish(o.runs());

        String family = "";
        for (Case c : cases) {
            if (!c.family().equals(family)) {
                family = c.family();
                out.println(c.family().equals("echo") ? "echo over loopback; the ways:" : "file reads (page cache warm"
                        + " after the first pass, so this is each API's path, not the disk); the ways:");
                BenchResults.printWays(out, c);
            }
            BenchResults.printCase(out, c);
        }
        BenchResults results = new BenchResults(machine, settings, latencyNote, cases);
        results.printSummary(out);
        if (o.report() != null) {
            new BenchReport(results).write(o.report());
            out.println();
            out.println("report written to " + CliArgs.shown(o.report()));
        }
        out.flush();
        return results;
    }

    /** Runs each way on a workload: open, warm up, measure, close; a failure fails that row only. */
    private static final class Runner {
        private final Options o;
        private final ProgressBar progress;
        private final Latencies latencies;
        private int done;

        Runner(Options o, ProgressBar progress, Latencies latencies) {
            this.o = o;
            this.progress = progress;
            this.latencies = latencies;
        }

        Case echo(String title, int connections) {
            List<Row> rows = new ArrayList<>();
            for (String impl : EchoStack.IMPLS) {
                String description = impl;
                try (EchoStack stack = EchoStack.of(impl)) {
                    stack.open(connections, o.messageSize());
                    description = stack.describe();
                    int batch = Math.max(256, connections * 4);
                    rows.add(measure(impl, description, n -> stack.roundTrips(n, latencies), batch));
                } catch (Exception e) {
                    rows.add(Row.failed(impl, description, String.valueOf(e)));
                }
                progress.update(++done);
            }
            return new Case("echo", title, "round trips", rows);
        }

        Case files(String title, Path file, int inFlight) {
            List<Row> rows = new ArrayList<>();
            for (String impl : FileReadStack.IMPLS) {
                String description = impl;
                try (FileReadStack stack = FileReadStack.of(impl)) {
                    stack.open(file, inFlight);
                    description = stack.describe();
                    rows.add(measure(impl, description, n -> stack.reads(n, latencies), 1024));
                } catch (Exception e) {
                    rows.add(Row.failed(impl, description, String.valueOf(e)));
                }
                progress.update(++done);
            }
            return new Case("files", title, "reads", rows);
        }

        /** One way: warm up, then run batches until the measured time is up. */
        private Row measure(String impl, String description, Batch batch, int size) throws Exception {
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
            while (System.nanoTime() < warmupEnd) {
                batch.run(size);
                progress.update(done);
            }
            latencies.reset();
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(o.seconds());
            long operations = 0;
            long now;
            do {
                batch.run(size);
                operations += size;
                progress.update(done);
                now = System.nanoTime();
            } while (now < end);
            return Row.measured(impl, description, operations, (now - start) / 1e9, latencies.snapshot());
        }
    }

    /** Runs {@code n} operations of a way and returns when all have completed. */
    @FunctionalInterface
    private interface Batch {
        void run(int n) throws Exception;
    }
}
