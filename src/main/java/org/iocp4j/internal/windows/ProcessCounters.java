package org.iocp4j.internal.windows;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.OptionalLong;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.Win32Errors;

/**
 * The Windows counters behind {@code org.iocp4j.ProcessTelemetry}: turns {@link Win32Diag}'s results into
 * readings, choosing the handle count's source and refusing Wine's stub zeros. It knows nothing of the
 * public type: the telemetry reads these readings, never the other way round.
 */
public final class ProcessCounters {

    private ProcessCounters() {
    }

    /** One value and where it came from, or why there is none. */
    public static final class Reading {
        private final String name;
        private final OptionalLong value;
        private final String source;

        private Reading(String name, OptionalLong value, String source) {
            this.name = name;
            this.value = value;
            this.source = source;
        }

        static Reading of(String name, long value, String source) {
            return new Reading(name, OptionalLong.of(value), source);
        }

        static Reading unavailable(String name, String why) {
            return new Reading(name, OptionalLong.empty(), why);
        }

        /** @return what it is ({@code "handles"}, {@code "resident bytes"}, ...) */
        public String name() {
            return name;
        }

        /** @return the value, empty if unavailable */
        public OptionalLong value() {
            return value;
        }

        /** @return where the value came from, or why it is unavailable */
        public String source() {
            return source;
        }
    }

    /** The Windows readings of one process. */
    public static final class Windows {
        private final Reading handles;
        private final Reading resident;
        private final Reading pagedQuota;
        private final Reading nonPagedQuota;
        private final Reading systemNonPaged;

        Windows(Reading handles, Reading resident, Reading pagedQuota, Reading nonPagedQuota, Reading systemNonPaged) {
            this.handles = handles;
            this.resident = resident;
            this.pagedQuota = pagedQuota;
            this.nonPagedQuota = nonPagedQuota;
            this.systemNonPaged = systemNonPaged;
        }

        /** @return open handles */
        public Reading handles() {
            return handles;
        }

        /** @return the working set */
        public Reading resident() {
            return resident;
        }

        /** @return paged pool charged to the process */
        public Reading pagedQuota() {
            return pagedQuota;
        }

        /** @return nonpaged pool charged to the process */
        public Reading nonPagedQuota() {
            return nonPagedQuota;
        }

        /** @return the whole system's nonpaged pool */
        public Reading systemNonPaged() {
            return systemNonPaged;
        }
    }

    /**
     * Samples {@code pid} (0: this process).
     *
     * @throws IllegalArgumentException if the process does not exist or cannot be queried
     */
    public static Windows windows(int pid) {
        Reading handles = handles(pid);
        NativeRegion region = NativeRegion.allocate(8 * Math.max(Win32Diag.MEMORY_LONGS, Win32Diag.PERF_LONGS));
        long out = region.address();
        ByteBuffer longs = region.memory();
        try {
            Reading resident;
            Reading paged;
            Reading nonPaged;
            int r = Win32Diag.processMemory0(pid, out);
            if (r < 0) {
                String why = Win32Errors.failure("GetProcessMemoryInfo", -r);
                resident = Reading.unavailable("resident bytes", why);
                paged = Reading.unavailable("paged pool quota", why);
                nonPaged = Reading.unavailable("nonpaged pool quota", why);
            } else {
                resident = positive("resident bytes", NativeMemory.getLong(longs, 8 * Win32Diag.MEMORY_WORKING_SET),
                        "GetProcessMemoryInfo WorkingSetSize");
                paged = positive("paged pool quota", NativeMemory.getLong(longs, 8 * Win32Diag.MEMORY_PAGED_POOL_QUOTA),
                        "GetProcessMemoryInfo QuotaPagedPoolUsage");
                nonPaged = positive("nonpaged pool quota",
                        NativeMemory.getLong(longs, 8 * Win32Diag.MEMORY_NONPAGED_POOL_QUOTA),
                        "GetProcessMemoryInfo QuotaNonPagedPoolUsage");
            }
            Reading system;
            r = Win32Diag.performanceInfo0(out);
            system = r < 0 ? Reading.unavailable("system nonpaged pool", "GetPerformanceInfo failed: error " + -r)
                    : positive("system nonpaged pool", NativeMemory.getLong(longs, 8 * Win32Diag.PERF_KERNEL_NONPAGED_BYTES),
                            "GetPerformanceInfo KernelNonpaged x PageSize");
            return new Windows(handles, resident, paged, nonPaged, system);
        } finally {
            Reference.reachabilityFence(region); // the memory must outlive the calls
        }
    }

    /** GetProcessHandleCount, unless it fails or says 0 (no live process has 0 handles: Wine's stub). */
    private static Reading handles(int pid) {
        long n = Win32Diag.processHandleCount0(pid);
        if (n > 0) {
            return Reading.of("handles", n, "GetProcessHandleCount");
        }
        long counted = Win32Diag.systemHandleCount0(pid);
        if (counted < 0) {
            if (pid != 0) {
                throw new IllegalArgumentException("cannot query process " + pid + ": "
                        + Win32Errors.failure("OpenProcess", (int) -counted));
            }
            return Reading.unavailable("handles", "GetProcessHandleCount gave " + n
                    + " and NtQuerySystemInformation failed with error " + -counted);
        }
        return Reading.of("handles", counted, "NtQuerySystemInformation(SystemExtendedHandleInformation)"
                + (n == 0 ? ", GetProcessHandleCount said 0" : ""));
    }

    /** A value that is 0 only where the platform stubs it (no live process has an empty working set). */
    private static Reading positive(String name, long value, String source) {
        return value > 0 ? Reading.of(name, value, source) : Reading.unavailable(name, source + " reported 0 (a stub?)");
    }
}
