package org.iocp4j.internal.windows;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads {@code iocp4j.dll} once per class loader. A failure keeps every attempt and why it failed.
 *
 * <p>Where the DLL comes from, in this order ({@link #plan} decides, from the properties alone):
 * <ol>
 *   <li>{@value #PATH_PROPERTY}: the full path of a DLL. When set, it is the only attempt: the user's
 *       word, never replaced by another copy.</li>
 *   <li>Otherwise the sources {@value #SEARCH_PROPERTY} lists, in its order (default {@code bundled}):
 *     <ul>
 *       <li>{@code bundled}: the DLL inside this jar, extracted to a file of its own and loaded by
 *           path. Folders tried in turn: {@value #TMPDIR_PROPERTY} if set (then that one only), else
 *           {@code java.io.tmpdir}, then {@code %LOCALAPPDATA%\iocp4j}, then {@code iocp4j-native}
 *           beside the jar. The later ones are for JDKs before 17, whose {@code System.load} fails on
 *           a path with characters outside the ANSI code page (JDK-8195129: a user name such as
 *           {@code Иван} in {@code %TEMP%}).</li>
 *       <li>{@code system}: {@code System.loadLibrary("iocp4j")}, the JVM's search of
 *           {@code java.library.path} (on Windows: the working directory and {@code PATH} too).</li>
 *     </ul>
 *   </li>
 * </ol>
 * The system search is opt-in because whatever {@code iocp4j.dll} sits on that path would win over
 * the jar's own: a planted DLL, or a stale copy of another version. {@code -Diocp4j.library.search=system}
 * never extracts anything, for machines that forbid loading code from writable folders.
 */
public final class NativeLibraryLoader {

    /** System property: the full path of an {@code iocp4j.dll} to load instead of the jar's, with no fallback. */
    public static final String PATH_PROPERTY = "iocp4j.library.path";
    /**
     * System property: where to look for the DLL when {@value #PATH_PROPERTY} is not set, a
     * comma-separated list tried in order: {@code bundled} (the jar's DLL, extracted) and {@code system}
     * ({@code System.loadLibrary}). Default {@code bundled}; {@code system} alone never extracts.
     */
    public static final String SEARCH_PROPERTY = "iocp4j.library.search";
    /** System property: the only folder to extract the DLL into (default: see the class comment). */
    public static final String TMPDIR_PROPERTY = "iocp4j.tmpdir";

    static final String BUNDLED = "bundled";
    static final String SYSTEM = "system";
    static final String LIBRARY_NAME = "iocp4j";
    static final String JAR_SUBFOLDER = "iocp4j-native";
    static final String RESOURCE = "/META-INF/native/windows-x86_64/iocp4j.dll";

    private static final long STALE_AFTER_MILLIS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraryLoader.class);
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

    /** One way to get the DLL: load a file, extract into a folder and load, or search the system. */
    static final class Attempt {

        enum Kind { EXPLICIT_PATH, EXTRACT, SYSTEM_SEARCH }

        final Kind kind;
        /** The file for {@code EXPLICIT_PATH}, the folder for {@code EXTRACT}, null for the search. */
        final String where;

        Attempt(Kind kind, String where) {
            this.kind = kind;
            this.where = where;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attempt && ((Attempt) o).kind == kind && Objects.equals(((Attempt) o).where, where);
        }

        @Override
        public int hashCode() {
            return kind.hashCode() * 31 + Objects.hashCode(where);
        }

        @Override
        public String toString() {
            switch (kind) {
                case EXPLICIT_PATH: return PATH_PROPERTY + "=" + where;
                case EXTRACT: return "extraction of the jar's DLL into " + where;
                default: return "System.loadLibrary(\"" + LIBRARY_NAME + "\")";
            }
        }
    }

    /**
     * The attempts to make, in order, from the system properties and the environment alone; nothing is
     * touched on disk. Kept pure so the order, which decides which DLL runs, is tested everywhere.
     *
     * @param property    a system property by name, null when unset
     * @param environment an environment variable by name, null when unset
     * @param jarFolder   the folder of the jar this class came from, null when not from a jar file
     * @return the attempts (empty only when no extraction folder is known and no search is asked for)
     * @throws IllegalArgumentException if {@value #SEARCH_PROPERTY} names an unknown source
     */
    static List<Attempt> plan(Function<String, String> property, Function<String, String> environment,
                              String jarFolder) {
        String explicit = property.apply(PATH_PROPERTY);
        if (explicit != null && !explicit.trim().isEmpty()) {
            return List.of(new Attempt(Attempt.Kind.EXPLICIT_PATH, explicit.trim()));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (String source : sources(property.apply(SEARCH_PROPERTY))) {
            if (source.equals(SYSTEM)) {
                attempts.add(new Attempt(Attempt.Kind.SYSTEM_SEARCH, null));
            } else {
                for (String folder : extractionFolders(property, environment, jarFolder)) {
                    attempts.add(new Attempt(Attempt.Kind.EXTRACT, folder));
                }
            }
        }
        return attempts;
    }

    private static Set<String> sources(String search) {
        Set<String> sources = new LinkedHashSet<>();
        if (search != null) {
            for (String s : search.split(",")) {
                String source = s.trim().toLowerCase(Locale.ROOT);
                if (source.equals(BUNDLED) || source.equals(SYSTEM)) {
                    sources.add(source);
                } else if (!source.isEmpty()) {
                    throw new IllegalArgumentException(SEARCH_PROPERTY + " lists '" + s.trim()
                            + "'; it takes '" + BUNDLED + "' and '" + SYSTEM
                            + "', comma-separated, in the order to try");
                }
            }
        }
        if (sources.isEmpty()) {
            sources.add(BUNDLED);
        }
        return sources;
    }

    private static Set<String> extractionFolders(Function<String, String> property,
                                                 Function<String, String> environment, String jarFolder) {
        Set<String> folders = new LinkedHashSet<>();
        String chosen = property.apply(TMPDIR_PROPERTY);
        if (chosen != null && !chosen.trim().isEmpty()) {
            folders.add(chosen.trim());
            return folders;
        }
        addFolder(folders, property.apply("java.io.tmpdir"));
        String localAppData = environment.apply("LOCALAPPDATA");
        if (localAppData != null && !localAppData.trim().isEmpty()) {
            addFolder(folders, stripSeparator(localAppData.trim()) + "\\" + LIBRARY_NAME);
        }
        if (jarFolder != null && !jarFolder.trim().isEmpty()) {
            // A folder of its own: the jar's folder may hold files of the application's we must not touch.
            addFolder(folders, stripSeparator(jarFolder.trim()) + "\\" + JAR_SUBFOLDER);
        }
        return folders;
    }

    private static void addFolder(Set<String> folders, String folder) {
        if (folder != null && !folder.trim().isEmpty()) {
            folders.add(stripSeparator(folder.trim()));
        }
    }

    private static String stripSeparator(String folder) {
        String f = folder;
        while (f.length() > 3 && (f.endsWith("\\") || f.endsWith("/"))) {
            f = f.substring(0, f.length() - 1);
        }
        return f;
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
        List<Attempt> plan;
        try {
            plan = plan(System::getProperty, System::getenv, jarFolder());
        } catch (IllegalArgumentException e) {
            return failed(List.of(e.getMessage()), List.of(e));
        }
        List<String> tried = new ArrayList<>();
        List<Throwable> causes = new ArrayList<>();
        for (Attempt attempt : plan) {
            String loaded;
            try {
                loaded = attempt(attempt);
            } catch (Throwable t) {
                tried.add(attempt + ": " + t + ansiHint(attempt));
                causes.add(t);
                if (attempt.kind == Attempt.Kind.EXPLICIT_PATH) {
                    break; // the user's word: no other copy replaces it
                }
                continue;
            }
            // A DLL is in the process now. If it is the wrong one, another copy cannot replace the
            // natives it already bound, so the verdict is final either way.
            Throwable wrong = checkAbi(loaded);
            if (wrong == null) {
                location = loaded;
                LOG.debug("iocp4j native library loaded from {}", loaded);
            }
            return wrong;
        }
        return failed(tried, causes);
    }

    /** Makes one attempt; returns where the DLL was loaded from, or throws why not. */
    private static String attempt(Attempt attempt) throws IOException {
        switch (attempt.kind) {
            case EXPLICIT_PATH: {
                String path = Paths.get(attempt.where).toAbsolutePath().toString();
                System.load(path);
                return path;
            }
            case EXTRACT: {
                Path extracted = extract(Paths.get(attempt.where));
                try {
                    System.load(extracted.toString());
                } catch (Throwable t) {
                    Files.deleteIfExists(extracted); // not mapped: it did not load
                    throw t;
                }
                return extracted.toString();
            }
            default:
                System.loadLibrary(LIBRARY_NAME);
                return "System.loadLibrary(\"" + LIBRARY_NAME + "\") with java.library.path="
                        + System.getProperty("java.library.path");
        }
    }

    /** Says when a folder's path has characters the ANSI code page lacks (JDK-8195129 before JDK 17). */
    private static String ansiHint(Attempt attempt) {
        if (attempt.kind == Attempt.Kind.SYSTEM_SEARCH) {
            return "";
        }
        String ansi = System.getProperty("sun.jnu.encoding");
        try {
            if (ansi != null && !Charset.forName(ansi).newEncoder().canEncode(attempt.where)) {
                return " (the path has characters outside the ANSI code page " + ansi + ")";
            }
        } catch (RuntimeException unknownCharset) {
            // no hint then
        }
        return "";
    }

    private static String jarFolder() {
        try {
            CodeSource source = NativeLibraryLoader.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            Path jar = Paths.get(source.getLocation().toURI());
            return Files.isRegularFile(jar) && jar.getParent() != null ? jar.getParent().toString() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
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
        return null;
    }

    private static UnsatisfiedLinkError failed(List<String> attempts, List<Throwable> causes) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                "iocp4j could not load its native library; tried:\n  " + String.join("\n  ", attempts)
                        + "\n(-D" + PATH_PROPERTY + "=<file> loads a DLL of your choice; -D" + TMPDIR_PROPERTY
                        + "=<folder> picks where the jar's DLL is extracted; -D" + SEARCH_PROPERTY
                        + "=bundled,system adds the system search)");
        causes.forEach(e::addSuppressed);
        return e;
    }

    private static Path extract(Path dir) throws IOException {
        Files.createDirectories(dir);
        String prefix = LIBRARY_NAME + "-" + version() + "-";
        deleteStaleCopies(dir);
        // Not Files.createTempFile: its helper class reads java.io.tmpdir once, and a value it cannot
        // parse fails that class for good, and with it every later folder.
        Path target = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".dll");
        Files.createFile(target);
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
