package org.iocp4j;

import java.util.Locale;

import org.iocp4j.internal.NativeLibraryLoader;

/**
 * Whether the native Win32 backend is usable here, and which backend {@link CompletionPort#open(int)}
 * picks. Modelled on Netty's {@code Epoll.isAvailable()}.
 *
 * <p>The native backend needs Windows x64 and the DLL the jar carries (loaded as
 * {@link NativeLibraryLoader} describes: the {@value NativeLibraryLoader#PATH_PROPERTY} property, then
 * {@code System.loadLibrary("iocp4j")}, then extraction from the jar). Everywhere else the portable
 * backend runs. On JDK 22 and later, run with {@code --enable-native-access=ALL-UNNAMED} so the JVM
 * does not warn about the native library.
 */
public final class Iocp {

    /** System property choosing the backend: {@code auto} (default), {@code native} or {@code portable}. */
    public static final String BACKEND_PROPERTY = "iocp4j.backend";

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
     * The backend {@link CompletionPort#open(int)} uses: the {@value #BACKEND_PROPERTY} property if set,
     * else {@link Backend#NATIVE} when available and {@link Backend#PORTABLE} otherwise.
     *
     * @return the backend
     * @throws IllegalArgumentException if the property holds something other than {@code auto},
     *                                  {@code native} or {@code portable}
     */
    public static Backend backend() {
        String choice = System.getProperty(BACKEND_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "auto":
            case "":
                return isAvailable() ? Backend.NATIVE : Backend.PORTABLE;
            case "native":
                return Backend.NATIVE;
            case "portable":
                return Backend.PORTABLE;
            default:
                throw new IllegalArgumentException(BACKEND_PROPERTY + " must be auto, native or portable, not '"
                        + choice + "'");
        }
    }
}
