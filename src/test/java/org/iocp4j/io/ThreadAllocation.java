package org.iocp4j.io;

import java.lang.management.ManagementFactory;

/** Bytes allocated by every live thread of the JVM, from the per-thread counters HotSpot keeps. */
final class ThreadAllocation {

    private ThreadAllocation() {
    }

    /** @return the JVM's counters, or null where it keeps none */
    static com.sun.management.ThreadMXBean bean() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean)) {
            return null;
        }
        com.sun.management.ThreadMXBean hs = (com.sun.management.ThreadMXBean) mx;
        if (!hs.isThreadAllocatedMemorySupported()) {
            return null;
        }
        hs.setThreadAllocatedMemoryEnabled(true);
        return hs;
    }

    /** @return the bytes the live threads allocated so far (a thread that ended takes its count along) */
    static long total(com.sun.management.ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long b = mx.getThreadAllocatedBytes(t.getId());
            if (b > 0) {
                sum += b;
            }
        }
        return sum;
    }
}
