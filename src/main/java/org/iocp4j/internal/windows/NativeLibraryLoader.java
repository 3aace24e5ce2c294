package org.iocp4j.internal.windows;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.iocp4j.internal.NativeLibrarySearch;
import org.iocp4j.internal.NativeLibrarySearch.Attempt;

/**
 * Loads {@code iocp4j.dll} once per class loader. A failure keeps every attempt and why it failed.
 *
 * <p>Where the DLL comes from is {@link NativeLibrarySearch}'s (shared with the Linux library): the
 * explicit path ({@value #PATH_PROPERTY}), else the jar's copy extracted into {@value #TMPDIR_PROPERTY},
 * {@code java.io.tmpdir}, {@code %LOCALAPPDATA%\iocp4j} or {@code iocp4j-native} beside the jar (the
 * later ones for JDKs before 17, whose {@code System.load} fails on a path with characters outside the
 * ANSI code page, JDK-8195129), and the system search only when {@value #SEARCH_PROPERTY} asks for it: a
 * planted {@code iocp4j.dll} on {@code java.library.path} must not win over the jar's own.
 * This class adds the Windows checks and the DLL's ABI check.
 */
public final class NativeLibraryLoader {

    /** System property: the full path of an {@code iocp4j.dll} to load instead of the jar's, with no fallback. */
    public static final String PATH_PROPERTY = NativeLibrarySearch.PATH_PROPERTY;
    /**
     * System property: where to look for the DLL when {@value #PATH_PROPERTY} is not set, a
     * comma-separated list tried in order: {@code bundled} (the jar's DLL, extracted) and {@code system}
     * ({@code System.loadLibrary}). Default {@code bundled}; {@code system} alone never extracts.
     */
    public static final String SEARCH_PROPERTY = NativeLibrarySearch.SEARCH_PROPERTY;
    /** System property: the only folder to extract the DLL into (default: see the class comment). */
    public static final String TMPDIR_PROPERTY = NativeLibrarySearch.TMPDIR_PROPERTY;

    static final String RESOURCE = "/META-INF/native/windows-x86_64/iocp4j.dll";
    private static final NativeLibrarySearch SEARCH =
            new NativeLibrarySearch("DLL", RESOURCE, ".dll", true, NativeLibraryLoader::checkAbi);

    private static volatile String location;
    private static final Throwable FAILURE = load();

    private NativeLibraryLoader() {
    }

    /** True when the DLL is loaded and matches this jar's ABI. */
    public static boolean isLoaded() {
        return FAILURE == null;
    }

    /**
     * Loads the DLL if no attempt was made yet, and throws if it is not usable: the first call into the
     * natives of every native entry point goes through here, whatever the caller touched first.
     *
     * @throws UnsatisfiedLinkError carrying every loading attempt and why it failed
     */
    public static void ensureLoaded() {
        if (FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError("the iocp4j native backend is not available: "
                    + FAILURE.getMessage());
            e.initCause(FAILURE);
            throw e;
        }
    }

    /** Why the DLL is not loaded, or null when it is. */
    public static Throwable failure() {
        return FAILURE;
    }

    /**
     * Where the loaded DLL came from: the file loaded by path (the explicit one or the extracted copy),
     * or {@code System.loadLibrary("iocp4j")} for the system search.
     *
     * @return the location, or null when the DLL is not loaded
     */
    public static String location() {
        return FAILURE == null ? location : null;
    }

    /** The version of this jar, for the extracted file's name ({@code "unknown"} outside a build). */
    public static String version() {
        return NativeLibrarySearch.version();
    }

    /** The DLL's attempts, in order (see {@link NativeLibrarySearch#plan}). */
    static List<Attempt> plan(Function<String, String> property, Function<String, String> environment,
                              String jarFolder) {
        return SEARCH.plan(property, environment, jarFolder);
    }

    private static Throwable load() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("windows")) {
            return new UnsupportedOperationException(
                    "I/O completion ports are a Windows facility; this is " + os + " (" + arch + ")");
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return new UnsupportedOperationException(
                    "iocp4j ships a DLL for Windows x86_64 only; this JVM is " + arch);
        }
        NativeLibrarySearch.Outcome outcome = SEARCH.load();
        location = outcome.location;
        return outcome.failure;
    }

    private static Throwable checkAbi(String where) {
        int dllAbi;
        try {
            dllAbi = Win32Port.abiVersion0();
        } catch (UnsatisfiedLinkError e) {
            return SEARCH.failed(List.of(where + ": loaded, but it lacks the natives of this jar: " + e.getMessage()),
                    List.of(e));
        }
        if (dllAbi != Win32Port.ABI_VERSION) {
            return SEARCH.failed(List.of(where + ": loaded, but built for ABI " + dllAbi + " where this jar needs "
                    + Win32Port.ABI_VERSION + " (a stale copy of iocp4j.dll?)"), List.of());
        }
        return null;
    }
}
