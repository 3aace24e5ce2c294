package org.iocp4j.internal;

/**
 * What {@code org.iocp4j.io.NamedPipe} needs beyond a file's reads and writes ({@link FileBackend} serves
 * those, a pipe handle being a file handle): Windows named pipes, {@code \\.\pipe\name}. Only the Windows
 * platform has them. Calls return {@code >= 0} or {@code -error} with a Win32 code.
 */
public interface PipeBackend {

    /**
     * {@code CreateNamedPipeW} of a duplex, overlapped instance that rejects remote clients.
     *
     * @param name          the full name, {@code \\.\pipe\...}
     * @param firstInstance fail with 5 if the pipe exists already ({@code FILE_FLAG_FIRST_PIPE_INSTANCE})
     * @param messageMode   message type and read mode (else bytes)
     * @param maxInstances  1 to 255
     * @param bufferSize    the in and out buffer sizes
     * @return the handle, or -error (231 when no instance is left)
     */
    long create(String name, boolean firstInstance, boolean messageMode, int maxInstances, int bufferSize);

    /** Overlapped {@code ConnectNamedPipe}: 0, -997 pending, -535 already connected (no packet), or -error. */
    int connect(long pipe, long overlapped);

    /** {@code DisconnectNamedPipe}: 0 or -error. */
    int disconnect(long pipe);

    /** A client's overlapped {@code CreateFileW(OPEN_EXISTING)} of the pipe, then its read mode: the handle or -error (231 busy, 2 no such pipe). */
    long open(String name, boolean messageMode);

    /** {@code WaitNamedPipeW}: 0 when an instance is free, or -error (121 timeout). */
    int waitFor(String name, int timeoutMillis);
}
