package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.function.LongConsumer;

/** The file the read benchmarks read: random bytes, made once and reused while its size is right. */
public final class BenchFile {

    private static final int CHUNK = 1 << 20;

    private BenchFile() {
    }

    /**
     * Makes {@code file} hold {@code size} random bytes, unless it already has exactly that size.
     *
     * @param written told the bytes written so far after each MiB (for a progress bar); may be null
     * @return {@code file}
     */
    public static Path create(Path file, long size, LongConsumer written) throws IOException {
        if (size < FileReadStack.BLOCK) {
            throw new IllegalArgumentException("a read benchmark file needs at least " + FileReadStack.BLOCK
                    + " bytes, not " + size);
        }
        if (Files.isRegularFile(file) && Files.size(file) == size) {
            return file;
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            byte[] bytes = new byte[CHUNK];
            new Random(1).nextBytes(bytes); // real data: a file of zeros might be stored sparse
            for (long at = 0; at < size; at += CHUNK) {
                chunk.clear().put(bytes).flip().limit((int) Math.min(CHUNK, size - at));
                while (chunk.hasRemaining()) {
                    c.write(chunk, at + chunk.position());
                }
                if (written != null) {
                    written.accept(Math.min(size, at + CHUNK));
                }
            }
        }
        return file;
    }
}
