package org.iocp4j.io;

import java.nio.file.OpenOption;

/**
 * Options of {@link OverlappedFile#open} beyond {@link java.nio.file.StandardOpenOption}.
 *
 * <p>By default a file is shared for reading, writing and deleting (as the JDK opens files on Windows);
 * the {@code NOSHARE_} options take a share away ({@code CreateFileW}'s {@code dwShareMode}). The portable
 * backend has no share modes: there they have no effect.
 */
public enum FileOpenOption implements OpenOption {
    /**
     * {@code FILE_FLAG_NO_BUFFERING}: no system cache. Every read and write must then start at a multiple
     * of the {@linkplain OverlappedFile#sectorSize() sector size}, move a multiple of it, and use a buffer
     * whose address is aligned to it ({@code ByteBuffer.allocateDirect(n + sector).alignedSlice(sector)});
     * a call that breaks the rule is refused with a message saying which.
     */
    UNBUFFERED,
    /** Others may not open the file for reading while it is open. */
    NOSHARE_READ,
    /** Others may not open the file for writing while it is open. */
    NOSHARE_WRITE,
    /** Others may not delete or rename the file while it is open. */
    NOSHARE_DELETE,
    /**
     * {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}: an operation that completes at once runs its handler
     * on the calling thread and queues no packet. Off by default; the same as
     * {@link OverlappedFile#skipCompletionPortOnSuccess()}.
     */
    SKIP_COMPLETION_PORT_ON_SUCCESS
}
