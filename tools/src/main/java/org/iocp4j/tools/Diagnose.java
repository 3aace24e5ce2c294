package org.iocp4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.iocp4j.IoDispatcher;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.ProcessTelemetry;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code iocp4j diagnose}: samples a process (this one, or another by pid) at an interval and prints a
 * table of its handles, memory, pool quotas, the system's nonpaged pool and (for this process) the
 * operations outstanding in its dispatchers, each with its rate, and flags what grows steadily.
 * {@code --workload leak|flood} runs a misbehaving dispatcher in this process, to see what that looks like.
 */
@Command(name = "diagnose",
        header = "watch a process's handles, pool quotas and outstanding operations over time",
        description = {
            "Samples a process and prints, per interval: handles (file descriptors on Linux), resident"
                    + " memory, paged and nonpaged pool quota and the system's nonpaged pool (Windows), the"
                    + " operations outstanding in iocp4j dispatchers (another JVM's through the attach API,"
                    + " which needs a JDK), each with its rate per second. A value that grew at every one of"
                    + " the last " + Diagnose.Growth.WINDOW + " intervals is flagged GROWING.",
            "",
            "--workload runs something misbehaving in this process, to see what that looks like:",
            "  leak   each interval, opens 8 files and allocates 50 OVERLAPPEDs, never freed",
            "  flood  posts 100,000 tasks per interval to a dispatcher nobody drains,",
            "         bounded at 1,000 (the rest are rejected and counted)",
        })
final class Diagnose implements Callable<Integer> {

    /** Counting, per metric, how many intervals in a row it grew. */
    static final class Growth {
        static final int WINDOW = 4;
        private long last = Long.MIN_VALUE;
        private int rising;

        /** @return true once the value rose at each of the last {@link #WINDOW} intervals */
        boolean add(OptionalLong value) {
            if (value.isEmpty()) {
                rising = 0;
                return false;
            }
            long v = value.getAsLong();
            rising = last != Long.MIN_VALUE && v > last ? rising + 1 : 0;
            last = v;
            return rising >= WINDOW;
        }
    }

    /** {@code --workload}'s values: none is the default, not offered. */
    enum Kind { none, leak, flood }

    @Spec
    private CommandSpec spec;

    @Mixin
    private HelpOption help;

    @Option(names = "--pid", paramLabel = "N", description = "the process to watch (default: this one;"
            + " Windows needs the right to query it)")
    private Integer pid;

