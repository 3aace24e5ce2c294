package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every {@link FileReadStack} shares: one direct buffer per read in flight, and a fixed sequence of
 * random aligned offsets (the same seed for every API, so each reads the same blocks in the same order).
 */
abstract class FileReads implements FileReadStack {

    private static final int OFFSETS = 1 << 16;

    private final long[] offsets = new long[OFFSETS];
    private final AtomicInteger next = new AtomicInteger();
    ByteBuffer[] buffers;

    @Override
    public final void open(Path file, int inFlight) throws IOException {
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be at least 1, not " + inFlight);
        }
        long blocks = Files.size(file) / BLOCK;
        if (blocks < 1) {
            throw new IllegalArgumentException(file + " is smaller than one block of " + BLOCK + " bytes");
        }
        Random random = new Random(7);
        for (int i = 0; i < OFFSETS; i++) {
            offsets[i] = (long) (random.nextDouble() * blocks) * BLOCK;
        }
        buffers = new ByteBuffer[inFlight];
        for (int i = 0; i < inFlight; i++) {
            buffers[i] = ByteBuffer.allocateDirect(BLOCK);
        }
        openFile(file, inFlight);
    }

    /** Opens the API's channel on {@code file}. */
    abstract void openFile(Path file, int inFlight) throws IOException;

    /** The next offset to read, from any thread. */
    final long nextOffset() {
        return offsets[next.getAndIncrement() & (OFFSETS - 1)];
    }
}
