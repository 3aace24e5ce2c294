package org.iocp4j;

/**
 * Where a {@link NativeOverlapped} was allocated and last submitted, when {@link LeakDetection} records it.
 * Held by the overlapped and by its backstop's cleaning action, so it must never point back at the
 * overlapped (that would keep it reachable and hide the leak).
 */
final class LeakTrace {

    final Throwable allocated;
    volatile Throwable lastTouch;

    LeakTrace(Throwable allocated) {
        this.allocated = allocated;
    }

    /** The allocation stack, a plain Throwable named for what it shows. */
    static LeakTrace here(String what) {
        return new LeakTrace(new Throwable(what + " allocated here, by thread " + Thread.currentThread().getName()));
    }
}
