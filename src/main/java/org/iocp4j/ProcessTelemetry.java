package org.iocp4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;

import org.iocp4j.internal.windows.NativeLibraryLoader;
import org.iocp4j.internal.windows.ProcessCounters;

/**
 * What the operating system says about a process, at one moment: its handles (file descriptors on
 * Linux), resident memory, the pool quota it is charged (Windows) and the system's nonpaged pool
 * (Windows). The kernel's side of a leak: compare it over time with a dispatcher's {@link DispatcherStats}.
 *
 * <p>A value the platform does not have, or only has as a stub (Wine returns 0 for the handle count and
 * the pool quotas), is {@linkplain Metric#isAvailable() unavailable}, never 0. Each value says where it
 * came from.
 */
public final class ProcessTelemetry {
    private final long pid;
    private final Instant takenAt;
    private final Metric handles;
    private final Metric residentBytes;
    private final Metric pagedPoolQuota;
    private final Metric nonPagedPoolQuota;
    private final Metric systemNonPagedPool;

    /**
     * Creates a ProcessTelemetry.
     *
     * @param pid the process
     * @param takenAt when
     * @param handles open handles (Windows) or file descriptors (Linux)
     * @param residentBytes working set (Windows) or resident set (Linux)
     * @param pagedPoolQuota paged pool charged to the process (Windows)
     * @param nonPagedPoolQuota nonpaged pool charged to the process (Windows)
     * @param systemNonPagedPool the whole system's nonpaged pool (Windows)
     */
    public ProcessTelemetry(long pid, Instant takenAt, Metric handles, Metric residentBytes, Metric pagedPoolQuota, Metric nonPagedPoolQuota, Metric systemNonPagedPool) {
        this.pid = pid;
        this.takenAt = takenAt;
        this.handles = handles;
        this.residentBytes = residentBytes;
        this.pagedPoolQuota = pagedPoolQuota;
        this.nonPagedPoolQuota = nonPagedPoolQuota;
        this.systemNonPagedPool = systemNonPagedPool;
    }

    /**
     * One value and its source.
     */
    public static final class Metric {
        private final String name;
        private final OptionalLong value;
        private final String source;

        /**
         * Creates a Metric.
         *
         * @param name what it is
         * @param value the value, empty if unavailable
         * @param source where it came from ({@code GetProcessHandleCount}, {@code /proc/self/fd}, ...), or why it is unavailable
         */
        public Metric(String name, OptionalLong value, String source) {
            this.name = name;
            this.value = value;
            this.source = source;
        }

        /**
         * @param name   what it is
         * @param value  the value
         * @param source where it came from
         * @return an available metric
         */
        public static Metric of(String name, long value, String source) {
            return new Metric(name, OptionalLong.of(value), source);
        }

        /**
         * @param name what it is
         * @param why  why the platform cannot say
         * @return an unavailable metric
         */
        public static Metric unavailable(String name, String why) {
            return new Metric(name, OptionalLong.empty(), why);
        }

        /** @return whether the platform reported a value */
        public boolean isAvailable() {
            return value.isPresent();
        }

        @Override
        public String toString() {
            return name + " " + (value.isPresent() ? String.valueOf(value.getAsLong()) : "unavailable") + " (" + source + ")";
        }

        /** @return what it is */
        public String name() {
            return name;
        }

        /** @return the value, empty if unavailable */
        public OptionalLong value() {
            return value;
        }

