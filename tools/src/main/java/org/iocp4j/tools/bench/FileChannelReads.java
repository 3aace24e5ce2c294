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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blocking NIO: positional {@link FileChannel} reads; with one read in flight on the calling thread, with
 * more on as many threads: each thread's first read is issued when the batch is handed to the pool, and
 * each later one by whichever thread's read has just returned, so every thread has a read in flight until
 * the batch runs dry. This is what a thread-per-request server does. (Fixed shares per thread would leave
 * a thread that finished its share idle while the others still queue for a CPU: fewer reads in flight
 * than the figure claims.)
 *
 * <p>Timed like the completion APIs, from the moment a read is issued: a thread's first read from when the
 * batch was handed to the pool (waiting for a thread included), each later one from the return of the read
 * before it on that thread. Timing only the {@code read} call would leave out the time a thread waits for a
 * CPU between two calls, which is where 32 threads on 2 CPUs do their queueing.
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
        // What is left to issue once the first reads are: each thread's first read is issued when the batch is
        // handed to it, every later one by whichever thread's read has just returned.
        AtomicInteger unissued = new AtomicInteger(total);
        if (readers == null) {
            if (unissued.getAndDecrement() > 0) {
                readFrom(0, unissued, latencies, latencies == null ? 0 : latencies.now());
            }
            return;
        }
        int n = Math.min(buffers.length, total);
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // Every thread's first read is taken from the batch before any thread starts: taken one by one in the
        // loop, a fast first thread could drain the batch before the loop took the last thread's, which would
        // then read one more than the batch holds.
        unissued.addAndGet(-n);
        for (int k = 0; k < n; k++) {
            int buffer = k;
            long issued = latencies == null ? 0 : latencies.now();
            readers.execute(() -> {
                try {
                    readFrom(buffer, unissued, latencies, issued);
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

    /**
     * One read issued at {@code issuedAt}, then, as each returns, the batch's next while it has one: the thread
     * stays busy until the batch runs dry, and each read is timed from when it was issued.
     */
    private void readFrom(int buffer, AtomicInteger unissued, Latencies latencies, long issuedAt)
            throws IOException {
        ByteBuffer b = buffers[buffer];
        long start = issuedAt;
        do {
            b.clear();
            if (channel.read(b, nextOffset(buffer)) < 0) {
                throw new IOException("end of file inside the file: the file shrank");
            }
            if (latencies != null) {
                start = latencies.recordSince(start);
            }
        } while (unissued.getAndDecrement() > 0);
    }

    @Override
    public String describe() {
        return "NIO FileChannel, positional blocking reads (1 in flight: on the calling thread; more: a thread"
                + " per read in flight, each taking the next read as its last returns, each read timed from when"
                + " its thread issues it, right after the last one returned, so waiting for a CPU counts)";
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
