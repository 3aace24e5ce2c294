package org.iocp4j.internal;

import java.util.Locale;
import java.util.function.BooleanSupplier;

import org.iocp4j.internal.portable.PortablePlatform;
import org.iocp4j.internal.windows.NativeLibraryLoader;
import org.iocp4j.internal.windows.WindowsPlatform;

/**
 * The one place a platform is chosen, for {@code Iocp.backend()} and {@code CompletionPort.open}: the
 * {@value #BACKEND_PROPERTY} system property, {@code auto} (the default: Windows where the DLL loads,
 * portable elsewhere), {@code native} or {@code portable}. The property is read at each call, so a port
 * opened after it changes follows it; a port keeps the platform it was opened on.
 */
public final class Platforms {

    /** The system property that chooses the backend. */
    public static final String BACKEND_PROPERTY = "iocp4j.backend";

    private Platforms() {
    }

    /**
     * The platform the property chooses now.
     *
     * @throws IllegalArgumentException if the property holds something other than {@code auto}, {@code native}
     *                                  or {@code portable} (in any case, blanks around it ignored)
     */
    public static Platform current() {
        return choose(System.getProperty(BACKEND_PROPERTY), NativeLibraryLoader::isLoaded);
    }

    /**
     * The platform for a value of the property.
     *
     * @param property        the value, null when unset
     * @param nativeAvailable whether the DLL loads, asked only for {@code auto}
     */
    static Platform choose(String property, BooleanSupplier nativeAvailable) {
        String choice = property == null ? "auto" : property.trim().toLowerCase(Locale.ROOT);
        switch (choice) {
            case "auto":
            case "":
                return nativeAvailable.getAsBoolean() ? WindowsPlatform.INSTANCE : PortablePlatform.INSTANCE;
            case "native":
                return WindowsPlatform.INSTANCE;
            case "portable":
                return PortablePlatform.INSTANCE;
            default:
                throw new IllegalArgumentException(BACKEND_PROPERTY + " must be auto, native or portable, not '"
                        + choice + "'");
        }
    }
}
