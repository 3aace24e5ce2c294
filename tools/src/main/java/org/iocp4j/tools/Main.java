package org.iocp4j.tools;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code iocp4j} command. {@code demo} serves CPU-bound requests four ways (one thread, a thread per
 * request, an I/O completion port, a thread pool) and shows when each finished; {@code demo --walkthrough}
 * shows a port's basics on whichever backend this machine has; {@code bench} measures iocp4j beside the
 * JDK's NIO on a loopback echo and on file reads; {@code diagnose} watches a process's
 * handles, pool quotas and outstanding operations over time.
 */
public final class Main {

    static final String USAGE = String.join("\n",
            "usage: iocp4j <command> [options]",
            "       iocp4j <command> --help",
            "",
            "commands:",
            "  demo      serve CPU-bound requests four ways (one thread, a thread per request, an I/O",
            "            completion port, a thread pool), compare when they finish, optionally write a report",
            "  bench     measure iocp4j beside the JDK's NIO here: a loopback echo and random file reads,",
            "            operations per second and latency percentiles side by side, optionally a report",
            "  diagnose  watch a process's handles, pool quotas and outstanding operations over time",
            "",
            "options:",
            "  --help    show this help",
            "",
            "The backend is native on Windows x64 and portable elsewhere; -Diocp4j.backend=portable|native",
            "(e.g. through JAVA_TOOL_OPTIONS) forces one.",
            "");

    private Main() {
    }

    /**
     * Runs the command and exits with its status: 0 success, 1 failure, 2 bad arguments.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        // No logging back-end ships with the command: keep SLF4J's "no providers" notice off the output.
        // Set before anything touches SLF4J, which reads it once; a user's -D wins.
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        System.exit(run(args, System.out, System.err, System.console() != null));
    }

    /** Runs the command as if stderr were not a terminal; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, false);
    }

    /** Runs the command; returns the exit status (0 success, 1 failure, 2 bad arguments). */
    static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (args[0]) {
            case "--help":
            case "-h":
                out.print(USAGE);
                return 0;
            case "help":
                if (rest.isEmpty()) {
                    out.print(USAGE);
                    return 0;
                }
                if (rest.size() == 1 && rest.get(0).equals("demo")) {
                    out.print(DemoCommand.usage());
                    return 0;
                }
                if (rest.size() == 1 && rest.get(0).equals("bench")) {
                    out.print(BenchCommand.usage());
                    return 0;
                }
                if (rest.size() == 1 && rest.get(0).equals("diagnose")) {
                    out.println(Diagnose.USAGE);
                    return 0;
                }
                err.println("iocp4j help: no such command '" + String.join(" ", rest) + "'\n");
                err.print(USAGE);
                return 2;
            case "demo":
                return DemoCommand.run(rest, out, err, terminal);
            case "bench":
                return BenchCommand.run(rest, out, err, terminal);
            case "diagnose":
                return Diagnose.run(rest.toArray(new String[0]), out, err);
            default:
                err.println("iocp4j: unknown command '" + args[0] + "'\n");
                err.print(USAGE);
                return 2;
        }
    }
}
