package org.iocp4j.internal.windows;

import java.util.Objects;

import org.iocp4j.IocpException;
import org.iocp4j.ProcessTelemetry.Metric;
import org.iocp4j.internal.NativeMemory;

/**
 * The Windows side of {@link org.iocp4j.ProcessTelemetry}: turns {@link Win32Diag}'s results into metrics,
 * choosing the handle count's source and refusing Wine's stub zeros.
 */
public final class ProcessCounters {

    private ProcessCounters() {
    }

    /** The Windows metrics of one process. */
    public static final class Windows {
        private final Metric handles;
        private final Metric resident;
        private final Metric pagedQuota;
        private final Metric nonPagedQuota;
        private final Metric systemNonPaged;

        /**
         * Creates a Windows.
         *
         * @param handles the handles
         * @param resident the resident
         * @param pagedQuota the pagedQuota
         * @param nonPagedQuota the nonPagedQuota
         * @param systemNonPaged the systemNonPaged
         */
        public Windows(Metric handles, Metric resident, Metric pagedQuota, Metric nonPagedQuota, Metric systemNonPaged) {
            this.handles = handles;
            this.resident = resident;
            this.pagedQuota = pagedQuota;
            this.nonPagedQuota = nonPagedQuota;
            this.systemNonPaged = systemNonPaged;
        }

        /** @return the handles */
        public Metric handles() {
            return handles;
        }

        /** @return the resident */
        public Metric resident() {
            return resident;
        }

        /** @return the pagedQuota */
        public Metric pagedQuota() {
            return pagedQuota;
        }

        /** @return the nonPagedQuota */
        public Metric nonPagedQuota() {
            return nonPagedQuota;
        }

        /** @return the systemNonPaged */
        public Metric systemNonPaged() {
            return systemNonPaged;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof Windows)) {
                return false;
            }
            Windows o = (Windows) other;
            return Objects.equals(handles, o.handles)
                && Objects.equals(resident, o.resident)
                && Objects.equals(pagedQuota, o.pagedQuota)
                && Objects.equals(nonPagedQuota, o.nonPagedQuota)
                && Objects.equals(systemNonPaged, o.systemNonPaged);
        }

        @Override
        public int hashCode() {
            return Objects.hash(handles, resident, pagedQuota, nonPagedQuota, systemNonPaged);
        }

        @Override
        public String toString() {
            return "Windows[handles=" + handles + ", resident=" + resident + ", pagedQuota=" + pagedQuota + ", nonPagedQuota=" + nonPagedQuota + ", systemNonPaged=" + systemNonPaged + "]";
        }
    }

    /**
     * Samples {@code pid} (0: this process).
     *
     * @throws IllegalArgumentException if the process does not exist or cannot be queried
     */
    public static Windows windows(int pid) {
        Metric handles = handles(pid);
        long out = NativeMemory.allocateZeroed(8L * Math.max(Win32Diag.MEMORY_LONGS, Win32Diag.PERF_LONGS));
        try {
            Metric resident;
            Metric paged;
            Metric nonPaged;
            int r = Win32Diag.processMemory0(pid, out);
            if (r < 0) {
                String why = "GetProcessMemoryInfo failed: " + new IocpException("GetProcessMemoryInfo", -r).getMessage();
                resident = Metric.unavailable("resident bytes", why);
                paged = Metric.unavailable("paged pool quota", why);
                nonPaged = Metric.unavailable("nonpaged pool quota", why);
            } else {
                resident = positive("resident bytes", NativeMemory.getLong(out + 8L * Win32Diag.MEMORY_WORKING_SET),
                        "GetProcessMemoryInfo WorkingSetSize");
                paged = positive("paged pool quota", NativeMemory.getLong(out + 8L * Win32Diag.MEMORY_PAGED_POOL_QUOTA),
                        "GetProcessMemoryInfo QuotaPagedPoolUsage");
                nonPaged = positive("nonpaged pool quota",
                        NativeMemory.getLong(out + 8L * Win32Diag.MEMORY_NONPAGED_POOL_QUOTA),
                        "GetProcessMemoryInfo QuotaNonPagedPoolUsage");
            }
            Metric system;
            r = Win32Diag.performanceInfo0(out);
            system = r < 0 ? Metric.unavailable("system nonpaged pool", "GetPerformanceInfo failed: error " + -r)
                    : positive("system nonpaged pool", NativeMemory.getLong(out + 8L * Win32Diag.PERF_KERNEL_NONPAGED_BYTES),
                            "GetPerformanceInfo KernelNonpaged x PageSize");
            return new Windows(handles, resident, paged, nonPaged, system);
        } finally {
            NativeMemory.free(out);
        }
    }

    /** GetProcessHandleCount, unless it fails or says 0 (no live process has 0 handles: Wine's stub). */
    private static Metric handles(int pid) {
        long n = Win32Diag.processHandleCount0(pid);
        if (n > 0) {
            return Metric.of("handles", n, "GetProcessHandleCount");
        }
        long counted = Win32Diag.systemHandleCount0(pid);
        if (counted < 0) {
            if (pid != 0) {
                throw new IllegalArgumentException("cannot query process " + pid + ": "
                        + new IocpException("OpenProcess", (int) -counted).getMessage());
            }
            return Metric.unavailable("handles", "GetProcessHandleCount gave " + n
                    + " and NtQuerySystemInformation failed with error " + -counted);
        }
        return Metric.of("handles", counted, "NtQuerySystemInformation(SystemExtendedHandleInformation)"
                + (n == 0 ? ", GetProcessHandleCount said 0" : ""));
    }

    /** A value that is 0 only where the platform stubs it (no live process has an empty working set). */
    private static Metric positive(String name, long value, String source) {
        return value > 0 ? Metric.of(name, value, source) : Metric.unavailable(name, source + " reported 0 (a stub?)");
    }
}
