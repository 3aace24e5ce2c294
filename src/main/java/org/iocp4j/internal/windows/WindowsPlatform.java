package org.iocp4j.internal.windows;

import java.io.IOException;

import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;
import org.iocp4j.internal.FileBackend;
import org.iocp4j.internal.PipeBackend;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.SocketBackend;

/**
 * Win32 through the DLL: the kernel's completion port ({@link NativeCompletionPort}), files, sockets and
 * named pipes. Creating it loads nothing; opening a port does, and fails with {@link UnsatisfiedLinkError}
 * (carrying every loading attempt) where the DLL is not available.
 */
public final class WindowsPlatform implements Platform {

    /** The one instance (the natives hold no state). */
    public static final WindowsPlatform INSTANCE = new WindowsPlatform();

    private WindowsPlatform() {
    }

    @Override
    public Backend backend() {
        return Backend.NATIVE;
    }

    @Override
    public CompletionPort openPort(int concurrency) throws IOException {
        return NativeCompletionPort.open(concurrency);
    }

    @Override
    public FileBackend files() {
        return NativeFiles.INSTANCE;
    }

    @Override
    public SocketBackend sockets() {
        return NativeSockets.INSTANCE;
    }

    @Override
    public PipeBackend pipes() {
        return NativePipes.INSTANCE;
    }

    @Override
    public int cancel(long handle, long overlappedAddress) {
        return Win32Port.cancel0(handle, overlappedAddress);
    }

    @Override
    public int skipCompletionPortOnSuccess(long handle) {
        // SetFileCompletionNotificationModes takes any handle: a socket's as well as a file's.
        return NativeFiles.INSTANCE.skipCompletionPortOnSuccess(handle);
    }

    @Override
    public String toString() {
        return "WindowsPlatform";
    }
}
