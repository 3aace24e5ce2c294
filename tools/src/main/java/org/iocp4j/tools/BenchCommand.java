package org.iocp4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import org.iocp4j.tools.bench.BenchFile;
import org.iocp4j.tools.bench.EchoStack;
import org.iocp4j.tools.bench.FileReadStack;
import org.iocp4j.tools.bench.Latencies;
import org.iocp4j.tools.BenchResults.Case;
import org.iocp4j.tools.BenchResults.Row;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code iocp4j bench}: iocp4j beside the JDK's NIO, each way in a JVM of its own, on a loopback echo and on random file
 * reads. Every technology runs the same workload, through the same code the JMH benchmarks use
 * ({@code org.iocp4j.tools.bench}), for a fixed time after a warm-up, cut into rounds taken in turn with the
 * other technologies of its case; throughput counts the operations finished in those rounds and the latency
 * percentiles come from every one of them.
 */
@Command(name = "bench",
        header = "measure iocp4j beside the JDK's NIO here: a loopback echo and random file reads, operations"
                + " per second and latency percentiles side by side, optionally a report",
        description = {
            "Measures iocp4j beside the JDK's NIO on this machine, each way in a JVM of its own, and prints"
                    + " operations per second and latency percentiles side by side:",
            "  echo   a TCP echo over loopback, server and clients in one process:",
            "         iocp4j sockets, a NIO Selector, NIO.2 AsynchronousSocketChannel;",
            "         1 connection, then many",
            "  files  4 KiB reads at random offsets of a file: iocp4j OverlappedFile",
            "         (also with skip-on-success), FileChannel, AsynchronousFileChannel;",
            "         1 read in flight, then many",
            "Each way gets a warm-up, then its measured time in rounds taken in turn with the other ways"
                    + " of its case, so a slow spell of the machine falls on all of them. It says which backend"
                    + " and which NIO ran.",
        })
final class BenchCommand implements Callable<Integer> {

    static final int MAX_SECONDS = 600;
    static final int MAX_CONNECTIONS = 1_000;
    static final int MAX_MESSAGE = 1 << 20;
    static final int MAX_IN_FLIGHT = 1_024;
    static final int MAX_FILE_MIB = 1 << 16;
    /** A round's measured time, where the measured time allows: long enough for thousands of operations. */
    static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** At most this many rounds a run, however long: each round reopens the way (threads, connections). */
    static final int MAX_ROUNDS = 8;
    /**
     * The warm-up of a way's later rounds (its first gets {@code --warmup}): the JIT is warm by then, but the
     * reopened stack's threads, connections and caches are not.
     */
    static final long LATER_WARMUP_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
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
        private final boolean sameJvm;

        Options(boolean echo, boolean files, int warmupSeconds, int seconds, int connections, int messageSize, int inFlight, long fileSize, Path dir, Path report, boolean progress,
                boolean sameJvm) {
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
            this.sameJvm = sameJvm;
        }

        /** Each half has two cases, each case a run per technology. */
        int runs() {
            return (echo ? 2 * EchoStack.IMPLS.size() : 0) + (files ? 2 * FileReadStack.IMPLS.size() : 0);
        }

        /** The rounds each run's measured time is cut into: one per {@link #ROUND_NANOS}, at most {@link #MAX_ROUNDS}. */
        int rounds() {
            return (int) Math.max(1, Math.min(MAX_ROUNDS, TimeUnit.SECONDS.toNanos(seconds) / ROUND_NANOS));
        }

        /** About how long the runs take: warm-ups, measured time, and a second per run to open and close. */
        long expectedSeconds() {
            long laterWarmups = (rounds() - 1) * Math.min(TimeUnit.SECONDS.toNanos(warmupSeconds), LATER_WARMUP_NANOS);
            return runs() * (warmupSeconds + seconds + 1 + TimeUnit.NANOSECONDS.toSeconds(laterWarmups));
        }

        /** The measured time of one round. */
        long roundNanos() {
            return TimeUnit.SECONDS.toNanos(seconds) / rounds();
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

        /** Whether every way runs in this JVM, not each in one of its own ({@link WayJvm}). */
        boolean sameJvm() {
            return sameJvm;
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
                && progress == o.progress
                && sameJvm == o.sameJvm;
        }

        @Override
        public int hashCode() {
            return Objects.hash(echo, files, warmupSeconds, seconds, connections, messageSize, inFlight, fileSize, dir, report, progress,
                    sameJvm);
        }

        @Override
        public String toString() {
            return "Options[echo=" + echo + ", files=" + files + ", warmupSeconds=" + warmupSeconds + ", seconds=" + seconds + ", connections=" + connections + ", messageSize=" + messageSize + ", inFlight=" + inFlight + ", fileSize=" + fileSize + ", dir=" + dir + ", report=" + report + ", progress=" + progress + ", sameJvm=" + sameJvm + "]";
        }
    }

