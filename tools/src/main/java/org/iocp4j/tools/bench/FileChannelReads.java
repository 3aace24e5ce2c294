package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blocking NIO: positional {@link FileChannel} reads; with one read in flight on the calling thread, with
 * more on as many threads, each doing its share. This is what a thread-per-request server does.
 *
 * <p>Timed like the completion APIs, from the moment a read is issued: each thread issues its next read the
 * moment its last one returns, so a read's time runs from that return (the first one's from when its share
 * was handed to the pool, waiting for a thread included) to its own. Timing only the {@code read} call
 * would leave out the time a thread waits for a CPU between two calls, which is where 32 threads on 2 CPUs
 * do their queueing.
 */
final class FileChannelReads extends FileReads {

    private final ThreadFactory threads;
    private FileChannel channel;
    private ExecutorService readers;

    FileChannelReads() {
        this(r -> {
            Thread t = new Thread(r, "file-bench-reader");
            t.setDaemon(true);
            return t;
        });
    }

    /** With the pool's threads made by {@code threads} (a test holds them back to make a queue). */
    FileChannelReads(ThreadFactory threads) {
        this.threads = threads;
    }

    @Override
    void openFile(Path file, int inFlight) throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.READ);
        if (inFlight > 1) {
            readers = Executors.newFixedThreadPool(inFlight, threads);
        }
    }

    @Override
    public void reads(int total, Latencies latencies) throws Exception {
        if (readers == null) {
            readShare(buffers[0], total, latencies, latencies == null ? 0 : latencies.now());
            return;
        }
        int n = buffers.length;
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int k = 0; k < n; k++) {
            ByteBuffer b = buffers[k];
            int share = total / n + (k < total % n ? 1 : 0);
            long submitted = latencies == null ? 0 : latencies.now();
            readers.execute(() -> {
                try {
                    readShare(b, share, latencies, submitted);
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("reads did not complete in 60 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a read failed", failure.get());
        }
    }

    /** {@code count} reads in a row, the first issued at {@code issuedAt}, each next one as the last returns. */
    private void readShare(ByteBuffer b, int count, Latencies latencies, long issuedAt) throws IOException {
        long start = issuedAt;
        for (int i = 0; i < count; i++) {
            b.clear();
            if (channel.read(b, nextOffset()) < 0) {
                throw new IOException("end of file inside the file: the file shrank");
            }
            if (latencies != null) {
                start = latencies.recordSince(start);
            }
        }
    }

    @Override
    public String describe() {
        return "NIO FileChannel, positional blocking reads (1 in flight: on the calling thread; more: a thread"
                + " per read in flight, each read timed from when its thread issues it, right after the last one"
                + " returned, so waiting for a CPU counts)";
    }

    @Override
    public void close() throws IOException {
        if (readers != null) {
            readers.shutdownNow();
        }
        if (channel != null) {
            channel.close();
        }
    }
}
