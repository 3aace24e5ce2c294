package org.iocp4j;

import org.iocp4j.internal.windows.Wine;
import org.junit.jupiter.api.Assumptions;

/**
 * What Wine does not do as Windows does (measured with Wine 8.0; the list and its evidence are in
 * {@code docs/testing.md}). A test whose point is one of these skips under Wine with the reason, by name
 * in the native leg's output, and stays strict on Windows (AppVeyor). Only the native backend is
 * concerned: the portable one has Windows' semantics under any host.
 */
public enum WineGap {
    /** Wine ignores {@code NumberOfConcurrentThreads}: every waiting thread is released. */
    CONCURRENCY_LIMIT("Wine ignores a port's concurrency limit (NumberOfConcurrentThreads)"),
    /** Windows releases the most recent waiter first; Wine the oldest. */
    LIFO_RELEASE("Wine releases a port's waiting threads first-in first-out; Windows last-in first-out"),
    /** A port closed under a waiter: Windows returns 735 to it, Wine never wakes it. */
    ABANDONED_WAIT("Wine never wakes a thread waiting on a port that is closed (Windows returns 735)"),
    /** Wine always returns {@code ERROR_IO_PENDING} for file I/O, never a synchronous completion. */
    SYNCHRONOUS_FILE_COMPLETION("Wine never completes file I/O synchronously, so skip-on-success cannot show for files"),
    /** {@code GetProcessHandleCount} and the pool quotas are stubs returning 0. */
    POOL_COUNTERS("Wine's GetProcessHandleCount and pool quotas are stubs returning 0"),
    /** {@code CancelIoEx(handle, NULL)} on a socket or a file returns TRUE with nothing pending. */
    CANCEL_NOTHING_PENDING("Wine's CancelIoEx(handle, NULL) returns TRUE with nothing pending (Windows: 1168)"),
    /** A socket closed locally under a pending receive completes with 676, not 995 or 1236. */
    LOCAL_CLOSE_STATUS("Wine completes a receive pending on a locally closed socket with 676 (Windows: 995 or 1236)"),
    /** {@code FSCTL_SET_SPARSE} succeeds and changes nothing: no file shows {@code FILE_ATTRIBUTE_SPARSE_FILE}. */
    SPARSE_FILES("Wine accepts FSCTL_SET_SPARSE and ignores it: no file ever has FILE_ATTRIBUTE_SPARSE_FILE"),
    /** {@code GetFileInformationByHandleEx(FileStorageInfo)} is not implemented: no sector size. */
    SECTOR_SIZE("Wine does not implement GetFileInformationByHandleEx(FileStorageInfo): error 120, no sector size"),
    /** Setting the end of file through a handle without write access fails with 87, not 5. */
    READ_ONLY_TRUNCATE("Wine refuses to set the end of file through a read-only handle with 87 (Windows: 5)"),
    /** {@code AcceptEx} into a socket that is already bound pends instead of failing. */
    ACCEPT_INTO_BOUND_SOCKET("Wine's AcceptEx takes an accept socket that is already bound and pends (Windows: 10022 at once)"),
    /** Every port call is a wineserver round trip: time-based expectations mean nothing. */
    TIMING("every port call under Wine is a wineserver round trip (50-120 us): no timing holds");

    private final String reason;

    WineGap(String reason) {
        this.reason = reason;
    }

    /** @return why a test of this cannot run under Wine */
    public String reason() {
        return reason;
    }

    /** @return whether the native backend runs under Wine here, where this gap shows */
    public static boolean underWine() {
        return Wine.detected();
    }

    /**
     * Skips the calling test under Wine when it runs on the native backend.
     *
     * @param backend the backend the test exercises
     */
    public void assumeShownOn(Backend backend) {
        Assumptions.assumeFalse(backend == Backend.NATIVE && underWine(), () -> "under Wine " + Wine.version().orElse("")
                + ": " + reason);
    }

    /**
     * Under Wine, a count a test's point survives at a smaller size (a million packets through a port whose
     * every call is a wineserver round trip take minutes there). The test says so where it calls this.
     *
     * @param onWindows the count on Windows and on the portable backend
     * @param underWine the count under Wine
     * @param backend   the backend the test exercises
     * @return the count to use
     */
    public static int scaled(int onWindows, int underWine, Backend backend) {
        return backend == Backend.NATIVE && underWine() ? underWine : onWindows;
    }
}
