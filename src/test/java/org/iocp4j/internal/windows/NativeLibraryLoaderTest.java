package org.iocp4j.internal.windows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.iocp4j.internal.NativeLibrarySearch.Attempt;
import org.iocp4j.internal.NativeLibrarySearch.Attempt.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which DLL the loader picks. The order is a pure function of the properties, tested on every platform;
 * on Windows, child JVMs show that a planted {@code iocp4j.dll} is not loaded unless the system search
 * is asked for, and that asking for it alone never extracts.
 */
class NativeLibraryLoaderTest {

    private static final long CHILD_WATCHDOG_SECONDS = 120;

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> environment = new HashMap<>();
    private String jarFolder = "C:\\app\\lib";

    private List<Attempt> plan() {
        return NativeLibraryLoader.plan(properties::get, environment::get, jarFolder);
    }

    private static Attempt extract(String folder) {
        return new Attempt(Kind.EXTRACT, folder);
    }

    private static final Attempt SEARCH = new Attempt(Kind.SYSTEM_SEARCH, null);

    @Test
    void byDefaultOnlyTheJarsDllIsLoadedTriedInFoldersWhosePathsMayDiffer() {
        properties.put("java.io.tmpdir", "C:\\Users\\Иван\\AppData\\Local\\Temp\\");
        environment.put("LOCALAPPDATA", "C:\\Users\\Иван\\AppData\\Local");
        assertEquals(List.of(extract("C:\\Users\\Иван\\AppData\\Local\\Temp"),
                extract("C:\\Users\\Иван\\AppData\\Local\\iocp4j"),
                extract("C:\\app\\lib\\iocp4j-native")), plan());
    }

    @Test
    void foldersThatAreUnknownAreLeftOutAndNoneIsTriedTwice() {
        properties.put("java.io.tmpdir", "D:\\tmp");
        jarFolder = null;
        assertEquals(List.of(extract("D:\\tmp")), plan());
        environment.put("LOCALAPPDATA", "  ");
        assertEquals(List.of(extract("D:\\tmp")), plan());
        properties.put("java.io.tmpdir", "D:\\data\\iocp4j\\");
        environment.put("LOCALAPPDATA", "D:\\data");
        assertEquals(List.of(extract("D:\\data\\iocp4j")), plan());
    }

    @Test
    void theChosenExtractionFolderIsTheOnlyOne() {
        properties.put("java.io.tmpdir", "C:\\Temp");
        environment.put("LOCALAPPDATA", "C:\\Local");
        properties.put(NativeLibraryLoader.TMPDIR_PROPERTY, "E:\\native");
        assertEquals(List.of(extract("E:\\native")), plan());
    }

    @Test
    void anExplicitPathIsTheOnlyAttemptWhateverElseIsSet() {
        properties.put("java.io.tmpdir", "C:\\Temp");
        properties.put(NativeLibraryLoader.SEARCH_PROPERTY, "system,bundled");
        properties.put(NativeLibraryLoader.TMPDIR_PROPERTY, "E:\\native");
        properties.put(NativeLibraryLoader.PATH_PROPERTY, " C:\\mine\\iocp4j.dll ");
        assertEquals(List.of(new Attempt(Kind.EXPLICIT_PATH, "C:\\mine\\iocp4j.dll")), plan());
        properties.put(NativeLibraryLoader.PATH_PROPERTY, "");
        assertEquals(List.of(SEARCH, extract("E:\\native")), plan(), "an empty path is no path");
    }

    @Test
    void theSystemSearchIsOptInAndAloneNeverExtracts() {
        properties.put("java.io.tmpdir", "C:\\Temp");
        assertFalse(plan().contains(SEARCH), "the system search is not made unless asked for");
        properties.put(NativeLibraryLoader.SEARCH_PROPERTY, "system");
        assertEquals(List.of(SEARCH), plan());
        properties.put(NativeLibraryLoader.SEARCH_PROPERTY, " Bundled , SYSTEM ");
        assertEquals(List.of(extract("C:\\Temp"), extract("C:\\app\\lib\\iocp4j-native"), SEARCH), plan());
        properties.put(NativeLibraryLoader.SEARCH_PROPERTY, "system,bundled,system");
        assertEquals(List.of(SEARCH, extract("C:\\Temp"), extract("C:\\app\\lib\\iocp4j-native")), plan());
        properties.put(NativeLibraryLoader.SEARCH_PROPERTY, "");
        assertEquals(List.of(extract("C:\\Temp"), extract("C:\\app\\lib\\iocp4j-native")), plan(),
                "empty means the default");
    }

