package org.iocp4j;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.iocp4j.internal.dispatch.LeakTrace;

/**
 * One operation or task still outstanding in a dispatcher, as listed by
 * {@link IoDispatcher#outstandingOlderThan(Duration)}: what to look at when something never completes.
 */
public final class OutstandingOperation {
    private final long address;
    private final String kind;
    private final NativeOverlapped.Status status;
    private final long handle;
    private final Optional<Duration> age;
    private final Optional<Throwable> allocated;
    private final Optional<Throwable> lastTouch;

    /**
     * Creates a OutstandingOperation.
     *
     * @param address the OVERLAPPED's address
     * @param kind "operation", "pre-allocated operation" or "task"
     * @param status where it stands
     * @param handle the bound handle it was allocated for, 0 if none
     * @param age time since it was submitted, when known
     * @param allocated where it was allocated, when recorded ({@link LeakDetection})
     * @param lastTouch where it was last submitted, when recorded ({@link LeakDetection#PARANOID})
     */
    public OutstandingOperation(long address, String kind, NativeOverlapped.Status status, long handle, Optional<Duration> age, Optional<Throwable> allocated, Optional<Throwable> lastTouch) {
        this.address = address;
        this.kind = kind;
        this.status = status;
        this.handle = handle;
        this.age = age;
        this.allocated = allocated;
        this.lastTouch = lastTouch;
    }

    /** One line (and the recorded stacks' first frames), for logs. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("0x%x %s %s", address, kind, status));
        if (handle != 0) {
            sb.append(" handle 0x").append(Long.toHexString(handle));
        }
        sb.append(age.map(a -> " age " + a.toMillis() + " ms").orElse(" age unknown"));
        allocated.ifPresent(t -> sb.append(" allocated at ").append(LeakTrace.site(t)));
        lastTouch.ifPresent(t -> sb.append(" last submitted at ").append(LeakTrace.site(t)));
        return sb.toString();
    }

    /** @return the OVERLAPPED's address */
    public long address() {
        return address;
    }

    /** @return "operation", "pre-allocated operation" or "task" */
    public String kind() {
        return kind;
    }

    /** @return where it stands */
    public NativeOverlapped.Status status() {
        return status;
    }

    /** @return the bound handle it was allocated for, 0 if none */
    public long handle() {
        return handle;
    }

    /** @return time since it was submitted, when known */
    public Optional<Duration> age() {
        return age;
    }

    /** @return where it was allocated, when recorded ({@link LeakDetection}) */
    public Optional<Throwable> allocated() {
        return allocated;
    }

    /** @return where it was last submitted, when recorded ({@link LeakDetection#PARANOID}) */
    public Optional<Throwable> lastTouch() {
        return lastTouch;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof OutstandingOperation)) {
            return false;
        }
        OutstandingOperation o = (OutstandingOperation) other;
        return address == o.address
            && Objects.equals(kind, o.kind)
            && Objects.equals(status, o.status)
            && handle == o.handle
            && Objects.equals(age, o.age)
            && Objects.equals(allocated, o.allocated)
            && Objects.equals(lastTouch, o.lastTouch);
    }

    @Override
    public int hashCode() {
        return Objects.hash(address, kind, status, handle, age, allocated, lastTouch);
    }
}
