package org.iocp4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code iocp4j.dll} once per class loader: an explicit path, then {@code System.loadLibrary},
 * then extraction from the jar. A failure keeps every attempt and why it failed.
 */
public final class NativeLibraryLoader {

    /** System property: the full path of an {@code iocp4j.dll} to load instead of the jar's. */
    public static final String PATH_PROPERTY = "iocp4j.library.path";
    /** System property: the folder to extract the DLL into (default {@code java.io.tmpdir}). */
    public static final String TMPDIR_PROPERTY = "iocp4j.tmpdir";

    static final String LIBRARY_NAME = "iocp4j";
    static final String RESOURCE = "/META-INF/native/windows-x86_64/iocp4j.dll";

    private static final long STALE_AFTER_MILLIS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryLoader.class);
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

    /** The version of this jar, for the extracted file's name ({@code "unknown"} outside a build). */
    public static String version() {
        try (InputStream in = NativeLibraryLoader.class.getResourceAsStream("iocp4j.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version", "");
                if (!v.isEmpty() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException ignored) {
            // fall through to "unknown": the name only needs to be distinct, not exact
        }
        return "unknown";
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
        List<String> attempts = new ArrayList<>();

        String explicit = System.getProperty(PATH_PROPERTY);
        if (explicit != null && !explicit.isEmpty()) {
            try {
                System.load(Paths.get(explicit).toAbsolutePath().toString());
                return checkAbi(explicit);
            } catch (Throwable t) {
                // An explicit path is the user's word: do not silently fall back to another copy.
                return failed(List.of(PATH_PROPERTY + "=" + explicit + ": " + t), List.of(t));
            }
        }
        attempts.add(PATH_PROPERTY + ": not set");

        List<Throwable> causes = new ArrayList<>();
        try {
            System.loadLibrary(LIBRARY_NAME);
            return checkAbi("System.loadLibrary(\"" + LIBRARY_NAME + "\")");
        } catch (Throwable t) {
            attempts.add("System.loadLibrary(\"" + LIBRARY_NAME + "\") with java.library.path="
                    + System.getProperty("java.library.path") + ": " + t.getMessage());
            causes.add(t);
        }

        try {
            Path extracted = extract();
            System.load(extracted.toString());
            return checkAbi(extracted.toString());
        } catch (Throwable t) {
            attempts.add("extraction of " + RESOURCE + " from the jar: " + t);
            causes.add(t);
        }
        return failed(attempts, causes);
    }

    private static Throwable checkAbi(String where) {
        int dllAbi;
        try {
            dllAbi = Win32Port.abiVersion0();
        } catch (UnsatisfiedLinkError e) {
            return failed(List.of(where + ": loaded, but it lacks the natives of this jar: " + e.getMessage()),
                    List.of(e));
        }
        if (dllAbi != Win32Port.ABI_VERSION) {
            return failed(List.of(where + ": loaded, but built for ABI " + dllAbi + " where this jar needs "
                    + Win32Port.ABI_VERSION + " (a stale copy of iocp4j.dll?)"), List.of());
        }
        LOG.debug("iocp4j native library loaded from {}", where);
        return null;
    }

    private static UnsatisfiedLinkError failed(List<String> attempts, List<Throwable> causes) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                "iocp4j could not load its native library; tried:\n  " + String.join("\n  ", attempts));
        causes.forEach(e::addSuppressed);
        return e;
    }

    private static Path extract() throws IOException {
        String tmp = System.getProperty(TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        Path dir = Paths.get(tmp);
        Files.createDirectories(dir);
        String prefix = LIBRARY_NAME + "-" + version() + "-";
        deleteStaleCopies(dir);
        Path target = Files.createTempFile(dir, prefix, ".dll");
        // The stream is closed before System.load: Windows cannot map a file another handle still writes.
        try (InputStream in = NativeLibraryLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                Files.deleteIfExists(target);
                throw new IOException("the jar has no " + RESOURCE + " (built with -Diocp4j.native.skip?)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        return target;
    }

    /**
     * Earlier runs leave their copies behind: Windows cannot delete a DLL that is mapped, so
     * {@code deleteOnExit} fails for it. Delete every copy no process still has loaded (deletion of a
     * mapped file fails, which is how a copy in use is recognised). A copy younger than a minute is
     * left alone: another process may have written it and not yet loaded it.
     */
    private static void deleteStaleCopies(Path dir) {
        long youngest = System.currentTimeMillis() - STALE_AFTER_MILLIS;
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, LIBRARY_NAME + "-*.dll")) {
            for (Path p : stale) {
                try {
                    if (Files.getLastModifiedTime(p).toMillis() < youngest) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException inUse) {
                    LOG.trace("kept {}: {}", p, inUse.toString());
                }
            }
        } catch (IOException e) {
            LOG.debug("could not list {} for stale copies of the DLL: {}", dir, e.toString());
        }
    }
}
