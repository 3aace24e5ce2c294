package org.iocp4j.tools;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How every command fails. A bad command line (status 2): one line saying what was wrong, picocli's
 * "did you mean" for a mistyped command or option, then the short usage of the command it was meant for,
 * all on stderr, before anything has run. A failure while running (status 1): one line with the
 * exception, and its causes, without a stack trace.
 */
final class CliErrors implements IParameterExceptionHandler, IExecutionExceptionHandler {

    private static final List<String> HELP = List.of("-h", "--help");

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        String name = command.getCommandSpec().qualifiedName();
        // Help wins over a bad value (demo --requests x --help), as picocli already lets it win over an
        // unknown word (demo --request 3 --help): someone who asks for help is shown how to write it.
        if (asksForHelp(command, args)) {
            command.usage(command.getOut());
            command.getOut().flush();
            return command.getCommandSpec().exitCodeOnUsageHelp();
        }
        PrintWriter err = command.getErr();
        err.println(name + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        Help help = command.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        if (!command.getSubcommands().isEmpty()) { // iocp4j itself: which commands there are
            err.print(help.commandListHeading() + help.commandList());
        }
        err.println("Try '" + name + " --help' for more information.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Whether -h or --help follows the name of the command that failed. */
    private static boolean asksForHelp(CommandLine command, String[] args) {
        List<String> words = Arrays.asList(args);
        int from = command.getParent() == null ? 0 : words.indexOf(command.getCommandName()) + 1;
        return words.subList(Math.max(0, from), words.size()).stream().anyMatch(HELP::contains);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            err.println(name + ": interrupted");
        } else {
            err.println(name + " failed: " + e);
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                err.println("  caused by: " + cause);
            }
        }
        err.flush();
        return command.getCommandSpec().exitCodeOnExecutionException();
    }
}
