package org.iocp4j.benchmarks;

import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.iocp4j.IoDispatcher;
import org.iocp4j.tools.bench.BenchFile;
import org.iocp4j.tools.bench.FileReadStack;
import org.iocp4j.io.OverlappedFile;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 4 KiB reads at random 4 KiB-aligned offsets of one file (1 GiB by default), with 1 and 32 reads in
 * flight: {@link OverlappedFile} through an {@link IoDispatcher} (2 I/O threads) beside {@link FileChannel}
 * (positional reads; with 32 in flight, 32 threads each doing its share) and {@link AsynchronousFileChannel}
 * (its default thread pool), in the same run. The stacks are iocp4j-tools'
 * {@code org.iocp4j.tools.bench} ones, which {@code iocp4j bench} runs too.
 *
 * <p>One operation is one read completed. After the first pass the file sits in the page cache, so this
 * measures the cost of each API's path from request to completion, not the disk: the question for a
 * server that reads hot files. On Linux both asynchronous APIs are emulated with threads over
 * {@code pread} (iocp4j's portable backend, the JDK's {@code SimpleAsynchronousFileChannelImpl}); on
 * Windows both are the I/O completion port.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FileReadBenchmark {

    /** Reads per benchmark invocation. */
    static final int READS = 4096;

    /** The file and the API under test. */
    @State(Scope.Benchmark)
    public static class Target {
        @Param({"iocp4j", "iocp4j-skip", "iocp4j-op", "FileChannel", "AsynchronousFileChannel"})
        public String impl;
        @Param({"1", "32"})
        public int inFlight;
        /** The file's size; the file is made once in {@code bench.dir} (default: java.io.tmpdir) and reused. */
        @Param({"1073741824"})
        public long fileSize;

        FileReadStack stack;

        @Setup(Level.Trial)
        public void open() throws Exception {
            Path dir = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
            Path file = BenchFile.create(dir.resolve("iocp4j-bench-" + fileSize + ".bin"), fileSize, null);
            stack = FileReadStack.of(impl);
            stack.open(file, inFlight);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stack.close();
        }
    }

    /** {@link #READS} reads of 4 KiB at random offsets. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public int randomReads(Target t) throws Exception {
        t.stack.reads(READS, null);
        return READS;
    }
}
