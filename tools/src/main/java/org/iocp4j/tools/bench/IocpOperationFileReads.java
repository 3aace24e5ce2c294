package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.iocp4j.IoDispatcher;
import org.iocp4j.io.FileOpenOption;
import org.iocp4j.io.FileOperation;
import org.iocp4j.io.OverlappedFile;

/**
 * iocp4j as a reader that allocates nothing per read would use it: one {@link FileOperation} per buffer,
 * started again from its own handler, on a file opened with skip-on-success. One dispatcher with 2 I/O
 * threads, as the other iocp4j ways; the run's bookkeeping is {@link ReadRun}, as theirs.
 */
final class IocpOperationFileReads extends FileReads {

    private IoDispatcher dispatcher;
    private OverlappedFile file;
    private Reader[] readers;
    private volatile ReadRun run;

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
        ReadRun r = new ReadRun(total, readers.length, latencies);
        run = r;
        for (Reader reader : readers) {
            reader.next(r);
        }
        r.await();
        // The last handler retires its buffer before its operation is done: wait until all are.
        for (Reader reader : readers) {
            while (!reader.operation.isDone()) {
                Thread.onSpinWait();
            }
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

        void next(ReadRun r) {
            if (!r.take()) {
                return;
            }
            operation.buffer().clear();
            startedAt = r.latencies == null ? 0 : r.latencies.now();
            operation.read(nextOffset(index));
        }

        @Override
        public void completed(FileOperation op, int bytes) {
            ReadRun r = run;
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
            run.fail(error);
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
