package org.iocp4j.tools;

import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.iocp4j.tools.bench.Latencies;

/**
 * The JVM of one {@code bench} way ({@link WayJvm} starts it): reads rounds ({@link WayRound#toLine}) from
 * standard input, one a line, measures each here and answers each with one line on standard output, until
 * {@code exit} or the end of its input. Only answers go to standard output (anything else printed goes to
 * standard error), so the parent never mistakes a stray line for a result.
 */
final class BenchWorker {

    /** What starts every answer line. */
    static final String ANSWER = "@iocp4j-bench";
    static final String EXIT = "exit";

    private BenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals(EXIT); line = in.readLine()) {
            answers.println(answer(line));
        }
    }

    /** Measures one round and says what it measured, or why it failed, on one line. */
    static String answer(String line) {
        try {
            Latencies latencies = new Latencies();
            WayRound.Result r = WayRound.parse(line).run(latencies, () -> { });
            return String.join("\t", ANSWER, "ok", Long.toString(r.operations), Long.toString(r.nanos),
                    oneLine(r.description), latencies.encoded());
        } catch (Exception | LinkageError | AssertionError e) {
            return String.join("\t", ANSWER, "error", oneLine(String.valueOf(e)));
        }
    }

    private static String oneLine(String s) {
        return s.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
    }
}
