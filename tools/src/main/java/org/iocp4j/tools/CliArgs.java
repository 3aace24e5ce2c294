package org.iocp4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line parsing shared by the subcommands: {@code --name value} or {@code --name=value} for options
 * that take a value, bare {@code --name} for flags, nothing positional. Every mistake is a
 * {@link UsageException} whose message says what was wrong; the command prints its usage after it.
 */
final class CliArgs {

    /** A bad command line: the message says what, the usage follows it. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Parses a subcommand's arguments into its options. */
    @FunctionalInterface
    interface Parser<O> {
        O parse(List<String> args) throws UsageException;
    }

    /** A subcommand's work, given its options; returns the exit status (0 done, 1 failed). */
    @FunctionalInterface
    interface Body<O> {
        int run(O options) throws IOException, InterruptedException;
    }

    private CliArgs() {
    }

    /**
     * The frame every subcommand shares: {@code --help} prints the usage (0); a bad command line prints what
     * was wrong and the usage (2) before anything runs; a failure prints why (1).
     *
     * @param command the subcommand's name, for messages
     * @return the exit status
     */
    static <O> int run(String command, List<String> args, PrintStream out, PrintStream err, String usage,
                       Parser<O> parser, Body<O> body) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage);
            return 0;
        }
        O options;
        try {
            options = parser.parse(args);
        } catch (UsageException e) {
            err.println("iocp4j " + command + ": " + e.getMessage());
            err.println();
            err.print(usage);
            return 2;
        }
        try {
            return body.run(options);
        } catch (IOException | RuntimeException e) {
            err.println("iocp4j " + command + " failed: " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("iocp4j " + command + ": interrupted");
            return 1;
        }
    }

    /**
     * Splits {@code args} into options; a flag maps to "". An option given twice keeps its last value.
     *
     * @param valued the options that take a value
     * @param flags  the options that take none
     */
    static Map<String, String> parse(List<String> args, Set<String> valued, Set<String> flags) throws UsageException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            if (valued.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                        throw new UsageException(name + " needs a value");
                    }
                    value = args.get(++i);
                }
                options.put(name, value);
            } else if (flags.contains(name)) {
                if (inline != null) {
                    throw new UsageException(name + " takes no value");
                }
                options.put(name, "");
            } else {
                throw new UsageException("unknown option '" + name + "'");
            }
        }
        return options;
    }

    /** A whole number in {@code [min, max]}. */
    static long number(String name, String value, long min, long max) throws UsageException {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " needs a whole number, not '" + value + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(name + " must be between " + min + " and " + max + ", not " + value.trim());
        }
        return n;
    }

    /** A whole number in {@code [1, max]}. */
    static int positive(String name, String value, int max) throws UsageException {
        return (int) number(name, value, 1, max);
    }

    /** A directory that exists. */
    static Path directory(String name, String value) throws UsageException {
        Path dir = path(name, value);
        if (!Files.isDirectory(dir)) {
            throw new UsageException(name + ": there is no directory " + dir.toAbsolutePath());
        }
        return dir;
    }

    /**
     * A report file that can be written: its directory exists and it is not a directory itself. Checked
     * when the command starts, not after it has run for a minute.
     */
    static Path reportFile(String value) throws UsageException {
        Path file = path("--report", value);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UsageException("--report: there is no directory " + dir);
        }
        if (Files.isDirectory(file)) {
            throw new UsageException("--report: " + file + " is a directory");
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

    private static Path path(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(name + " needs a file name");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(name + ": '" + value + "' is not a file name: " + e.getReason());
        }
    }
}
