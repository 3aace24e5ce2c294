package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * What every {@link FileReadStack} shares: one direct buffer per read in flight, and a fixed sequence of
 * random aligned offsets (the same seed for every API, so each reads the same blocks). Buffer {@code i} of
 * {@code n} reads offsets {@code i}, {@code i + n}, {@code i + 2n}, ... of the sequence: together the buffers
 * read it all, and no shared counter is bumped per read (one was a line the reading threads bounced between
 * them on every read, whatever the API).
 */
abstract class FileReads implements FileReadStack {

    private static final int OFFSETS = 1 << 16;

    /** Ints between two buffers' cursors: each on a cache line of its own. */
    private static final int CURSOR_SPACING = 16;

    private final long[] offsets = new long[OFFSETS];
    /** Each buffer's next place in {@link #offsets}, at {@code buffer * CURSOR_SPACING}. */
    private int[] cursors;
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
        cursors = new int[inFlight * CURSOR_SPACING];
        for (int i = 0; i < inFlight; i++) {
            buffers[i] = ByteBuffer.allocateDirect(BLOCK);
            cursors[i * CURSOR_SPACING] = i;
        }
        openFile(file, inFlight);
    }

    /** Opens the API's channel on {@code file}. */
    abstract void openFile(Path file, int inFlight) throws IOException;

    /**
     * The next offset for buffer {@code buffer} to read: from the thread reading into it (one at a time, each
     * read's completion happening before the next read starts).
     */
    final long nextOffset(int buffer) {
        int at = buffer * CURSOR_SPACING;
        int cursor = cursors[at];
        cursors[at] = cursor + buffers.length;
        return offsets[cursor & (OFFSETS - 1)];
    }
}
