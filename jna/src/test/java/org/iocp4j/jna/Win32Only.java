package org.iocp4j.jna;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import org.iocp4j.Backend;
import org.iocp4j.Iocp;

/** The skip of a test that makes real Win32 calls: off Windows they do not exist. */
final class Win32Only {

    private Win32Only() {
    }

    /** Whether real Win32 calls and the native backend are here. */
    static boolean here() {
        return Platform.isWindows() && Iocp.isAvailable() && Iocp.backend() == Backend.NATIVE;
    }

    /** Skips the calling test (or class, from {@code @BeforeAll}) unless {@link #here()}, saying why. */
    static void assume(String what) {
        assumeTrue(here(), () -> "Windows-only API (" + what + " through JNA): runs in the native leg (a Windows JDK"
                + " under Wine, scripts/test) and on Windows (AppVeyor); here: " + System.getProperty("os.name")
                + ", iocp4j backend " + Iocp.backend());
    }
}
