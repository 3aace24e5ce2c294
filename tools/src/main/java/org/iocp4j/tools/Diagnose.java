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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.iocp4j.IoDispatcher;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.ProcessTelemetry;

/**
 * {@code iocp4j diagnose}: samples a process (this one, or another by pid) at an interval and prints a
 * table of its handles, memory, pool quotas, the system's nonpaged pool and (for this process) the
 * operations outstanding in its dispatchers, each with its rate, and flags what grows steadily.
 * {@code --workload leak|flood} runs a misbehaving dispatcher in this process, to see what that looks like.
 */
final class Diagnose {

    static final String USAGE = String.join("\n",
            "usage: iocp4j diagnose [--pid N] [--interval MS] [--samples N] [--workload leak|flood]",
            "",
            "Samples a process and prints, per interval: handles (file descriptors on Linux), resident memory,",
            "paged and nonpaged pool quota and the system's nonpaged pool (Windows), the operations outstanding in",
            "iocp4j dispatchers (another JVM's through the attach API, which needs a JDK), each with its rate per",
            "second. A value that grew at every one",
            "of the last " + Growth.WINDOW + " intervals is flagged GROWING.",
            "",
            "options:",
            "  --pid N             the process to watch (default: this one; Windows needs the right to query it)",
            "  --interval MS       milliseconds between samples (default 1000)",
            "  --samples N         how many samples (default 10)",
            "  --workload KIND     run a workload in this process while watching it:",
            "                        leak   each interval, opens 8 files and allocates 50 OVERLAPPEDs, never freed",
            "                        flood  posts 100,000 tasks per interval to a dispatcher nobody drains,",
            "                               bounded at 1,000 (the rest are rejected and counted)",
            "  --help              show this help");

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

    private Diagnose() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        long pid = ProcessHandle.current().pid();
        long interval = 1000;
        int samples = 10;
        String workload = "none";
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help":
                    case "-h":
                        out.println(USAGE);
                        return 0;
                    case "--pid":
                        pid = positive(a, value(args, ++i, a));
                        break;
                    case "--interval":
                        interval = positive(a, value(args, ++i, a));
                        break;
                    case "--samples":
                        samples = (int) Math.min(Integer.MAX_VALUE, positive(a, value(args, ++i, a)));
                        break;
                    case "--workload":
                        workload = value(args, ++i, a);
                        if (!workload.equals("leak") && !workload.equals("flood")) {
                            throw new IllegalArgumentException("--workload must be leak or flood, not '" + workload + "'");
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            err.println("iocp4j diagnose: " + e.getMessage() + "\n");
            err.println(USAGE);
            return 2;
        }
        boolean self = pid == ProcessHandle.current().pid();
        if (!self && !workload.equals("none")) {
            err.println("iocp4j diagnose: --workload runs in this process; it cannot go with --pid\n");
            err.println(USAGE);
            return 2;
        }
        try (Workload w = Workload.start(workload)) {
            watch(pid, self, interval, samples, w, out);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("iocp4j diagnose: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("iocp4j diagnose failed: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long positive(String option, String text) {
        try {
            long v = Long.parseLong(text);
            if (v <= 0) {
                throw new IllegalArgumentException(option + " must be positive, not " + text);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not '" + text + "'");
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

        static Workload start(String kind) throws IOException {
            switch (kind) {
                case "leak":
                    return new Leak();
                case "flood":
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