    @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
            description = "milliseconds between samples (default: ${DEFAULT-VALUE})")
    private long interval;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "10",
            description = "how many samples (default: ${DEFAULT-VALUE})")
    private int samples;

    @Option(names = "--workload", paramLabel = "KIND", defaultValue = "none",
            description = "run a workload in this process while watching it: leak or flood, as above"
                    + " (default: none)")
    private Kind workload;

    private final Streams streams;

    Diagnose(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        long self = ProcessHandle.current().pid();
        long watched = pid == null ? self : CliValues.between(spec, "--pid", pid, 1, Integer.MAX_VALUE);
        CliValues.positive(spec, "--interval", interval);
        CliValues.positive(spec, "--samples", samples);
        if (watched != self && workload != Kind.none) {
            throw new ParameterException(spec.commandLine(), "--workload runs in this process; it cannot go with --pid");
        }
        try (Workload w = Workload.start(workload)) {
            watch(watched, watched == self, interval, samples, w, streams.out());
            return 0;
        }
    }

    private static void watch(long pid, boolean self, long intervalMillis, int samples, Workload workload,
                              PrintStream out) throws InterruptedException {
        ProcessTelemetry first = ProcessTelemetry.sample(pid);
        out.printf("watching process %d every %d ms (%s)%n", pid, intervalMillis, self ? "this process" : "another process");
        for (ProcessTelemetry.Metric m : first.metrics()) {
            out.printf("  %-22s %s%n", m.name(), m.isAvailable() ? "from " + m.source() : "unavailable: " + m.source());
        }
        DispatcherMBeans mbeans = null;
        if (self) {
            mbeans = DispatcherMBeans.local();
        } else {
            try {
                mbeans = DispatcherMBeans.attach(pid);
            } catch (IOException e) {
                out.printf("  %-22s %s%n", "outstanding ops", "unavailable: " + e.getMessage());
            }
        }
        try {
            if (mbeans != null) {
                int n = mbeans.dispatchers();
                out.printf("  %-22s from %s: %s%n", "outstanding ops", mbeans.source(),
                        n < 0 ? "unreadable now" : n + " dispatcher(s) now");
            }
            table(pid, intervalMillis, samples, workload, mbeans, out);
        } finally {
            if (mbeans != null) {
                mbeans.close();
            }
        }
    }

    private static void table(long pid, long intervalMillis, int samples, Workload workload, DispatcherMBeans mbeans,
                              PrintStream out) throws InterruptedException {
        out.println();
        String header = String.format("%8s %9s %8s %11s %8s %10s %10s %12s %11s %8s  %s", "time s", "handles", "/s",
                "resident MiB", "/s", "paged KiB", "nonpg KiB", "sys nonpg MiB", "outstanding", "/s", "flags");
        out.println(header);
        Growth[] growth = {new Growth(), new Growth(), new Growth(), new Growth(), new Growth(), new Growth()};
        String[] names = {"handles", "resident", "paged quota", "nonpaged quota", "system nonpaged", "outstanding"};
        long start = System.nanoTime();
        OptionalLong[] previous = null;
        long previousNanos = start;
        Set<String> everGrowing = new LinkedHashSet<>();
        for (int i = 0; i < samples; i++) {
            if (i > 0) {
                workload.step();
                Thread.sleep(intervalMillis);
            }
            long now = System.nanoTime();
            ProcessTelemetry t = ProcessTelemetry.sample(pid);
            OptionalLong[] v = {t.handles().value(), t.residentBytes().value(), t.pagedPoolQuota().value(),
                    t.nonPagedPoolQuota().value(), t.systemNonPagedPool().value(),
                    mbeans != null ? mbeans.outstanding() : OptionalLong.empty()};
            double seconds = (now - previousNanos) / 1e9;
            List<String> flags = new ArrayList<>();
            for (int m = 0; m < v.length; m++) {
                if (growth[m].add(v[m])) {
                    flags.add(names[m]);
                    everGrowing.add(names[m]);
                }
            }
            out.println(String.format("%8.1f %9s %8s %11s %8s %10s %10s %12s %11s %8s  %s",
                    (now - start) / 1e9, num(v[0], 1), rate(v[0], previous, 0, seconds, 1), num(v[1], 1 << 20),
                    rate(v[1], previous, 1, seconds, 1 << 20), num(v[2], 1024), num(v[3], 1024), num(v[4], 1 << 20),
                    num(v[5], 1), rate(v[5], previous, 5, seconds, 1),
                    flags.isEmpty() ? "" : "GROWING: " + String.join(", ", flags)));
            previous = v;
            previousNanos = now;
        }
        out.println();
        if (everGrowing.isEmpty()) {
            out.println("nothing grew steadily over " + samples + " samples");
        } else {
            out.println("grew at every one of " + Growth.WINDOW + " intervals in a row: " + String.join(", ", everGrowing)
                    + " (a leak, or a queue that does not drain: see docs/diagnostics.md)");
        }
        String summary = workload.summary();
        if (!summary.isEmpty()) {
            out.println(summary);
        }
    }

    private static String num(OptionalLong v, long unit) {
        if (v.isEmpty()) {
            return "-";
        }
        return unit == 1 ? Long.toString(v.getAsLong()) : String.format("%.1f", v.getAsLong() / (double) unit);
    }

    private static String rate(OptionalLong v, OptionalLong[] previous, int index, double seconds, long unit) {
        if (v.isEmpty() || previous == null || previous[index].isEmpty() || seconds <= 0) {
            return "-";
        }
        double perSecond = (v.getAsLong() - previous[index].getAsLong()) / seconds / unit;
        return String.format("%+.1f", perSecond);
    }

    /** Something misbehaving in this process, for the table to show. */
    private abstract static class Workload implements AutoCloseable {

        static Workload start(Kind kind) throws IOException {
            switch (kind) {
                case leak:
                    return new Leak();
                case flood:
                    return new Flood();
                default:
                    return new Workload() {
                        @Override
                        void step() {
                        }
                    };
            }
        }

        abstract void step() throws InterruptedException;

        String summary() {
            return "";
        }

        @Override
        public void close() throws IOException {
        }
    }

    /** Opens files and allocates OVERLAPPEDs it never closes or frees (it keeps them, so nothing is reclaimed). */
    private static final class Leak extends Workload {
        private final IoDispatcher dispatcher;
        private final Path file;
        private final List<FileChannel> channels = new ArrayList<>();
        private final List<NativeOverlapped> overlapped = new ArrayList<>();

        Leak() throws IOException {
            dispatcher = IoDispatcher.builder().name("diagnose-leak").threads(1).build();
            file = Files.createTempFile("iocp4j-diagnose", ".tmp");
        }

        @Override
        void step() {
            try {
                for (int i = 0; i < 8; i++) {
                    channels.add(FileChannel.open(file, StandardOpenOption.READ));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < 50; i++) {
                overlapped.add(dispatcher.allocate((e, b, o) -> { }, null, ByteBuffer.allocateDirect(4096)));
            }
        }

        @Override
        String summary() {
            return "workload leak: " + channels.size() + " files left open, " + overlapped.size()
                    + " OVERLAPPEDs never freed (" + dispatcher.pinnedBytes() + " bytes pinned)";
        }

        @Override
        public void close() throws IOException {
            for (FileChannel c : channels) {
                c.close();
            }
            overlapped.forEach(NativeOverlapped::free);
            dispatcher.close();
            Files.deleteIfExists(file);
        }
    }

    /** The first seed's flood: tasks posted much faster than they drain, against a bound of 1,000. */
    private static final class Flood extends Workload {
        private final IoDispatcher dispatcher;
        private final CountDownLatch release = new CountDownLatch(1);
        private long accepted;

        Flood() throws IOException {
            dispatcher = IoDispatcher.builder().name("diagnose-flood").threads(1).capacity(1000).build();
            CountDownLatch blocking = new CountDownLatch(1);
            dispatcher.execute(() -> {
                blocking.countDown();
                try {
                    release.await(1, TimeUnit.HOURS); // holds the only I/O thread: nobody drains
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                blocking.await(10, TimeUnit.SECONDS); // running: its slot is free again, the bound is all queue
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        void step() {
            for (int i = 0; i < 100_000; i++) {
                try {
                    dispatcher.execute(() -> { });
                    accepted++;
                } catch (RejectedExecutionException e) {
                    // counted by the dispatcher
                }
            }
        }

        @Override
        String summary() {
            return "workload flood: " + accepted + " tasks accepted, " + dispatcher.rejectedPosts()
                    + " rejected at the bound of " + dispatcher.stats().capacity() + "; the task queue stayed at "
                    + dispatcher.stats().outstandingTasks() + ", the port at "
                    + dispatcher.stats().queueDepth().orElse(-1) + " packet(s)";
        }

        @Override
        public void close() {
            release.countDown();
            dispatcher.close();
        }
    }
}
