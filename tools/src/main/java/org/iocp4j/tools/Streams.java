package org.iocp4j.tools;

import java.io.PrintStream;

/**
 * Where a command prints: its results to {@code out}, progress and errors to {@code err}, and whether
 * {@code err} is a terminal (a progress bar then redraws one line in place). Given to each command when
 * {@link Main} builds the command line, so tests run the real command into buffers.
 */
final class Streams {

    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;

    Streams(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    boolean terminal() {
        return terminal;
    }
}
