package org.iocp4j.internal.linux;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;

import org.iocp4j.internal.NativeLibrarySearch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code libiocp4j.so} once per class loader, the way {@code NativeLibraryLoader} loads the DLL
 * ({@link NativeLibrarySearch}: {@code iocp4j.library.path}, the jar's copy extracted with the version in
 * its name, the system search on request), with its own ABI check. The portable backend's files use it
 * when loaded and fall back to {@code FileChannel} when not; nothing else depends on it.
 *
 * <p>It is not loaded, and why is kept ({@link #status()}):
 * <ul>
 *   <li>off Linux x86-64;</li>
 *   <li>with {@value #ENABLED_PROPERTY}{@code =false} (the NIO emulation, for users and for a test leg);</li>
 *   <li>on JDK 24 and later when this class's module has no native access (JEP 472): there
 *       {@code System.load} would print a warning on the application's stderr (and a later JDK would
 *       refuse), which the portable backend, a pure-Java emulation, has no business causing. Pass
 *       {@code --enable-native-access=ALL-UNNAMED} (or the module's name) to use the library there. Said
 *       once at INFO.</li>
 * </ul>
 */
public final class LinuxLibrary {

    /** System property: {@code false} keeps the library out (the portable backend's files use NIO). */
    public static final String ENABLED_PROPERTY = "iocp4j.linux.library";

    static final String RESOURCE = "/META-INF/native/linux-x86_64/libiocp4j.so";
    private static final Logger LOG = LoggerFactory.getLogger(LinuxLibrary.class);
    private static final NativeLibrarySearch SEARCH =
            new NativeLibrarySearch("Linux library", RESOURCE, ".so", false, LinuxLibrary::checkAbi);

    private static volatile String location;
    private static final Throwable FAILURE = load();

    private LinuxLibrary() {
    }

    /** True when {@code libiocp4j.so} is loaded and matches this jar's ABI. */
    public static boolean isLoaded() {
        return FAILURE == null;
    }

    /** Why the library is not loaded, or null when it is. */
    public static Throwable failure() {
        return FAILURE;
    }

    /** Where the loaded library came from, or null when it is not loaded. */
    public static String location() {
        return FAILURE == null ? location : null;
    }

    /** One line for diagnostics: "loaded from X" or "not loaded: why". */
    public static String status() {
        return FAILURE == null ? "loaded from " + location
                : "not loaded: " + FAILURE.getMessage().replace("\n", " ");
    }

    private static Throwable load() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new UnsupportedOperationException("libiocp4j.so is for Linux; this is " + os);
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return new UnsupportedOperationException("iocp4j ships libiocp4j.so for x86_64 only; this JVM is " + arch);
        }
        if ("false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "").trim())) {
            return new UnsupportedOperationException("-D" + ENABLED_PROPERTY + "=false: files use FileChannel");
        }
        String denied = nativeAccessDenied(Runtime.version().feature());
        if (denied != null) {
            LOG.info("iocp4j does not load libiocp4j.so: {}; portable files use FileChannel on device threads", denied);
            return new UnsupportedOperationException(denied);
        }
        NativeLibrarySearch.Outcome outcome = SEARCH.load();
        location = outcome.location;
        if (outcome.failure != null) {
            LOG.debug("libiocp4j.so not loaded; portable files use FileChannel", outcome.failure);
        }
        return outcome.failure;
    }

    /**
     * JEP 472: on JDK 24+ loading native code from a module without native access prints a warning.
     * {@code Module.isNativeAccessEnabled()} (JDK 22+) says whether ours has it; called reflectively, as
     * the library targets Java 11.
     *
     * @return why the library must not be loaded, or null when it may be
     */
    static String nativeAccessDenied(int feature) {
        if (feature < 24) {
            return null;
        }
        Module module = LinuxLibrary.class.getModule();
        try {
            Method enabled = Module.class.getMethod("isNativeAccessEnabled");
            if (Boolean.TRUE.equals(enabled.invoke(module))) {
                return null;
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "Module.isNativeAccessEnabled() failed on JDK " + feature + ": " + e;
        }
        return "JDK " + feature + " warns when native code is loaded without native access (JEP 472), and "
                + (module.isNamed() ? "module " + module.getName() : "the unnamed module") + " has none"
                + " (--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED") + " allows it)";
    }

    private static Throwable checkAbi(String where) {
        int abi;
        try {
            abi = LinuxFile.abiVersion0();
        } catch (UnsatisfiedLinkError e) {
            return SEARCH.failed(List.of(where + ": loaded, but it lacks the natives of this jar: " + e.getMessage()),
                    List.of(e));
        }
        if (abi != LinuxFile.ABI_VERSION) {
            return SEARCH.failed(List.of(where + ": loaded, but built for ABI " + abi + " where this jar needs "
                    + LinuxFile.ABI_VERSION + " (a stale copy of libiocp4j.so?)"), List.of());
        }
        return null;
    }
}
