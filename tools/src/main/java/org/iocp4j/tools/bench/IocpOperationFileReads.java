package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.IoDispatcher;
import org.iocp4j.io.FileOpenOption;
import org.iocp4j.io.FileOperation;
import org.iocp4j.io.OverlappedFile;

/**
 * iocp4j as a reader that allocates nothing per read would use it: one {@link FileOperation} per buffer,
 * started again from its own handler, on a file opened with skip-on-success. One dispatcher with 2 I/O
 * threads, as the other iocp4j ways; the run's bookkeeping is {@link WindowedFileReads}'.
 */
final class IocpOperationFileReads extends FileReads {

    private IoDispatcher dispatcher;
    private OverlappedFile file;
    private Reader[] readers;
    private volatile Run run;

    @Override
    void openFile(Path path, int inFlight) throws IOException {
        dispatcher = IoDispatcher.builder().name("file-bench").threads(2).build();
        file = OverlappedFile.open(dispatcher, path, StandardOpenOption.READ,
                FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS);
        readers = new Reader[inFlight];
        for (int i = 0; i < inFlight; i++) {
            readers[i] = new Reader(i);
        }
    }

    @Override
    public void reads(int total, Latencies latencies) throws Exception {
        Run r = new Run(total, readers.length, latencies);
        run = r;
        for (Reader reader : readers) {
            reader.next(r);
        }
        if (!r.done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("reads did not complete: " + Math.max(0, r.unissued.get()) + " of "
                    + total + " never issued, " + (readers.length - r.retired.get()) + " buffers still reading");
        }
        // The last handler counts its buffer retired before its operation is done: wait for all to be.
        for (Reader reader : readers) {
            while (!reader.operation.isDone()) {
                Thread.onSpinWait();
            }
        }
        if (r.failure.get() != null) {
            throw new IllegalStateException("a read failed", r.failure.get());
        }
    }

    /** One call of {@link #reads}: what is left to issue, and the buffers that found nothing left. */
    private static final class Run {
        final Latencies latencies;
        final int buffers;
        final AtomicInteger unissued;
        final AtomicInteger retired = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Run(int total, int buffers, Latencies latencies) {
            this.unissued = new AtomicInteger(total);
            this.buffers = buffers;
            this.latencies = latencies;
        }
    }

    /** One buffer's reads: its operation, and its own handler, which starts the next read. */
    private final class Reader implements FileOperation.Handler {
        final int index;
        final FileOperation operation;
        long startedAt;

        Reader(int index) {
            this.index = index;
            this.operation = file.operation(buffers[index], this);
        }

        void next(Run r) {
            if (r.unissued.getAndDecrement() <= 0) {
                if (r.retired.incrementAndGet() == r.buffers) {
                    r.done.countDown();
                }
                return;
            }
            operation.buffer().clear();
            startedAt = r.latencies == null ? 0 : r.latencies.now();
            operation.read(nextOffset(index));
        }

        @Override
        public void completed(FileOperation op, int bytes) {
            Run r = run;
            if (r.latencies != null) {
                r.latencies.recordSince(startedAt);
            }
            if (bytes < 0) {
                failed(op, new IOException("end of file inside the file: the file shrank"));
            } else {
                next(r);
            }
        }

        @Override
        public void failed(FileOperation op, IOException error) {
            Run r = run;
            r.failure.compareAndSet(null, error);
            r.done.countDown();
        }
    }

    @Override
    public String describe() {
        return "iocp4j FileOperation (one reusable read per buffer, nothing allocated per read) with"
                + " skip-on-success, " + IocpFileReads.under(dispatcher) + ", 2 I/O threads";
    }

    @Override
    public void close() throws Exception {
        if (readers != null) {
            for (Reader reader : readers) {
                if (reader.operation.isDone()) {
                    reader.operation.close();
                }
            }
        }
        if (file != null) {
            file.close();
        }
        if (dispatcher != null) {
            dispatcher.shutdown();
            dispatcher.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
