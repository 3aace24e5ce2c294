package org.iocp4j;

import java.time.Duration;
import java.util.Optional;

/**
 * One operation or task still outstanding in a dispatcher, as listed by
 * {@link IoDispatcher#outstandingOlderThan(Duration)}: what to look at when something never completes.
 *
 * @param address   the OVERLAPPED's address
 * @param kind      "operation", "pre-allocated operation" or "task"
 * @param status    where it stands
 * @param handle    the bound handle it was allocated for, 0 if none
 * @param age       time since it was submitted, when known
 * @param allocated where it was allocated, when recorded ({@link LeakDetection})
 * @param lastTouch where it was last submitted, when recorded ({@link LeakDetection#PARANOID})
 */
public record OutstandingOperation(long address, String kind, NativeOverlapped.Status status, long handle,
                                   Optional<Duration> age, Optional<Throwable> allocated,
                                   Optional<Throwable> lastTouch) {

    /** One line (and the recorded stacks' first frames), for logs. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("0x%x %s %s", address, kind, status));
        if (handle != 0) {
            sb.append(" handle 0x").append(Long.toHexString(handle));
        }
        sb.append(age.map(a -> " age " + a.toMillis() + " ms").orElse(" age unknown"));
        allocated.ifPresent(t -> sb.append(" allocated at ").append(site(t)));
        lastTouch.ifPresent(t -> sb.append(" last submitted at ").append(site(t)));
        return sb.toString();
    }

    /** The first frame outside iocp4j's own classes: the caller's line. */
    static String site(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (!c.startsWith("org.iocp4j.") || c.startsWith("org.iocp4j.internal.cli.") || c.endsWith("Test")) {
                return e.toString();
            }
        }
        StackTraceElement[] s = t.getStackTrace();
        return s.length > 0 ? s[0].toString() : "unknown";
    }
}
