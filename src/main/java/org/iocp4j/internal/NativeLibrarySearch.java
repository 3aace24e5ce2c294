package org.iocp4j.internal;

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
 * Finds and loads one of iocp4j's native libraries ({@code iocp4j.dll} on Windows, {@code libiocp4j.so} on
 * Linux): the part {@code internal.windows.NativeLibraryLoader} and {@code internal.linux.LinuxLibrary}
 * share. Every attempt and why it failed is kept for the error.
 *
 * <p>Where the library comes from, in this order ({@link #plan} decides, from the properties alone):
 * <ol>
 *   <li>{@value #PATH_PROPERTY}: the full path of the library. When set, it is the only attempt: the user's
 *       word, never replaced by another copy.</li>
 *   <li>Otherwise the sources {@value #SEARCH_PROPERTY} lists, in its order (default {@code bundled}):
 *     <ul>
 *       <li>{@code bundled}: the library inside this jar, extracted to a file of its own (the jar's version
 *           in its name) and loaded by path. Folders tried in turn: {@value #TMPDIR_PROPERTY} if set (then
 *           that one only), else {@code java.io.tmpdir}, then (Windows) {@code %LOCALAPPDATA%\iocp4j},
 *           then {@code iocp4j-native} beside the jar. The later ones are for JDKs before 17 on Windows,
 *           whose {@code System.load} fails on a path with characters outside the ANSI code page
 *           (JDK-8195129), and for a {@code /tmp} mounted {@code noexec} on Linux.</li>
 *       <li>{@code system}: {@code System.loadLibrary("iocp4j")}, the JVM's search of
 *           {@code java.library.path}.</li>
 *     </ul>
 *   </li>
 * </ol>
 * The system search is opt-in because whatever library of that name sits on that path would win over the
 * jar's own: a planted one, or a stale copy of another version.
 */
public final class NativeLibrarySearch {

    /** System property: the full path of the native library to load instead of the jar's, with no fallback. */
    public static final String PATH_PROPERTY = "iocp4j.library.path";
    /**
     * System property: where to look for the library when {@value #PATH_PROPERTY} is not set, a
     * comma-separated list tried in order: {@code bundled} (the jar's, extracted) and {@code system}
     * ({@code System.loadLibrary}). Default {@code bundled}; {@code system} alone never extracts.
     */
    public static final String SEARCH_PROPERTY = "iocp4j.library.search";
    /** System property: the only folder to extract the library into (default: see the class comment). */
    public static final String TMPDIR_PROPERTY = "iocp4j.tmpdir";

    static final String BUNDLED = "bundled";
    static final String SYSTEM = "system";
    /** The name {@code System.loadLibrary} takes, and the prefix of extracted copies. */
    public static final String LIBRARY_NAME = "iocp4j";
    static final String JAR_SUBFOLDER = "iocp4j-native";

    private static final long STALE_AFTER_MILLIS = 60_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrarySearch.class);

    /** What tells one library from the other. */
    private final String kind;
    private final String resource;
    private final String suffix;
    private final String separator;
    private final boolean windows;
    private final Function<String, Throwable> abiCheck;

    /**
     * A library to search for.
     *
     * @param kind      what messages call it ("DLL", "Linux library")
     * @param resource  its path inside the jar, {@code /META-INF/native/...}
     * @param suffix    the file name's ending, {@code .dll} or {@code .so}
     * @param windows   Windows' folders and separator ({@code %LOCALAPPDATA%}, {@code \}) or POSIX ones
     * @param abiCheck  called once a copy is loaded, with where it came from: null if it matches this jar,
     *                  else why not (the verdict is final: loaded natives cannot be replaced)
     */
    public NativeLibrarySearch(String kind, String resource, String suffix, boolean windows,
                               Function<String, Throwable> abiCheck) {
        this.kind = kind;
        this.resource = resource;
        this.suffix = suffix;
        this.separator = windows ? "\\" : "/";
        this.windows = windows;
        this.abiCheck = abiCheck;
    }

    /** The outcome of {@link #load()}: where the library came from, or why it is not loaded. */
    public static final class Outcome {
        /** The file loaded, or the system search's description; null when not loaded. */
        public final String location;
        /** Why not loaded; null when loaded. */
        public final Throwable failure;

        Outcome(String location, Throwable failure) {
            this.location = location;
            this.failure = failure;
        }
    }

    /** The version of this jar, for an extracted file's name ({@code "unknown"} outside a build). */
    public static String version() {
        try (InputStream in = NativeLibrarySearch.class.getResourceAsStream("windows/iocp4j.properties")) {
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

    /** One way to get the library: load a file, extract into a folder and load, or search the system. */
    public static final class Attempt {

        /** How the attempt finds the library. */
        public enum Kind { EXPLICIT_PATH, EXTRACT, SYSTEM_SEARCH }

        final Kind kind;
        /** The file for {@code EXPLICIT_PATH}, the folder for {@code EXTRACT}, null for the search. */
        final String where;
        private final String what;

        /** An attempt at the DLL (messages say "DLL"). */
        public Attempt(Kind kind, String where) {
            this(kind, where, "DLL");
        }

        Attempt(Kind kind, String where, String what) {
            this.kind = kind;
            this.where = where;
            this.what = what;
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
                case EXTRACT: return "extraction of the jar's " + what + " into " + where;
                default: return "System.loadLibrary(\"" + LIBRARY_NAME + "\")";
            }
        }
    }

    /**
     * The attempts to make, in order, from the system properties and the environment alone; nothing is
     * touched on disk. Kept pure so the order, which decides which library runs, is tested everywhere.
     *
     * @param property    a system property by name, null when unset
     * @param environment an environment variable by name, null when unset
     * @param jarFolder   the folder of the jar this class came from, null when not from a jar file
     * @return the attempts (empty only when no extraction folder is known and no search is asked for)
     * @throws IllegalArgumentException if {@value #SEARCH_PROPERTY} names an unknown source
     */
    public List<Attempt> plan(Function<String, String> property, Function<String, String> environment,
                              String jarFolder) {
        String explicit = property.apply(PATH_PROPERTY);
        if (explicit != null && !explicit.trim().isEmpty()) {
            return List.of(new Attempt(Attempt.Kind.EXPLICIT_PATH, explicit.trim(), kind));
        }
        List<Attempt> attempts = new ArrayList<>();
        for (String source : sources(property.apply(SEARCH_PROPERTY))) {
            if (source.equals(SYSTEM)) {
                attempts.add(new Attempt(Attempt.Kind.SYSTEM_SEARCH, null, kind));
            } else {
                for (String folder : extractionFolders(property, environment, jarFolder)) {
                    attempts.add(new Attempt(Attempt.Kind.EXTRACT, folder, kind));
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

    private Set<String> extractionFolders(Function<String, String> property, Function<String, String> environment,
                                          String jarFolder) {
        Set<String> folders = new LinkedHashSet<>();
        String chosen = property.apply(TMPDIR_PROPERTY);
        if (chosen != null && !chosen.trim().isEmpty()) {
            folders.add(chosen.trim());
            return folders;
        }
        addFolder(folders, property.apply("java.io.tmpdir"));
        String localAppData = windows ? environment.apply("LOCALAPPDATA") : null;
        if (localAppData != null && !localAppData.trim().isEmpty()) {
            addFolder(folders, stripSeparator(localAppData.trim()) + separator + LIBRARY_NAME);
        }
        if (jarFolder != null && !jarFolder.trim().isEmpty()) {
            // A folder of its own: the jar's folder may hold files of the application's we must not touch.
            addFolder(folders, stripSeparator(jarFolder.trim()) + separator + JAR_SUBFOLDER);
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

    /** Makes the attempts of {@link #plan} in order until one loads; then checks its ABI. */
    public Outcome load() {
        List<Attempt> plan;
        try {
            plan = plan(System::getProperty, System::getenv, jarFolder());
        } catch (IllegalArgumentException e) {
            return new Outcome(null, failed(List.of(e.getMessage()), List.of(e)));
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
            // A library is in the process now. If it is the wrong one, another copy cannot replace the
            // natives it already bound, so the verdict is final either way.
            Throwable wrong = abiCheck.apply(loaded);
            if (wrong == null) {
                LOG.debug("iocp4j {} loaded from {}", kind, loaded);
                return new Outcome(loaded, null);
            }
            return new Outcome(null, wrong);
        }
        return new Outcome(null, failed(tried, causes));
    }

    /** Makes one attempt; returns where the library was loaded from, or throws why not. */
    private String attempt(Attempt attempt) throws IOException {
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
                if (!windows) {
                    // On POSIX a mapped file outlives its name: the process keeps the library, the folder
                    // keeps no copy. (Windows cannot delete a mapped DLL: deleteStaleCopies does it later.)
                    Files.deleteIfExists(extracted);
                    return extracted + " (extracted from the jar, then deleted)";
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
    private String ansiHint(Attempt attempt) {
        if (!windows || attempt.kind == Attempt.Kind.SYSTEM_SEARCH) {
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
            CodeSource source = NativeLibrarySearch.class.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return null;
            }
            Path jar = Paths.get(source.getLocation().toURI());
            return Files.isRegularFile(jar) && jar.getParent() != null ? jar.getParent().toString() : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The error for a library that is not loaded, listing every attempt and saying what the user can set. */
    public UnsatisfiedLinkError failed(List<String> attempts, List<Throwable> causes) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                "iocp4j could not load its native library; tried:\n  " + String.join("\n  ", attempts)
                        + "\n(-D" + PATH_PROPERTY + "=<file> loads a " + kind + " of your choice; -D" + TMPDIR_PROPERTY
                        + "=<folder> picks where the jar's " + kind + " is extracted; -D" + SEARCH_PROPERTY
                        + "=bundled,system adds the system search)");
        causes.forEach(e::addSuppressed);
        return e;
    }

    private Path extract(Path dir) throws IOException {
        Files.createDirectories(dir);
        String prefix = LIBRARY_NAME + "-" + version() + "-";
        deleteStaleCopies(dir);
        // Not Files.createTempFile: its helper class reads java.io.tmpdir once, and a value it cannot
        // parse fails that class for good, and with it every later folder.
        Path target = dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix);
        Files.createFile(target);
        // The stream is closed before System.load: Windows cannot map a file another handle still writes.
        try (InputStream in = NativeLibrarySearch.class.getResourceAsStream(resource)) {
            if (in == null) {
                Files.deleteIfExists(target);
                throw new IOException("the jar has no " + resource + " (built with -Diocp4j.native.skip?)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (windows) {
            target.toFile().deleteOnExit();
        }
        return target;
    }

    /**
     * Earlier runs leave their copies behind: Windows cannot delete a DLL that is mapped, so
     * {@code deleteOnExit} fails for it. Delete every copy no process still has loaded (deletion of a
     * mapped file fails on Windows, which is how a copy in use is recognised). A copy younger than a minute
     * is left alone: another process may have written it and not yet loaded it.
     */
    private void deleteStaleCopies(Path dir) {
        long youngest = System.currentTimeMillis() - STALE_AFTER_MILLIS;
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, LIBRARY_NAME + "-*" + suffix)) {
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
            LOG.debug("could not list {} for stale copies of the {}: {}", dir, kind, e.toString());
        }
    }
}
