package org.iocp4j.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.IoDispatcher;
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
 * (its default thread pool), in the same run.
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
    static final int BLOCK = 4096;

    /** The file, the API under test and its buffers. */
    @State(Scope.Benchmark)
    public static class Target {
        @Param({"iocp4j", "FileChannel", "AsynchronousFileChannel"})
        public String impl;
        @Param({"1", "32"})
        public int inFlight;
        /** The file's size; the file is made once in {@code bench.dir} (default: java.io.tmpdir) and reused. */
        @Param({"1073741824"})
        public long fileSize;

        IoDispatcher dispatcher;
        OverlappedFile overlapped;
        FileChannel channel;
        AsynchronousFileChannel async;
        ExecutorService readers;
        ByteBuffer[] buffers;
        final long[] offsets = new long[1 << 16];
        final AtomicInteger next = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() throws IOException {
            Path file = fileOf(fileSize);
            Random random = new Random(7);
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = (long) random.nextInt((int) (fileSize / BLOCK)) * BLOCK;
            }
            buffers = new ByteBuffer[inFlight];
            for (int i = 0; i < inFlight; i++) {
                buffers[i] = ByteBuffer.allocateDirect(BLOCK);
            }
            switch (impl) {
                case "iocp4j":
                    dispatcher = IoDispatcher.builder().name("bench").threads(2).build();
                    overlapped = OverlappedFile.open(dispatcher, file, StandardOpenOption.READ);
                    break;
                case "FileChannel":
                    channel = FileChannel.open(file, StandardOpenOption.READ);
                    readers = Executors.newFixedThreadPool(inFlight);
                    break;
                case "AsynchronousFileChannel":
                    async = AsynchronousFileChannel.open(file, StandardOpenOption.READ);
                    break;
                default:
                    throw new IllegalArgumentException(impl);
            }
        }

        long nextOffset() {
            return offsets[next.getAndIncrement() & (offsets.length - 1)];
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            if (overlapped != null) {
                overlapped.close();
                dispatcher.shutdown();
                dispatcher.awaitTermination(10, TimeUnit.SECONDS);
            }
            if (channel != null) {
                channel.close();
                readers.shutdown();
            }
            if (async != null) {
                async.close();
            }
        }
    }

    static Path fileOf(long size) throws IOException {
        Path dir = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        Path file = dir.resolve("iocp4j-bench-" + size + ".bin");
        if (Files.exists(file) && Files.size(file) == size) {
            return file;
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            Random random = new Random(1);
            byte[] bytes = new byte[chunk.capacity()];
            random.nextBytes(bytes); // real data: a file of zeros might be stored sparse
            for (long at = 0; at < size; at += chunk.capacity()) {
                chunk.clear().put(bytes).flip().limit((int) Math.min(chunk.capacity(), size - at));
                while (chunk.hasRemaining()) {
                    c.write(chunk, at + chunk.position());
                }
            }
        }
        return file;
    }

    /**
     * Keeps {@code inFlight} reads going until {@link #READS} have completed: each completion starts the next
     * read into the same buffer, from the completing thread, as a server's handler would.
     */
    static final class Window implements CompletionHandler<Integer, ByteBuffer> {
        final Target t;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger finished = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Window(Target t) {
            this.t = t;
        }

        void start(ByteBuffer b) {
            if (started.getAndIncrement() >= READS) {
                return;
            }
            b.clear();
            if (t.overlapped != null) {
                t.overlapped.read(b, t.nextOffset(), b, this);
            } else {
                t.async.read(b, t.nextOffset(), b, this);
            }
        }

        @Override
        public void completed(Integer n, ByteBuffer b) {
            if (finished.incrementAndGet() == READS) {
                done.countDown();
            } else {
                start(b);
            }
        }

        @Override
        public void failed(Throwable e, ByteBuffer b) {
            failure.compareAndSet(null, e);
            done.countDown();
        }

        void await() throws Exception {
            for (ByteBuffer b : t.buffers) {
                start(b);
            }
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("reads did not complete: " + finished.get() + " of " + READS);
            }
            if (failure.get() != null) {
                throw new IllegalStateException(failure.get());
            }
        }
    }

    /** {@link #READS} reads of 4 KiB at random offsets. */
    @Benchmark
    @OperationsPerInvocation(READS)
    public int randomReads(Target t) throws Exception {
        if (t.channel == null) {
            new Window(t).await();
            return READS;
        }
        if (t.inFlight == 1) {
            ByteBuffer b = t.buffers[0];
            for (int i = 0; i < READS; i++) {
                b.clear();
                t.channel.read(b, t.nextOffset());
            }
            return READS;
        }
        CountDownLatch done = new CountDownLatch(t.inFlight);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int k = 0; k < t.inFlight; k++) {
            ByteBuffer b = t.buffers[k];
            int share = READS / t.inFlight + (k < READS % t.inFlight ? 1 : 0);
            t.readers.execute(() -> {
                try {
                    for (int i = 0; i < share; i++) {
                        b.clear();
                        t.channel.read(b, t.nextOffset());
                    }
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        return READS;
    }
}
