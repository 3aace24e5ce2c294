package org.iocp4j.tools;

import picocli.CommandLine.Option;

/** {@code -h, --help} on every subcommand, worded once. */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    private boolean help;
}