    @Test
    void anUnknownSourceIsRefusedByName() {
        properties.put(NativeLibraryLoader.SEARCH_PROPERTY, "bundled,path");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, this::plan);
        assertTrue(e.getMessage().contains("'path'") && e.getMessage().contains(NativeLibraryLoader.SEARCH_PROPERTY),
                e.getMessage());
    }

    @Test
    void attemptsSayWhatTheyTry() {
        assertEquals("extraction of the jar's DLL into C:\\Temp", extract("C:\\Temp").toString());
        assertEquals("System.loadLibrary(\"iocp4j\")", SEARCH.toString());
        assertEquals("iocp4j.library.path=C:\\x.dll", new Attempt(Kind.EXPLICIT_PATH, "C:\\x.dll").toString());
    }

    // ---- in child JVMs on Windows (the native leg runs them under Wine) ----

    /**
     * A DLL named {@code iocp4j.dll} that is not this jar's (a copy of {@code version.dll}, which has
     * none of the natives) sits in the working directory and on {@code java.library.path}: the loader
     * must not pick it; the old order did, and the native backend was then unavailable.
     */
    @Test
    @EnabledOnOs(OS.WINDOWS)
    void aPlantedDllInTheWorkingDirectoryOrOnTheLibraryPathIsNotLoadedByDefault(@TempDir Path dir) throws Exception {
        Path planted = Files.createDirectories(dir.resolve("planted"));
        Files.copy(Paths.get(System.getenv("SystemRoot"), "System32", "version.dll"), planted.resolve("iocp4j.dll"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Map<String, String> out = runChild(planted, "-Djava.library.path=" + planted, "-Djava.io.tmpdir=" + tmp);
        assertEquals("true", out.get("loaded"), () -> "the planted DLL was loaded: " + out);
        assertTrue(Paths.get(out.get("location")).startsWith(tmp), () -> "not the jar's extracted DLL: " + out);
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void withTheSystemSearchAloneTheDllOnTheLibraryPathLoadsAndNothingIsExtracted(@TempDir Path dir) throws Exception {
        Path library = Files.createDirectories(dir.resolve("library"));
        try (InputStream dll = NativeLibraryLoader.class.getResourceAsStream(NativeLibraryLoader.RESOURCE)) {
            assertNotNull(dll, "the jar's DLL");
            Files.copy(dll, library.resolve("iocp4j.dll"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Map<String, String> out = runChild(library, "-Djava.library.path=" + library, "-Djava.io.tmpdir=" + tmp,
                "-D" + NativeLibraryLoader.SEARCH_PROPERTY + "=system");
        assertEquals("true", out.get("loaded"), out::toString);
        assertTrue(out.get("location").startsWith("System.loadLibrary"), out::toString);
        assertEquals(List.of(), dllsIn(tmp), "the system search alone extracted the jar's DLL");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Map<String, String> none = runChild(empty, "-Djava.library.path=" + empty, "-Djava.io.tmpdir=" + tmp,
                "-D" + NativeLibraryLoader.SEARCH_PROPERTY + "=system");
        assertEquals("false", none.get("loaded"), none::toString);
        assertTrue(none.get("failure").contains("System.loadLibrary") && !none.get("failure").contains("extraction"),
                none::toString);
        assertEquals(List.of(), dllsIn(tmp), "the system search alone extracted the jar's DLL");
    }

    /**
     * JDKs before 17 cannot {@code System.load} a path with characters outside the ANSI code page
     * (JDK-8195129), as a user name puts in {@code %TEMP%}: the loader then extracts into the next
     * folder, {@code %LOCALAPPDATA%\iocp4j}, and the backend is available all the same.
     */
    @Test
    @EnabledOnOs(OS.WINDOWS)
    void aTempFolderTheJvmCannotLoadFromFallsBackToTheNextFolder(@TempDir Path dir) throws Exception {
        // Cyrillic and CJK: outside every single-byte ANSI code page, and outside Cp1251 too (the CJK).
        Path unreachable = Files.createDirectories(dir.resolve("Иван-张三"));
        Path local = Files.createDirectories(dir.resolve("local"));
        // Through the environment, as a user profile does: the JDK 11 launcher turns such characters
        // on its command line into '?'; java.io.tmpdir comes from TMP.
        Map<String, String> out = runChild(dir, Map.of("LOCALAPPDATA", local.toString(),
                "TMP", unreachable.toString(), "TEMP", unreachable.toString()));
        assertEquals("true", out.get("loaded"), out::toString);
        Path from = Paths.get(out.get("location"));
        if (Runtime.version().feature() < 17) {
            assertTrue(from.startsWith(local.resolve("iocp4j")), () -> "not the fallback folder: " + out);
            assertEquals(List.of(), dllsIn(unreachable), "the copy that did not load was left behind");
        } else {
            assertTrue(from.startsWith(unreachable) || from.startsWith(local), out::toString);
        }
    }

    private static List<Path> dllsIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> dlls = new ArrayList<>();
            files.filter(p -> p.getFileName().toString().endsWith(".dll")).forEach(dlls::add);
            return dlls;
        }
    }

    /** Runs {@link LoaderProbe} in a child JVM of this JVM's kind, in {@code workingDirectory}. */
    private static Map<String, String> runChild(Path workingDirectory, String... jvmOptions) throws Exception {
        return runChild(workingDirectory, Map.of(), jvmOptions);
    }

    private static Map<String, String> runChild(Path workingDirectory, Map<String, String> environment,
                                                String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(LoaderProbe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process child = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try (InputStream in = child.getInputStream()) {
                in.transferTo(output);
            } catch (IOException ignored) {
                // the child died; its exit code says so below
            }
        });
        reader.start();
        boolean ended = child.waitFor(CHILD_WATCHDOG_SECONDS, TimeUnit.SECONDS);
        if (!ended) {
            child.destroyForcibly();
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String text = new String(output.toByteArray(), StandardCharsets.UTF_8);
        assertTrue(ended && child.exitValue() == 0, () -> "the child JVM failed: " + text);
        Map<String, String> lines = new HashMap<>();
        for (String line : text.split("\\R")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                lines.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return lines;
    }
}