    /** {@code --only}'s values. */
    enum Half { echo, files }

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(names = "--only", paramLabel = "echo|files", description = "run one half (default: both)")
    private Half only;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "measured time of each run, 1 to " + MAX_SECONDS + " (default: ${DEFAULT-VALUE})")
    private int seconds;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "1",
            description = "warm-up before each run, not counted, 0 to " + MAX_SECONDS
                    + " (default: ${DEFAULT-VALUE})")
    private int warmup;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "64",
            description = "connections in the many-connection echo, 1 to " + MAX_CONNECTIONS
                    + " (default: ${DEFAULT-VALUE})")
    private int connections;

    @Option(names = "--message-size", paramLabel = "B", defaultValue = "64",
            description = "echo message size in bytes, 1 to " + MAX_MESSAGE + " (default: ${DEFAULT-VALUE})")
    private int messageSize;

    @Option(names = "--in-flight", paramLabel = "N", defaultValue = "32",
            description = "reads in flight in the many-reads case, 1 to " + MAX_IN_FLIGHT
                    + " (default: ${DEFAULT-VALUE})")
    private int inFlight;

    @Option(names = "--file-size", paramLabel = "MIB", defaultValue = "256",
            description = "size of the file read, made for the run and deleted after, 1 to " + MAX_FILE_MIB
                    + " (default: ${DEFAULT-VALUE})")
    private int fileSize;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}",
            description = "where that file goes (default: the temporary directory, ${DEFAULT-VALUE})")
    private String dir;

    @Option(names = "--report", paramLabel = "FILE",
            description = "also write a report: FILE.svg gets the charts, any other name an HTML page;"
                    + " a relative name is relative to the current folder (default: none)")
    private String report;

    @Option(names = "--no-progress", description = "no progress bar on stderr (default: a bar once the"
            + " runs have taken 2 s)")
    private boolean noProgress;

    @Option(names = "--same-jvm", description = "measure every way in this JVM (default: each way in a JVM of its"
            + " own, started like this one, as JMH forks, so no way runs code the JIT compiled for another's)")
    private boolean sameJvm;

    private final Streams streams;

    BenchCommand(Streams streams) {
        this.streams = streams;
    }

    /** @return 0 done, 1 a run failed (its row says why; the others are printed and reported) */
    @Override
    public Integer call() throws IOException, InterruptedException {
        return bench(options(), streams.out(), streams.err(), streams.terminal()).anyFailed() ? 1 : 0;
    }

    /** The options as given, checked beyond their types. */
    Options options() {
        return new Options(only != Half.files, only != Half.echo,
                CliValues.between(spec, "--warmup", warmup, 0, MAX_SECONDS),
                CliValues.between(spec, "--seconds", seconds, 1, MAX_SECONDS),
                CliValues.between(spec, "--connections", connections, 1, MAX_CONNECTIONS),
                CliValues.between(spec, "--message-size", messageSize, 1, MAX_MESSAGE),
                CliValues.between(spec, "--in-flight", inFlight, 1, MAX_IN_FLIGHT),
                CliValues.between(spec, "--file-size", fileSize, 1, MAX_FILE_MIB) * (1L << 20),
                CliValues.directory(spec, "--dir", dir),
                report == null ? null : CliValues.reportFile(spec, report),
                !noProgress, sameJvm);
    }

    private static BenchResults bench(Options o, PrintStream out, PrintStream err, boolean terminal)
            throws IOException, InterruptedException {
        Results.Machine machine = Results.Machine.current();
        String settings = String.format(Locale.ROOT, "each way: %d s warm-up, then %d s measured in %d rounds"
                + " interleaved with the other ways of its case (each round reopened, later ones after %d ms of"
                + " warm-up); latency percentiles over every operation measured, to 3 significant digits",
                o.warmupSeconds(), o.seconds(), o.rounds(),
                Math.min(TimeUnit.SECONDS.toMillis(o.warmupSeconds()), TimeUnit.NANOSECONDS.toMillis(LATER_WARMUP_NANOS)));
        String latencyNote = "latencies " + new Latencies().correction() + ": " + CLOSED_LOOPS;
        out.println("iocp4j bench: iocp4j beside the JDK's NIO, " + (o.sameJvm() ? "every way in this JVM"
                : "each way in a JVM of its own (started like this one)"));
        out.println("  machine: " + machine);
        if (!machine.load().isEmpty()) {
            out.println("  " + machine.load());
        }
        out.println("  " + settings);
        out.println("  latency: " + Latencies.INTERVAL);
        out.println("  " + latencyNote);
        out.printf(Locale.ROOT, "  expected run time: about %d s%n%n", o.expectedSeconds());
        out.flush();

        ProgressBar progress = new ProgressBar(err, o.progress(), terminal, ProgressBar.DEFAULT_DELAY_NANOS);
        progress.start("bench", o.runs() * o.rounds(), "rounds");
        List<Case> cases = new ArrayList<>();
        try (Runner runner = new Runner(o, progress)) {
            if (o.echo()) {
                String size = o.messageSize() + " B messages";
                cases.add(runner.echo("echo, 1 connection, " + size, 1));
                cases.add(runner.echo("echo, " + o.connections() + " connections, " + size, o.connections()));
                runner.endJvms(); // the files have ways (and JVMs) of their own
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
        }
        progress.finish(o.runs() * o.rounds());

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
            out.println("report written to " + CliValues.shown(o.report()));
        }
        out.flush();
        return results;
    }

    /**
     * Runs every way of a workload in interleaved rounds, A B C D, A B C D..., each round a fresh open, a
     * warm-up, a measured slice and a close; a way's row sums its rounds. A slow spell of the machine (a
     * neighbour on the host, a frequency change) then lands on every way alike instead of on whichever
     * happened to run then: on a 2-CPU VM, back-to-back runs of one way differed by 20%, more than some
     * gaps being measured. A failure fails that way's row only, and its later rounds are skipped. Each way
     * runs in a JVM of its own ({@link WayJvm}) unless {@code --same-jvm}, kept for every case of its workload
     * (as an application's JVM runs one technology at every load): its rounds go there one at a time, while
     * the other ways' JVMs wait.
     */
    private static final class Runner implements AutoCloseable {
        private final Options o;
        private final ProgressBar progress;
        /** Each way's JVM, by workload and way: one serves a way in every case of its workload. */
        private final Map<String, WayJvm> jvms = new LinkedHashMap<>();
        private int done;

        Runner(Options o, ProgressBar progress) {
            this.o = o;
            this.progress = progress;
        }

        Case echo(String title, int connections) {
            return new Case("echo", title, "round trips", interleave(EchoStack.IMPLS,
                    new WayRound(WayRound.Kind.echo, "", connections, o.messageSize(), null, 0, o.roundNanos())));
        }

        Case files(String title, Path file, int inFlight) {
            return new Case("files", title, "reads", interleave(FileReadStack.IMPLS,
                    new WayRound(WayRound.Kind.files, "", inFlight, 0, file, 0, o.roundNanos())));
        }

        private List<Row> interleave(List<String> impls, WayRound template) {
            List<Way> ways = new ArrayList<>();
            for (String impl : impls) {
                ways.add(new Way(template.kind + " " + impl, impl));
            }
            for (int r = 0; r < o.rounds(); r++) {
                long warmup = r == 0 ? TimeUnit.SECONDS.toNanos(o.warmupSeconds())
                        : Math.min(TimeUnit.SECONDS.toNanos(o.warmupSeconds()), LATER_WARMUP_NANOS);
                for (Way w : ways) {
                    if (w.error == null) {
                        w.run(template.with(w.impl, warmup));
                    }
                    progress.update(++done);
                }
            }
            List<Row> rows = new ArrayList<>();
            for (Way w : ways) {
                rows.add(w.error != null ? Row.failed(w.impl, w.description, w.error)
                        : Row.measured(w.impl, w.description, w.operations, w.nanos / 1e9, w.latencies.snapshot()));
            }
            return rows;
        }

        /** Ends every way's JVM. */
        void endJvms() {
            new ArrayList<>(jvms.keySet()).forEach(this::end);
        }

        @Override
        public void close() {
            endJvms();
        }

        private void end(String key) {
            WayJvm jvm = jvms.remove(key);
            if (jvm != null) {
                try {
                    jvm.close();
                } catch (IOException e) {
                    // nothing measured is lost: its results are in
                }
            }
        }

        /** One way's totals over the rounds of a case so far. */
        private final class Way {
            /** Its JVM's key: the workload and the way. */
            final String key;
            final String impl;
            final Latencies latencies = new Latencies();
            String description;
            String error;
            long operations;
            long nanos;

            Way(String key, String impl) {
                this.key = key;
                this.impl = impl;
                this.description = impl;
            }

            /** One round, here or in the way's own JVM (started at its first round); a failure ends the way. */
            void run(WayRound round) {
                try {
                    WayRound.Result r;
                    if (o.sameJvm()) {
                        r = round.run(latencies, () -> progress.update(done));
                    } else {
                        WayJvm jvm = jvms.get(key);
                        if (jvm == null) {
                            jvm = new WayJvm();
                            jvms.put(key, jvm);
                        }
                        r = jvm.run(round, latencies);
                    }
                    description = r.description;
                    operations += r.operations;
                    nanos += r.nanos;
                } catch (Exception e) {
                    error = String.valueOf(e);
                    end(key); // the next case starts it afresh
                }
            }
        }
    }
}
