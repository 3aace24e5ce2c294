package org.iocp4j;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import org.iocp4j.internal.dispatch.LeakBackstop;

/**
 * How hard iocp4j looks for {@link NativeOverlapped}s that became unreachable without being freed (after
 * Netty's {@code ResourceLeakDetector}). Set with the system property {@value #PROPERTY}
 * ({@code disabled}, {@code simple}, {@code paranoid}); read once, when the first dispatcher opens.
 *
 * <p>At every level but {@link #DISABLED} a leak is logged at ERROR and counted
 * ({@link IoDispatcher#leakedOverlapped()}, {@link #reportedLeaks()}); what differs is the evidence.
 */
public enum LeakDetection {

    /** Leaks are still caught by the backstop (their slot comes back) but not logged or counted. */
    DISABLED,
    /**
     * One allocation in {@value #SAMPLE_INTERVAL} records where it happened. The default. The operations of
     * {@code org.iocp4j.io}, which hold their overlapped until they free it and so cannot leak, record none.
     */
    SIMPLE,
    /**
     * Every allocation records where it happened, and every submit where the overlapped was last
     * touched. Costs a stack trace per allocation and submit: for tests and hunting a leak.
     */
    PARANOID;

    /** The system property that sets the level. */
    public static final String PROPERTY = "iocp4j.leakDetection";
    /** At {@link #SIMPLE}, one allocation in this many records its stack. */
    public static final int SAMPLE_INTERVAL = 64;

    private static volatile LeakDetection level;

    /**
     * The level in force.
     *
     * @return the level from {@value #PROPERTY}, {@link #SIMPLE} if unset
     * @throws IllegalArgumentException if the property holds something else
     */
    public static LeakDetection level() {
        LeakDetection l = level;
        if (l == null) {
            String value = System.getProperty(PROPERTY, "simple").trim().toUpperCase(Locale.ROOT);
            try {
                l = valueOf(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + " must be disabled, simple or paranoid, not '"
                        + System.getProperty(PROPERTY) + "'", e);
            }
            level = l;
        }
        return l;
    }

    /**
     * Sets the level for dispatchers opened from now on (tests; production sets the property).
     *
     * @param newLevel the level
     */
    public static void setLevel(LeakDetection newLevel) {
        level = Objects.requireNonNull(newLevel, "newLevel");
    }

    /**
     * Leaks reported so far in this JVM, by every dispatcher: a test harness fails the build when it rises.
     *
     * @return the count
     */
    public static long reportedLeaks() {
        return LeakBackstop.reported();
    }

    /** Whether this allocation records its stack. */
    boolean recordsAllocation() {
        return this == PARANOID || (this == SIMPLE && ThreadLocalRandom.current().nextInt(SAMPLE_INTERVAL) == 0);
    }
}
