package org.iocp4j.tools;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The checks picocli's types do not make: ranges, folders that must exist, a report file that can be
 * written. Each failure is a {@link ParameterException} worded as picocli words its own ("Invalid value for
 * option '--seconds': ..."), thrown before the command starts, so it is a usage error (status 2) like a
 * value that is not a number.
 */
final class CliValues {

    private CliValues() {
    }

    /** A whole number in {@code [min, max]}. */
    static int between(CommandSpec spec, String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(spec, option, "must be between " + min + " and " + max + ", not " + value);
        }
        return value;
    }

    /** A whole number from 1 up. */
    static long positive(CommandSpec spec, String option, long value) {
        if (value < 1) {
            throw invalid(spec, option, "must be positive, not " + value);
        }
        return value;
    }

    /** A folder that exists. */
    static Path directory(CommandSpec spec, String option, String value) {
        Path dir = path(spec, option, value);
        if (!Files.isDirectory(dir)) {
            throw invalid(spec, option, "there is no directory " + dir.toAbsolutePath());
        }
        return dir;
    }

    /**
     * A report file that can be written: its folder exists and it is not a folder itself. Checked when the
     * command starts, not after it has run for a minute. A relative name stays relative: the JVM resolves
     * it against the folder the user ran the command in.
     */
    static Path reportFile(CommandSpec spec, String value) {
        Path file = path(spec, "--report", value);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw invalid(spec, "--report", "there is no directory " + dir);
        }
        if (Files.isDirectory(file)) {
            throw invalid(spec, "--report", file + " is a directory");
        }
        return file;
    }

    /**
     * How a written file is named to the user: absolute, so it opens from wherever they are, whatever
     * relative name they gave and whichever wrapper started the JVM.
     */
    static String shown(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }

    private static Path path(CommandSpec spec, String option, String value) {
        if (value.isBlank()) {
            throw invalid(spec, option, "needs a file name");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw invalid(spec, option, "'" + value + "' is not a file name: " + e.getReason());
        }
    }

    static ParameterException invalid(CommandSpec spec, String option, String why) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + why);
    }
}
