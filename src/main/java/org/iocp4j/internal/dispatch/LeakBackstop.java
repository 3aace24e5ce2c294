package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

import org.iocp4j.LeakDetection;
import org.iocp4j.internal.jfr.DispatcherEvents;

/**
 * The backstop behind every overlapped: when one becomes unreachable without being freed, a
 * {@link Cleaner} reclaims its slot (unless it is submitted: then the kernel may still write it) and,
 * unless leak detection is disabled, reports it with where it was allocated.
 */
public final class LeakBackstop {

    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong REPORTED = new AtomicLong();

    private final String name;
    private final OverlappedSlab slab;
    private final Backpressure backpressure;
    private final DispatcherCounters counters;
    private final boolean report;

    LeakBackstop(String name, OverlappedSlab slab, Backpressure backpressure, DispatcherCounters counters,
                 LeakDetection level) {
        this.name = name;
        this.slab = slab;
        this.backpressure = backpressure;
        this.counters = counters;
        this.report = level != LeakDetection.DISABLED;
    }

    /** @return leaks reported so far in this JVM, by every dispatcher */
    public static long reported() {
        return REPORTED.get();
    }

    /** Watches {@code overlapped}; the action captures nothing that reaches it. */
    Cleaner.Cleanable register(Object overlapped, int slot, long generation, long pinnedBytes, LeakTrace trace) {
        return CLEANER.register(overlapped, () -> reclaim(slot, generation, pinnedBytes, trace));
    }

    private void reclaim(int slot, long generation, long pinnedBytes, LeakTrace trace) {
        if (slab.release(slot, generation) != -1) {
            return; // freed by its owner, or submitted (then the kernel may still write it: never freed)
        }
        backpressure.unpin(pinnedBytes);
        counters.leak();
        if (!report) {
            return;
        }
        REPORTED.incrementAndGet();
        Throwable evidence = trace == null ? null : trace.allocated();
        if (evidence == null) {
            LOG.error("LEAK: dispatcher {}: a NativeOverlapped (slot {}, generation {}) became unreachable without"
                    + " free(); its slot was reclaimed. Run with -D{}=paranoid to see where it was allocated",
                    name, slot, generation, LeakDetection.PROPERTY);
        } else {
            if (trace.lastTouch() != null) {
                evidence.addSuppressed(trace.lastTouch());
            }
            LOG.error("LEAK: dispatcher {}: a NativeOverlapped (slot {}, generation {}) became unreachable without"
                    + " free() (allocated at {}); its slot was reclaimed", name, slot, generation,
                    LeakTrace.site(evidence), evidence);
        }
        DispatcherEvents.leak(name, slot, evidence == null ? null : LeakTrace.site(evidence));
    }
}
