package org.iocp4j.internal.windows;

import java.lang.annotation.Native;

/**
 * The JNI natives of {@code native/Win32Diag.c}: cold process and system counters, one Win32 call (or a
 * tight group) each, primitives only. Natives rather than JNA so the Wine C suite checks them.
 */
public final class Win32Diag {

    /** Longs written by {@link #processMemory0}, in this order. */
    @Native public static final int MEMORY_WORKING_SET = 0;
    @Native public static final int MEMORY_PAGED_POOL_QUOTA = 1;
    @Native public static final int MEMORY_NONPAGED_POOL_QUOTA = 2;
    @Native public static final int MEMORY_PAGEFILE = 3;
    @Native public static final int MEMORY_LONGS = 4;

    /** Longs written by {@link #performanceInfo0}, in this order. */
    @Native public static final int PERF_KERNEL_NONPAGED_BYTES = 0;
    @Native public static final int PERF_KERNEL_PAGED_BYTES = 1;
    @Native public static final int PERF_SYSTEM_HANDLES = 2;
    @Native public static final int PERF_PROCESSES = 3;
    @Native public static final int PERF_LONGS = 4;

    private Win32Diag() {
    }

    /** {@code GetProcessHandleCount} of {@code pid} (0: this process): the count, or -(Win32 error). */
    static native long processHandleCount0(int pid);

    /**
     * Handles of {@code pid} (0: this process) counted in {@code NtQuerySystemInformation}'s
     * {@code SystemExtendedHandleInformation}: the count, or -(Win32 error). Slower, but exact where
     * {@code GetProcessHandleCount} is a stub (Wine).
     */
    static native long systemHandleCount0(int pid);

    /** {@code GetProcessMemoryInfo} of {@code pid} (0: this process) into {@link #MEMORY_LONGS} longs: 0 or -(error). */
    static native int processMemory0(int pid, long outAddress);

    /** {@code GetPerformanceInfo}, in bytes where it counts pages, into {@link #PERF_LONGS} longs: 0 or -(error). */
    static native int performanceInfo0(long outAddress);

    /**
     * Wine's version ({@code wine_get_version}) into {@code capacity} bytes at {@code outAddress},
     * NUL-terminated: its length, or 0 on Windows.
     */
    static native int wineVersion0(long outAddress, int capacity);

    /** {@code GetCurrentProcessId}. */
    static native int currentProcessId0();
}
