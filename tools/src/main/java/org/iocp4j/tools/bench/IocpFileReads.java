package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.channels.CompletionHandler;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.Iocp;
import org.iocp4j.io.FileOpenOption;
import org.iocp4j.io.OverlappedFile;

/**
 * iocp4j: {@link OverlappedFile} on a dispatcher with 2 I/O threads; with {@code skipOnSuccess}, opened with
 * {@link FileOpenOption#SKIP_COMPLETION_PORT_ON_SUCCESS}, so a read that completes at once (on Windows, and
 * on Linux with libiocp4j.so when the page cache serves it) runs its handler on the reading thread.
 */
final class IocpFileReads extends WindowedFileReads {

    private final boolean skipOnSuccess;
    private IoDispatcher dispatcher;
    private OverlappedFile file;

    IocpFileReads(boolean skipOnSuccess) {
        this.skipOnSuccess = skipOnSuccess;
    }

    @Override
    void openFile(Path path, int inFlight) throws IOException {
        dispatcher = IoDispatcher.builder().name("file-bench").threads(2).build();
        OpenOption[] options = skipOnSuccess
                ? new OpenOption[] {StandardOpenOption.READ, FileOpenOption.SKIP_COMPLETION_PORT_ON_SUCCESS}
                : new OpenOption[] {StandardOpenOption.READ};
        file = OverlappedFile.open(dispatcher, path, options);
    }

    @Override
    void read(Slot slot, long offset, CompletionHandler<Integer, Slot> handler) {
        file.read(slot.buffer, offset, slot, handler);
    }

    @Override
    public String describe() {
        return "iocp4j OverlappedFile" + (skipOnSuccess ? " with skip-on-success (at-once reads complete inline)" : "")
                + ", " + under(dispatcher) + ", 2 I/O threads";
    }

    /** What stands under an iocp4j file on {@code dispatcher}, in words for the reports. */
    static String under(IoDispatcher dispatcher) {
        return dispatcher.port().backend() == Backend.NATIVE ? "ReadFile on an I/O completion port"
                : Iocp.linuxLibraryStatus().startsWith("loaded")
                ? "portable backend: preadv2(RWF_NOWAIT) on the caller, else pread on a thread pool posting completions"
                : "portable backend: FileChannel on a thread pool posting completions";
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
