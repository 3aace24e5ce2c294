package org.iocp4j.internal.windows;

import java.lang.ref.Reference;

import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.PipeBackend;

/** {@link PipeBackend} over the named-pipe natives of {@code native/Win32Pipe.c}. */
public final class NativePipes implements PipeBackend {

    /** The one instance (the natives hold no state). */
    public static final NativePipes INSTANCE = new NativePipes();

    private NativePipes() {
    }

    @Override
    public long create(String name, boolean firstInstance, boolean messageMode, int maxInstances, int bufferSize) {
        NativeRegion n = NativeFiles.utf16z(name);
        try {
            int openMode = Win32Pipe.PIPE_ACCESS_DUPLEX | Win32File.FILE_FLAG_OVERLAPPED
                    | (firstInstance ? Win32Pipe.FILE_FLAG_FIRST_PIPE_INSTANCE : 0);
            int pipeMode = Win32Pipe.PIPE_REJECT_REMOTE_CLIENTS | (messageMode
                    ? Win32Pipe.PIPE_TYPE_MESSAGE | Win32Pipe.PIPE_READMODE_MESSAGE
                    : Win32Pipe.PIPE_TYPE_BYTE | Win32Pipe.PIPE_READMODE_BYTE);
            return Win32Pipe.createNamedPipe0(n.address(), openMode, pipeMode, maxInstances, bufferSize, bufferSize, 0);
        } finally {
            Reference.reachabilityFence(n); // the memory must outlive the call
        }
    }

    @Override
    public int connect(long pipe, long overlapped) {
        return Win32Pipe.connect0(pipe, overlapped);
    }

    @Override
    public int disconnect(long pipe) {
        return Win32Pipe.disconnect0(pipe);
    }

    /**
     * {@inheritDoc} At identification level ({@link Win32Pipe#CLIENT_OPEN_FLAGS}): the server can identify
     * the client but not act as it.
     */
    @Override
    public long open(String name, boolean messageMode) {
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

    @Override
    public int waitFor(String name, int timeoutMillis) {
        NativeRegion n = NativeFiles.utf16z(name);
        try {
            return Win32Pipe.waitNamedPipe0(n.address(), timeoutMillis);
        } finally {
            Reference.reachabilityFence(n);
        }
    }
}
