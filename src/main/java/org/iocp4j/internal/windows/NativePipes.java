package org.iocp4j.internal.windows;

import org.iocp4j.internal.NativeMemory;

/** The named-pipe natives ({@link Win32Pipe}) for {@code org.iocp4j.io.NamedPipe}; Windows only. */
public final class NativePipes {

    private NativePipes() {
    }

    /** {@code CreateNamedPipeW}: the handle or -error. */
    public static long create(String name, boolean firstInstance, boolean messageMode, int maxInstances, int bufferSize) {
        long n = NativeFiles.utf16z(name);
        try {
            int openMode = Win32Pipe.PIPE_ACCESS_DUPLEX | Win32File.FILE_FLAG_OVERLAPPED
                    | (firstInstance ? Win32Pipe.FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
            int pipeMode = Win32Pipe.PIPE_REJECT_REMOTE_CLIENTS | (messageMode
                    ? Win32Pipe.PIPE_TYPE_MESSAGE | Win32Pipe.PIPE_READMODE_MESSAGE
                    : Win32Pipe.PIPE_TYPE_BYTE | Win32Pipe.PIPE_READMODE_BYTE);
            return Win32Pipe.createNamedPipe0(n, openMode, pipeMode, maxInstances, bufferSize, bufferSize, 0);
        } finally {
            NativeMemory.free(n);
        }
    }

    /** Overlapped {@code ConnectNamedPipe}: 0, -997 pending, -535 already connected (no packet), or -error. */
    public static int connect(long pipe, long overlapped) {
        return Win32Pipe.connect0(pipe, overlapped);
    }

    /** {@code DisconnectNamedPipe}: 0 or -error. */
    public static int disconnect(long pipe) {
        return Win32Pipe.disconnect0(pipe);
    }

    /**
     * A client's {@code CreateFileW(OPEN_EXISTING)} of the pipe at identification level
     * ({@link Win32Pipe#CLIENT_OPEN_FLAGS}), then its read mode: the handle or -error (231 busy).
     */
    public static long open(String name, boolean messageMode) {
        long h = NativeFiles.INSTANCE.open(name, Win32File.GENERIC_READ | Win32File.GENERIC_WRITE, 0,
                Win32File.OPEN_EXISTING, clientOpenFlags(), false);
        if (h < 0 || !messageMode) {
            return h;
        }
        int r = Win32Pipe.setReadMode0(h, Win32Pipe.PIPE_READMODE_MESSAGE);
        if (r < 0) {
            Win32Port.close0(h);
            return r;
        }
        return h;
    }

    /** The {@code CreateFileW} flags {@link #open} passes (beyond {@code FILE_FLAG_OVERLAPPED}). */
    public static int clientOpenFlags() {
        return Win32Pipe.CLIENT_OPEN_FLAGS;
    }

    /** {@code WaitNamedPipeW}: 0 when an instance is free, or -error (121 timeout). */
    public static int waitFor(String name, int timeoutMillis) {
        long n = NativeFiles.utf16z(name);
        try {
            return Win32Pipe.waitNamedPipe0(n, timeoutMillis);
        } finally {
            NativeMemory.free(n);
        }
    }
}