        /** @return where it came from ({@code GetProcessHandleCount}, {@code /proc/self/fd}, ...), or why it is unavailable */
        public String source() {
            return source;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Metric)) {
                return false;
            }
            Metric o = (Metric) other;
            return Objects.equals(name, o.name)
                && Objects.equals(value, o.value)
                && Objects.equals(source, o.source);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, value, source);
        }
    }

    /** @return the metrics in a fixed order: handles, resident, paged quota, nonpaged quota, system nonpaged */
    public List<Metric> metrics() {
        return List.of(handles, residentBytes, pagedPoolQuota, nonPagedPoolQuota, systemNonPagedPool);
    }

    /**
     * Samples this process.
     *
     * @return the snapshot; never throws for a metric the platform lacks
     */
    public static ProcessTelemetry sample() {
        return sample(ProcessHandle.current().pid());
    }

    /**
     * Samples another process (Windows: needs the right to query it; Linux: to read its {@code /proc}).
     *
     * @param pid the process id
     * @return the snapshot
     * @throws IllegalArgumentException if no such process exists (or it cannot be queried)
     */
    public static ProcessTelemetry sample(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a process id: " + pid);
        }
        boolean self = pid == ProcessHandle.current().pid();
        if (isWindows()) {
            return windows(pid, self);
        }
        if (Files.isDirectory(Path.of("/proc/self"))) {
            return linux(pid, self);
        }
        if (!self && ProcessHandle.of(pid).isEmpty()) {
            throw new IllegalArgumentException("no process " + pid);
        }
        String why = "not reported on " + System.getProperty("os.name");
        return new ProcessTelemetry(pid, Instant.now(), Metric.unavailable("handles", why),
                Metric.unavailable("resident bytes", why), Metric.unavailable("paged pool quota", why),
                Metric.unavailable("nonpaged pool quota", why), Metric.unavailable("system nonpaged pool", why));
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    private static ProcessTelemetry windows(long pid, boolean self) {
        if (!NativeLibraryLoader.isLoaded()) {
            String why = "iocp4j.dll not loaded: " + NativeLibraryLoader.failure();
            return new ProcessTelemetry(pid, Instant.now(), Metric.unavailable("handles", why),
                    Metric.unavailable("resident bytes", why), Metric.unavailable("paged pool quota", why),
                    Metric.unavailable("nonpaged pool quota", why), Metric.unavailable("system nonpaged pool", why));
        }
        ProcessCounters.Windows w = ProcessCounters.windows(self ? 0 : (int) pid);
        return new ProcessTelemetry(pid, Instant.now(), metric(w.handles()), metric(w.resident()),
                metric(w.pagedQuota()), metric(w.nonPagedQuota()), metric(w.systemNonPaged()));
    }

    private static Metric metric(ProcessCounters.Reading r) {
        return new Metric(r.name(), r.value(), r.source());
    }

    private static ProcessTelemetry linux(long pid, boolean self) {
        Path proc = Path.of("/proc", self ? "self" : Long.toString(pid));
        if (!Files.isDirectory(proc)) {
            throw new IllegalArgumentException("no process " + pid + " (" + proc + " does not exist)");
        }
        String fdSource = proc + "/fd";
        Metric handles;
        try {
            handles = Metric.of("handles", countFileDescriptors(proc.resolve("fd")), fdSource
                    + (self ? " (less those used to count)" : ""));
        } catch (IOException | UncheckedIOException e) {
            handles = Metric.unavailable("handles", fdSource + " unreadable: " + e);
        }
        Metric resident;
        try {
            resident = residentFromStatus(proc.resolve("status"));
        } catch (IOException e) {
            resident = Metric.unavailable("resident bytes", proc + "/status unreadable: " + e);
        }
        String why = "a Windows kernel figure";
        return new ProcessTelemetry(pid, Instant.now(), handles, resident, Metric.unavailable("paged pool quota", why),
                Metric.unavailable("nonpaged pool quota", why), Metric.unavailable("system nonpaged pool", why));
    }

    /**
     * Entries of {@code /proc/<pid>/fd}, less those that point at that folder itself: the descriptors the
     * listing holds open while it reads (the JDK may hold more than one).
     */
    private static long countFileDescriptors(Path fdDir) throws IOException {
        Path real = fdDir.toRealPath();
        long n = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(fdDir)) {
            for (Path entry : entries) {
                try {
                    if (Files.readSymbolicLink(entry).equals(real)) {
                        continue;
                    }
                } catch (IOException closedMeanwhile) {
                    continue; // gone between the listing and the look: not open any more
                }
                n++;
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the process ended: " + fdDir, e);
        }
        return n;
    }

    private static Metric residentFromStatus(Path status) throws IOException {
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring(6).trim().split("\\s+");
                return Metric.of("resident bytes", Long.parseLong(parts[0]) * 1024, status + " VmRSS");
            }
        }
        return Metric.unavailable("resident bytes", status + " has no VmRSS (a kernel thread?)");
    }

    /** One line per metric. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("process " + pid + " at " + takenAt + ":");
        for (Metric m : metrics()) {
            sb.append("\n  ").append(m);
        }
        return sb.toString();
    }

    /** @return the process */
    public long pid() {
        return pid;
    }

    /** @return when */
    public Instant takenAt() {
        return takenAt;
    }

    /** @return open handles (Windows) or file descriptors (Linux) */
    public Metric handles() {
        return handles;
    }

    /** @return working set (Windows) or resident set (Linux) */
    public Metric residentBytes() {
        return residentBytes;
    }

    /** @return paged pool charged to the process (Windows) */
    public Metric pagedPoolQuota() {
        return pagedPoolQuota;
    }

    /** @return nonpaged pool charged to the process (Windows) */
    public Metric nonPagedPoolQuota() {
        return nonPagedPoolQuota;
    }

    /** @return the whole system's nonpaged pool (Windows) */
    public Metric systemNonPagedPool() {
        return systemNonPagedPool;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ProcessTelemetry)) {
            return false;
        }
        ProcessTelemetry o = (ProcessTelemetry) other;
        return pid == o.pid
            && Objects.equals(takenAt, o.takenAt)
            && Objects.equals(handles, o.handles)
            && Objects.equals(residentBytes, o.residentBytes)
            && Objects.equals(pagedPoolQuota, o.pagedPoolQuota)
            && Objects.equals(nonPagedPoolQuota, o.nonPagedPoolQuota)
            && Objects.equals(systemNonPagedPool, o.systemNonPagedPool);
    }

    @Override
    public int hashCode() {
        return Objects.hash(pid, takenAt, handles, residentBytes, pagedPoolQuota, nonPagedPoolQuota, systemNonPagedPool);
    }
}
