package org.iocp4j.internal.dispatch;

/**
 * Where a {@code NativeOverlapped} was allocated and last submitted, when leak detection records it.
 * Held by the overlapped and by its backstop's cleaning action, so it must never point back at the
 * overlapped (that would keep it reachable and hide the leak).
 */
public final class LeakTrace {

    private final Throwable allocated;
    private volatile Throwable lastTouch;

    private LeakTrace(Throwable allocated) {
        this.allocated = allocated;
    }

    /**
     * @param what the overlapped's type, for the message
     * @return the allocation stack of the calling code, a plain Throwable named for what it shows
     */
    public static LeakTrace here(String what) {
        return new LeakTrace(new Throwable(what + " allocated here, by thread " + Thread.currentThread().getName()));
    }

    /** @return the allocation stack */
    public Throwable allocated() {
        return allocated;
    }

    /** @return the stack of the last submit, null unless recorded */
    public Throwable lastTouch() {
        return lastTouch;
    }

    /** Records the calling code as the last to submit. */
    void touched() {
        lastTouch = new Throwable("last submitted here, by thread " + Thread.currentThread().getName());
    }

    /**
     * @param t a recorded stack
     * @return its first frame outside iocp4j's own classes: the caller's line
     */
    public static String site(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            String c = e.getClassName();
            if (!c.startsWith("org.iocp4j.") || c.startsWith("org.iocp4j.tools.") || c.endsWith("Test")) {
                return e.toString();
            }
        }
        StackTraceElement[] s = t.getStackTrace();
        return s.length > 0 ? s[0].toString() : "unknown";
    }
}
