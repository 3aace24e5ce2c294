package org.iocp4j.internal.jfr;

/**
 * The dispatcher's Flight Recorder events, opt-in: off unless a recording enables them (e.g.
 * {@code jfr configure +org.iocp4j.OverlappedLeak#enabled=true}, or a .jfc file). Where the runtime has
 * no {@code jdk.jfr} module (a jlinked runtime, Azul's embedded JDK 11) every method here does nothing:
 * the library works, its events are simply off.
 */
public final class DispatcherEvents {

    /** Whether {@code jdk.jfr} is in the boot layer; decided once, before any event class loads. */
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private DispatcherEvents() {
    }

    /** @return whether this runtime can record the events at all */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * A NativeOverlapped became unreachable without being freed; its slot was reclaimed.
     *
     * @param dispatcher  the dispatcher's name
     * @param slot        the slab slot
     * @param allocatedAt where it was allocated, or null if not recorded
     */
    public static void leak(String dispatcher, int slot, String allocatedAt) {
        if (AVAILABLE) {
            JfrEvents.leak(dispatcher, slot, allocatedAt);
        }
    }

    /**
     * Every I/O thread was busy and nothing completed for a gate tick: a thread was injected.
     *
     * @param dispatcher  the dispatcher's name
     * @param liveThreads the I/O threads alive after the injection
     */
    public static void starvation(String dispatcher, int liveThreads) {
        if (AVAILABLE) {
            JfrEvents.starvation(dispatcher, liveThreads);
        }
    }

    /**
     * A post ran into a bound and its overload policy refused it.
     *
     * @param dispatcher the dispatcher's name
     * @param bound      the bound reached
     */
    public static void rejectedPost(String dispatcher, String bound) {
        if (AVAILABLE) {
            JfrEvents.rejectedPost(dispatcher, bound);
        }
    }

    /** @return whether a recording currently enables the rejected-post event (false without {@code jdk.jfr}) */
    public static boolean rejectedPostEnabled() {
        return AVAILABLE && JfrEvents.rejectedPostEnabled();
    }
}
