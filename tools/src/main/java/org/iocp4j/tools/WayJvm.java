package org.iocp4j.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.iocp4j.tools.bench.Latencies;

/**
 * A JVM of its own for one {@code bench} way, as JMH forks one per benchmark: the same {@code java}, JVM
 * options and class path as this one, running {@link BenchWorker}, which measures the rounds sent to it.
 * Why: in one JVM the ways share the JIT's profiles, its compiled code and the heap, so a way measured after
 * others runs code warmed (or profiled) by theirs, as no application running one of them would; here each
 * way's code is compiled for that way only. It idles, blocked on its input, while the other ways' rounds run.
 */
final class WayJvm implements AutoCloseable {

    /**
     * How long past a round's warm-up and measured time its answer may take (opening and closing the way, a
     * last batch, a slow JVM start) before the JVM is ended as hung: a way stuck in its round never stops
     * {@code bench}.
     */
    static final Duration MARGIN = Duration.ofSeconds(60);

    private final Process process;
    private final Writer commands;
    private final BufferedReader answers;
    /** Where the JVM's standard error goes, shown when it fails. */
    private final Path log;
    /** The JVM's options and class path: a file, since a class path can outgrow Windows' command line. */
    private final Path arguments;

    private final Duration margin;
    /** The round being waited for, or 0: the watchdog ends the JVM only if its round is still this one. */
    private final AtomicLong waitingFor = new AtomicLong();
    private long rounds;
    /** Set by the watchdog when it ended the JVM. */
    private volatile boolean hung;

    /** Starts the JVM; it waits for rounds. */
    WayJvm() throws IOException {
        this(MARGIN);
    }

    /** With another {@link #MARGIN} (tests). */
    WayJvm(Duration margin) throws IOException {
        this.margin = margin;
        log = Files.createTempFile("iocp4j-bench-", ".log");
        arguments = Files.createTempFile("iocp4j-bench-", ".args");
        List<String> command = command();
        StringBuilder file = new StringBuilder();
        for (String argument : command.subList(1, command.size())) {
            file.append(quoted(argument)).append('\n');
        }
        ProcessBuilder pb = new ProcessBuilder(command.get(0), "@" + arguments).redirectError(log.toFile());
        try {
            Files.write(arguments, file.toString().getBytes(StandardCharsets.UTF_8));
            process = pb.start();
        } catch (IOException e) {
            Files.deleteIfExists(log);
            Files.deleteIfExists(arguments);
            throw new IOException("could not start a JVM for a bench way (" + command.get(0) + "): " + e.getMessage(), e);
        }
        commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** This JVM's {@code java}, its options (but a debugger's agent) and class path, running {@link BenchWorker}. */
    static List<String> command() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseGet(() -> Paths.get(System.getProperty("java.home"),
                "bin", System.getProperty("os.name").startsWith("Windows") ? "java.exe" : "java").toString()));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp") && !option.startsWith("-Xrunjdwp")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchWorker.class.getName());
        return command;
    }

    /** @return the JVM's process id */
    long pid() {
        return process.pid();
    }

    /** An argument as a {@code java} argument file holds it: in quotes, its backslashes and quotes escaped. */
    static String quoted(String argument) {
        return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * Measures a round there and adds its latencies to {@code latencies}.
     *
     * @throws IOException if the round failed there (the message says why) or the JVM died
     */
    WayRound.Result run(WayRound round, Latencies latencies) throws IOException {
        try {
            commands.write(round.toLine() + "\n");
            commands.flush();
        } catch (IOException e) {
            throw died(e);
        }
        long id = ++rounds;
        waitingFor.set(id);
        CompletableFuture.runAsync(() -> {
            if (waitingFor.compareAndSet(id, 0)) { // still this round's answer to come: the JVM is stuck
                hung = true;
                process.destroyForcibly(); // its output ends, and the read below with it
            }
        }, CompletableFuture.delayedExecutor(round.warmupNanos + round.roundNanos + margin.toNanos(), TimeUnit.NANOSECONDS));
        try {
            return answer(latencies);
        } finally {
            waitingFor.compareAndSet(id, 0); // the watchdog, if it comes later, finds nothing to end
        }
    }

    private WayRound.Result answer(Latencies latencies) throws IOException {
        for (String line = answers.readLine(); line != null; line = answers.readLine()) {
            if (!line.startsWith(BenchWorker.ANSWER + "\t")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length == 6 && f[1].equals("ok")) {
                latencies.addEncoded(f[5]);
                return new WayRound.Result(Long.parseLong(f[2]), Long.parseLong(f[3]), f[4]);
            }
            throw new IOException(f.length > 2 ? f[2] : line);
        }
        throw died(null);
    }

    private IOException died(IOException cause) throws IOException {
        String code;
        try {
            code = !process.waitFor(5, TimeUnit.SECONDS) ? "stopped answering"
                    : hung ? "did not answer within " + margin.toSeconds() + " s past its round's time, and was ended"
                    : "exited with code " + process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = "stopped answering";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String tail = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        return new IOException("the way's JVM " + code + (tail.isEmpty() ? "" : ": " + tail), cause);
    }

    /** Asks the JVM to exit, and ends it if it does not within a few seconds. */
    @Override
    public void close() throws IOException {
        try {
            commands.write(BenchWorker.EXIT + "\n");
            commands.close();
        } catch (IOException ignored) {
            // it is gone already
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            answers.close();
            Files.deleteIfExists(log);
            Files.deleteIfExists(arguments);
        }
    }
}
