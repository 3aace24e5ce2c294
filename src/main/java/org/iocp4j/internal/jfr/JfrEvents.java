package org.iocp4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The dispatcher's Flight Recorder event types. Only {@link DispatcherEvents} touches this class, and only
 * once it knows the runtime has the {@code jdk.jfr} module: a jlinked runtime without it would fail here
 * with {@code NoClassDefFoundError: jdk/jfr/Event}.
 */
final class JfrEvents {

    private JfrEvents() {
    }

    static void leak(String dispatcher, int slot, String allocatedAt) {
        Leak event = new Leak();
        if (event.shouldCommit()) {
            event.dispatcher = dispatcher;
            event.slot = slot;
            event.allocatedAt = allocatedAt;
            event.commit();
        }
    }

    static void starvation(String dispatcher, int liveThreads) {
        Starvation event = new Starvation();
        if (event.shouldCommit()) {
            event.dispatcher = dispatcher;
            event.liveThreads = liveThreads;
            event.commit();
        }
    }

    static void rejectedPost(String dispatcher, String bound) {
        RejectedPost event = new RejectedPost();
        if (event.shouldCommit()) {
            event.dispatcher = dispatcher;
            event.bound = bound;
            event.commit();
        }
    }

    static boolean rejectedPostEnabled() {
        return new RejectedPost().isEnabled();
    }

    /** A NativeOverlapped became unreachable without being freed. */
    @Name("org.iocp4j.OverlappedLeak")
    @Label("OVERLAPPED leaked")
    @Category("iocp4j")
    @Description("A NativeOverlapped became unreachable without free(); its slot was reclaimed")
    @Enabled(false)
    @StackTrace(false)
    static final class Leak extends Event {
        @Label("Dispatcher")
        String dispatcher;
        @Label("Slot")
        int slot;
        @Label("Allocated at")
        String allocatedAt;
    }

    /** Work starved: every I/O thread busy, nothing completed for a tick, a thread was injected. */
    @Name("org.iocp4j.Starvation")
    @Label("I/O thread injected")
    @Category("iocp4j")
    @Description("Every I/O thread was busy and no packet completed for a gate tick: a thread was added")
    @Enabled(false)
    @StackTrace(false)
    static final class Starvation extends Event {
        @Label("Dispatcher")
        String dispatcher;
        @Label("Live threads")
        int liveThreads;
    }

    /** A post was refused at a bound. */
    @Name("org.iocp4j.RejectedPost")
    @Label("Post rejected")
    @Category("iocp4j")
    @Description("A post ran into the dispatcher's bound and its overload policy refused it")
    @Enabled(false)
    static final class RejectedPost extends Event {
        @Label("Dispatcher")
        String dispatcher;
        @Label("Bound")
        String bound;
    }
}
