package org.iocp4j;

import org.iocp4j.internal.Platforms;
import org.iocp4j.internal.linux.LinuxLibrary;
import org.iocp4j.internal.windows.NativeLibraryLoader;

/**
 * Whether the native Win32 backend is usable here, and which backend {@link CompletionPort#open(int)}
 * picks. Modelled on Netty's {@code Epoll.isAvailable()}.
 *
 * <p>The native backend needs Windows x64 and the DLL the jar carries. Everywhere else the portable
 * backend runs. On JDK 22 and later, run with {@code --enable-native-access=ALL-UNNAMED} so the JVM
 * does not warn about the native library.
 *
 * <p>Loading ({@link NativeLibraryLoader} has the details), governed by three system properties:
 * <ul>
 *   <li>{@code -Diocp4j.library.path=C:\path\iocp4j.dll} ({@value NativeLibraryLoader#PATH_PROPERTY}):
 *       load that file and nothing else; if it fails, the native backend is unavailable.</li>
 *   <li>Otherwise, by default, the jar's own DLL: extracted to {@code java.io.tmpdir} and loaded by
 *       path. If that fails (JDKs before 17 cannot load from a path with characters outside the ANSI
 *       code page, as a non-ANSI user name puts in {@code %TEMP%}), {@code %LOCALAPPDATA%\iocp4j}
 *       and an {@code iocp4j-native} folder beside the jar are tried. {@code -Diocp4j.tmpdir=<folder>}
 *       ({@value NativeLibraryLoader#TMPDIR_PROPERTY}) names the only folder to use instead.</li>
 *   <li>{@code -Diocp4j.library.search} ({@value NativeLibraryLoader#SEARCH_PROPERTY}) lists the
 *       sources in order: {@code bundled} (the default) and {@code system},
 *       {@code System.loadLibrary("iocp4j")} over {@code java.library.path}. The system search is
 *       opt-in: by default no {@code iocp4j.dll} in the working directory or on {@code PATH} is ever
 *       loaded (a planted or stale copy). {@code system} alone never extracts anything, for machines
 *       that forbid loading code from writable folders; {@code bundled,system} falls back to it.</li>
 * </ul>
 * {@link #unavailabilityCause()} lists every attempt made and why it failed.
 *
 * <p>On Linux x86-64 the portable backend's files use a small library of the jar's, {@code libiocp4j.so},
 * loaded the same way (the same three properties), so that a read the page cache can serve completes at
 * once on the calling thread; without it they use {@code FileChannel} on the backend's threads.
 * {@code -Diocp4j.linux.library=false} keeps it out; on JDK 24 and later it is loaded only with
 * {@code --enable-native-access} for its module (JEP 472), so it never causes a warning.
 * {@link #linuxLibraryStatus()} says which.
 */
public final class Iocp {

    /** System property choosing the backend: {@code auto} (default), {@code native} or {@code portable}. */
    public static final String BACKEND_PROPERTY = Platforms.BACKEND_PROPERTY;

    private Iocp() {
    }

    /**
     * Whether the native library is loaded and usable.
     *
     * @return true on Windows x64 when the DLL loaded and matches this jar
     */
    public static boolean isAvailable() {
        return NativeLibraryLoader.isLoaded();
    }

    /**
     * Throws if the native backend is not available.
     *
     * @throws UnsatisfiedLinkError with {@link #unavailabilityCause()} as its cause
     */
    public static void ensureAvailability() {
        NativeLibraryLoader.ensureLoaded();
    }

    /**
     * Why the native backend is not available: every loading attempt and its failure, or the platform.
     *
     * @return the cause, or null when {@link #isAvailable()} is true
     */
    public static Throwable unavailabilityCause() {
        return NativeLibraryLoader.failure();
    }

    /**
     * Whether the portable backend's files go through {@code libiocp4j.so} (Linux x86-64), for diagnostics.
     *
     * @return {@code "loaded from <file>"}, or {@code "not loaded: <why>"} (another system, the library
     *         kept out by {@code -Diocp4j.linux.library=false}, no native access on JDK 24+, a failed load);
     *         files then use {@code FileChannel}
     */
    public static String linuxLibraryStatus() {
        return LinuxLibrary.status();
    }

    /**
     * The backend {@link CompletionPort#open(int)} uses: the {@value #BACKEND_PROPERTY} property if set,
     * else {@link Backend#NATIVE} when available and {@link Backend#PORTABLE} otherwise. The property is
     * read at each call; a port keeps the backend it was opened on.
     *
     * @return the backend
     * @throws IllegalArgumentException if the property holds something other than {@code auto},
     *                                  {@code native} or {@code portable}
     */
    public static Backend backend() {
        return Platforms.current().backend();
    }
}
