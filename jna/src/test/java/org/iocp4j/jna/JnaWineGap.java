package org.iocp4j.jna;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Optional;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * What Wine's {@code ReadDirectoryChangesW} does not do as Windows does (measured with Wine 8.0; the rows
 * are in {@code docs/testing.md}), after the library's {@code WineGap}: a test whose point is one of these
 * skips under Wine with the reason, by name in the native leg's output, and stays strict on Windows.
 * Wine is detected through JNA itself: {@code wine_get_version} in ntdll.
 */
enum JnaWineGap {
    /** A subtree watch misses changes in subdirectories that existed before it began. */
    SUBTREE_EXISTING_DIRECTORIES("Wine's subtree watch (inotify in wineserver) covers only the subdirectories created"
            + " after it began: a change in one that already existed is not reported"),
    /** Deleting the watched directory does not complete the pending call. */
    WATCHED_DIRECTORY_DELETED("Wine never completes a watch whose directory is deleted under it (the directory stays"
            + " delete-pending while the watch's handle is open); Windows completes it with an error");

    private static final Optional<String> VERSION = ask();

    private final String reason;

    JnaWineGap(String reason) {
        this.reason = reason;
    }

    /** @return Wine's version, or empty on Windows and elsewhere */
    static Optional<String> wineVersion() {
        return VERSION;
    }

    /** Skips the calling test under Wine, with the reason. */
    void assumeShown() {
        assumeFalse(VERSION.isPresent(), () -> "under Wine " + VERSION.get() + ": " + reason);
    }

    private static Optional<String> ask() {
        if (!Platform.isWindows()) {
            return Optional.empty();
        }
        try {
            Function f = NativeLibrary.getInstance("ntdll").getFunction("wine_get_version");
            return Optional.of((String) f.invoke(String.class, new Object[0]));
        } catch (UnsatisfiedLinkError notWine) {
            return Optional.empty();
        }
    }
}
