package org.iocp4j.tools;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

import org.iocp4j.tools.bench.EchoStack;
import org.iocp4j.tools.bench.FileReadStack;
import org.iocp4j.tools.bench.Latencies;

/**
 * One round of one {@code bench} way: which workload, which way, how long, and the measurement itself (open
 * the way's stack, warm up, run batches until the round's time is up, close). It travels as one line of
 * text, so a way can be measured in a JVM of its own ({@link WayJvm}, {@link BenchWorker}) exactly as in
 * this one.
 */
final class WayRound {

    /** The workloads: what {@code bench}'s cases run. */
    enum Kind { echo, files }

    /** What a round measured. */
    static final class Result {
        final long operations;
        final long nanos;
        final String description;

        Result(long operations, long nanos, String description) {
            this.operations = operations;
            this.nanos = nanos;
            this.description = description;
        }
    }

    final Kind kind;
    final String impl;
    /** Connections (echo) or reads in flight (files). */
    final int parallelism;
    /** The echo's message size (unused by files). */
    final int messageSize;
    /** The file read (null for echo). */
    final Path file;
    final long warmupNanos;
    final long roundNanos;

    WayRound(Kind kind, String impl, int parallelism, int messageSize, Path file, long warmupNanos, long roundNanos) {
        this.kind = kind;
        this.impl = impl;
        this.parallelism = parallelism;
        this.messageSize = messageSize;
        this.file = file;
        this.warmupNanos = warmupNanos;
        this.roundNanos = roundNanos;
    }

    /** This round, later warm-up and all, for another way or another warm-up. */
    WayRound with(String otherImpl, long otherWarmupNanos) {
        return new WayRound(kind, otherImpl, parallelism, messageSize, file, otherWarmupNanos, roundNanos);
    }

    /** The round as one line of tab-separated fields ({@link #parse} reads it back). */
    String toLine() {
        return String.join("\t", kind.name(), impl, Integer.toString(parallelism), Integer.toString(messageSize),
                file == null ? "-" : file.toString(), Long.toString(warmupNanos), Long.toString(roundNanos));
    }

    /**
     * @throws IllegalArgumentException if {@code line} is not what {@link #toLine} writes
     */
    static WayRound parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 7) {
            throw new IllegalArgumentException("not a bench round: " + line);
        }
        return new WayRound(Kind.valueOf(f[0]), f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                f[4].equals("-") ? null : Paths.get(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]));
    }

    /**
     * Measures the round here, recording every measured operation's latency into {@code latencies};
     * {@code tick} runs after each batch, so a progress bar can move.
     *
     * @throws Exception what opening, running or closing the way threw
     */
    Result run(Latencies latencies, Runnable tick) throws Exception {
        switch (kind) {
            case echo:
                try (EchoStack stack = EchoStack.of(impl)) {
                    stack.open(parallelism, messageSize);
                    return measure(stack.describe(), stack::roundTrips, Math.max(256, parallelism * 4), latencies, tick);
                }
            case files:
                try (FileReadStack stack = FileReadStack.of(impl)) {
                    stack.open(file, parallelism);
                    return measure(stack.describe(), stack::reads, 1024, latencies, tick);
                }
            default:
                throw new IllegalStateException(kind.toString());
        }
    }

    /** Warm up (recording nothing), then batches until this round's slice is up. */
    private Result measure(String description, Batch batch, int size, Latencies latencies, Runnable tick) throws Exception {
        long warmupEnd = System.nanoTime() + warmupNanos;
        while (System.nanoTime() < warmupEnd) {
            batch.run(size, null);
            tick.run();
        }
        long operations = 0;
        long start = System.nanoTime();
        long end = start + roundNanos;
        long now;
        do {
            batch.run(size, latencies);
            operations += size;
            tick.run();
            now = System.nanoTime();
        } while (now < end);
        return new Result(operations, now - start, description);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s (%d)", kind, impl, parallelism);
    }

    /** Runs {@code n} operations of a way, each timed into {@code latencies} unless null; returns when all completed. */
    @FunctionalInterface
    private interface Batch {
        void run(int n, Latencies latencies) throws Exception;
    }
}
