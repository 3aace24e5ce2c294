package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.channels.CompletionHandler;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.io.OverlappedFile;

/** iocp4j: {@link OverlappedFile} on a dispatcher with 2 I/O threads. */
final class IocpFileReads extends WindowedFileReads {

    private IoDispatcher dispatcher;
    private OverlappedFile file;

    @Override
    void openFile(Path path, int inFlight) throws IOException {
        dispatcher = IoDispatcher.builder().name("file-bench").threads(2).build();
        file = OverlappedFile.open(dispatcher, path, StandardOpenOption.READ);
    }

    @Override
    void read(Slot slot, long offset, CompletionHandler<Integer, Slot> handler) {
        file.read(slot.buffer, offset, slot, handler);
    }

    @Override
    public String describe() {
        return "iocp4j OverlappedFile, " + (dispatcher.port().backend() == Backend.NATIVE
                ? "ReadFile on an I/O completion port" : "portable backend: FileChannel on a thread pool posting completions")
                + ", 2 I/O threads";
    }

    @Override
    public void close() throws Exception {
        if (file != null) {
            file.close();
        }
        if (dispatcher != null) {
            dispatcher.shutdown();
            dispatcher.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
