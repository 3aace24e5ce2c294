package org.iocp4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The dispatcher's Flight Recorder events. Opt-in: disabled unless a recording's settings enable them
 * (e.g. {@code jfr configure +org.iocp4j.OverlappedLeak#enabled=true}, or a .jfc file).
 */
public final class DispatcherEvents {

    private DispatcherEvents() {
    }

    /** A NativeOverlapped became unreachable without being freed. */
    @Name("org.iocp4j.OverlappedLeak")
    @Label("OVERLAPPED leaked")
    @Category("iocp4j")
    @Description("A NativeOverlapped became unreachable without free(); its slot was reclaimed")
    @Enabled(false)
    @StackTrace(false)
    public static final class Leak extends Event {
        @Label("Dispatcher")
        public String dispatcher;
        @Label("Slot")
        public int slot;
        @Label("Allocated at")
        public String allocatedAt;
    }

    /** Work starved: every I/O thread busy, nothing completed for a tick, a thread was injected. */
    @Name("org.iocp4j.Starvation")
    @Label("I/O thread injected")
    @Category("iocp4j")
    @Description("Every I/O thread was busy and no packet completed for a gate tick: a thread was added")
    @Enabled(false)
    @StackTrace(false)
    public static final class Starvation extends Event {
        @Label("Dispatcher")
        public String dispatcher;
        @Label("Live threads")
        public int liveThreads;
    }

    /** A post was refused at a bound. */
    @Name("org.iocp4j.RejectedPost")
    @Label("Post rejected")
    @Category("iocp4j")
    @Description("A post ran into the dispatcher's bound and its overload policy refused it")
    @Enabled(false)
    public static final class RejectedPost extends Event {
        @Label("Dispatcher")
        public String dispatcher;
        @Label("Bound")
        public String bound;
    }
}
