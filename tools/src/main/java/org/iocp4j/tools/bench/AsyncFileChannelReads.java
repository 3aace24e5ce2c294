package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** NIO.2: {@link AsynchronousFileChannel} with its default thread pool. */
final class AsyncFileChannelReads extends WindowedFileReads {

    private AsynchronousFileChannel channel;

    @Override
    void openFile(Path file, int inFlight) throws IOException {
        channel = AsynchronousFileChannel.open(file, StandardOpenOption.READ);
    }

    @Override
    void read(Slot slot, long offset, CompletionHandler<Integer, Slot> handler) {
        channel.read(slot.buffer, offset, slot, handler);
    }

    @Override
    public String describe() {
        return "NIO.2 AsynchronousFileChannel (" + (System.getProperty("os.name").startsWith("Windows")
                ? "the JDK's Iocp, an I/O completion port" : "pread on the JDK's default thread pool") + ")";
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
