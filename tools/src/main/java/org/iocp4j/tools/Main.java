package org.iocp4j.tools;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.Option;

/**
 * The {@code iocp4j} command. {@code demo} serves CPU-bound requests four ways (one thread, a thread per
 * request, an I/O completion port, a thread pool) and shows when each finished; {@code demo --walkthrough}
 * shows a port's basics on whichever backend this machine has; {@code bench} measures iocp4j beside the
 * JDK's NIO on a loopback echo and on file reads; {@code diagnose} watches a process's
 * handles, pool quotas and outstanding operations over time.
 *
 * <p>The command line is picocli's: each command declares its options once, and the parsing, the help,
 * the "did you mean" suggestions and the exit statuses all come from those declarations.
 */
@Command(name = "iocp4j",
        customSynopsis = {"iocp4j <command> [options]", "       iocp4j <command> --help"},
        commandListHeading = "%ncommands:%n",
        exitCodeListHeading = "%nexit status:%n",
        exitCodeList = {
            "0:done",
            "1:failed; the message says why",
            "2:bad arguments; the message and the usage go to stderr, nothing runs",
        },
        footerHeading = "%n",
        footer = {
            "The backend is native on Windows x64 and portable elsewhere;",
            "-Diocp4j.backend=portable|native (e.g. through JAVA_TOOL_OPTIONS) forces one.",
        },
        versionProvider = ToolsVersion.class)
public final class Main {

    private static final List<String> COMMANDS = List.of(UsageMessageSpec.SECTION_KEY_COMMAND_LIST_HEADING,
            UsageMessageSpec.SECTION_KEY_COMMAND_LIST);

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    private boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true,
            description = "show the versions of the tools and the library, the backend and the JVM")
    private boolean version;

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
        CommandLine command = commandLine(new Streams(out, err, terminal));
        try {
            return command.execute(args);
        } finally {
            command.getOut().flush();
            command.getErr().flush();
        }
    }

    /** The whole command line: iocp4j and its subcommands, printing to {@code streams}. */
    static CommandLine commandLine(Streams streams) {
        CommandLine command = new CommandLine(new Main())
                .addSubcommand(new DemoCommand(streams))
                .addSubcommand(new BenchCommand(streams))
                .addSubcommand(new Diagnose(streams))
                .addSubcommand(new HelpCommand());
        command.getSubcommands().get("help").getCommandSpec().usageMessage()
                .header("show a command's help: iocp4j help bench is iocp4j bench --help");
        // Plain text whatever the terminal, as scripts read it; every command laid out alike.
        command.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        style(command);
        for (CommandLine sub : command.getSubcommands().values()) {
            style(sub);
            // A subcommand's header is its line in iocp4j's command list; its own help starts with "usage:".
            UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
            List<String> sections = new ArrayList<>(usage.sectionKeys());
            sections.removeAll(List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER));
            usage.sectionKeys(sections);
        }
        List<String> sections = new ArrayList<>(command.getHelpSectionKeys()); // iocp4j: its commands first
        sections.removeAll(COMMANDS);
        sections.addAll(sections.indexOf(UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING), COMMANDS);
        command.getCommandSpec().usageMessage().sectionKeys(sections);
        CliErrors errors = new CliErrors();
        command.setParameterExceptionHandler(errors);
        command.setExecutionExceptionHandler(errors);
        command.setOut(new PrintWriter(streams.out(), true));
        command.setErr(new PrintWriter(streams.err(), true));
        return command;
    }

    /** The layout every command's help shares: "usage:" first, then what it does, then its options. */
    private static void style(CommandLine command) {
        UsageMessageSpec usage = command.getCommandSpec().usageMessage();
        usage.synopsisHeading("usage: ").optionListHeading("%noptions:%n").sortOptions(false).sortSynopsis(false);
        if (usage.description().length > 0) {
            usage.descriptionHeading("%n");
        }
    }
}
