package org.iocp4j.internal;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;

/**
 * What both completion ports share: the argument check of a poll's timeout, and the way into the public
 * holders they fill ({@link Completion}, {@link CompletionBatch}), whose state {@code org.iocp4j} keeps
 * package-private.
 *
 * <p>The way in is the JDK's {@code SharedSecrets} idea: {@code org.iocp4j} installs its one {@link Holders}
 * when {@code CompletionPort} initialises, which is before any port exists (a port is a subclass), and a port
 * takes it in its constructor. So no public or protected helper of the API exposes the holders, and the API
 * does not know the ports.
 */
public final class PortSupport {

    private static volatile Holders holders;

    private PortSupport() {
    }

    /** Fills and claims the public holders; implemented once, in {@code org.iocp4j}. */
    public interface Holders {

        /** Fills {@code into} with one packet; {@code errorCode} is 0 for success. */
        void fill(Completion into, long key, int bytesTransferred, long overlappedAddress, int errorCode);

        /**
         * Claims a batch for one poll, returning its memory ({@code OVERLAPPED_ENTRY[capacity]}); pair
         * with {@link #endFill} in a {@code finally}.
         *
         * @throws IllegalStateException if the batch is closed or another thread is filling it
         */
        NativeRegion beginFill(CompletionBatch batch);

        /** Ends a poll's claim on a batch, publishing how many entries it filled. */
        void endFill(CompletionBatch batch, int filled);
    }

    /**
     * Installs the holders' access; {@code org.iocp4j.CompletionPort} does, once.
     *
     * @throws IllegalStateException if already installed
     */
    public static synchronized void install(Holders access) {
        if (holders != null) {
            throw new IllegalStateException("the holders' access is installed already");
        }
        holders = Objects.requireNonNull(access, "access");
    }

    /**
     * The holders' access, for a port's constructor to keep in a final field (which also publishes it to
     * every thread that polls the port).
     */
    public static Holders holders() {
        Holders h = holders;
        if (h == null) {
            throw new IllegalStateException("org.iocp4j.CompletionPort has not installed the holders' access");
        }
        return h;
    }

    /**
     * Checks a poll's timeout.
     *
     * @return the timeout in nanoseconds, {@code Long.MAX_VALUE} meaning "wait forever"
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws NullPointerException     if {@code unit} is null
     */
    public static long timeoutNanos(long timeout, TimeUnit unit) {
        Objects.requireNonNull(unit, "unit");
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout must be >= 0: " + timeout);
        }
        return unit.toNanos(timeout);
    }
}
