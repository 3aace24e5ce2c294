package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Blocking NIO: positional {@link FileChannel} reads; with one read in flight on the calling thread, with
 * more on as many threads, each doing its share. This is what a thread-per-request server does.
 */
final class FileChannelReads extends FileReads {

    private FileChannel channel;
    private ExecutorService readers;

    @Override
    void openFile(Path file, int inFlight) throws IOException {
        channel = FileChannel.open(file, StandardOpenOption.READ);
        if (inFlight > 1) {
            readers = Executors.newFixedThreadPool(inFlight, r -> {
                Thread t = new Thread(r, "file-bench-reader");
                t.setDaemon(true);
                return t;
            });
        }
    }

    @Override
    public void reads(int total, Latencies latencies) throws Exception {
        if (readers == null) {
            readShare(buffers[0], total, latencies);
            return;
        }
        int n = buffers.length;
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int k = 0; k < n; k++) {
            ByteBuffer b = buffers[k];
            int share = total / n + (k < total % n ? 1 : 0);
            readers.execute(() -> {
                try {
                    readShare(b, share, latencies);
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

    private void readShare(ByteBuffer b, int count, Latencies latencies) throws IOException {
        for (int i = 0; i < count; i++) {
            b.clear();
            long start = latencies == null ? 0 : System.nanoTime();
            if (channel.read(b, nextOffset()) < 0) {
                throw new IOException("end of file inside the file: the file shrank");
            }
            if (latencies != null) {
                latencies.record(System.nanoTime() - start);
            }
        }
    }

    @Override
    public String describe() {
        return "NIO FileChannel, positional blocking reads (1 in flight: on the calling thread; more: a thread"
                + " per read in flight)";
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
