package org.iocp4j.internal.portable;

import java.io.IOException;

import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;
import org.iocp4j.internal.FileBackend;
import org.iocp4j.internal.PipeBackend;
import org.iocp4j.internal.Platform;
import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.Win32Errors;

/**
 * Java with Windows' semantics, on every operating system: {@link PortableCompletionPort}, files over
 * {@code FileChannel}, sockets over NIO, handles from {@link PortableHandles}. No named pipes.
 */
public final class PortablePlatform implements Platform {

    /** The one instance. */
    public static final PortablePlatform INSTANCE = new PortablePlatform();

    private PortablePlatform() {
    }

    @Override
    public Backend backend() {
        return Backend.PORTABLE;
    }

    @Override
    public CompletionPort openPort(int concurrency) throws IOException {
        return new PortableCompletionPort(concurrency);
    }

    @Override
    public FileBackend files() {
        return PortableFiles.INSTANCE;
    }

    @Override
    public SocketBackend sockets() {
        return PortableSockets.INSTANCE;
    }

    /** There are none: throws, saying what to use instead. */
    @Override
    public PipeBackend pipes() {
        throw new UnsupportedOperationException("named pipes are Windows-only: this dispatcher runs on the portable"
                + " backend (" + System.getProperty("os.name") + "); use OverlappedSocket on loopback instead");
    }

    @Override
    public int cancel(long handle, long overlappedAddress) {
        PortableHandles.Entry e = PortableHandles.lookup(handle);
        Object resource = e == null ? null : e.resource();
        if (resource instanceof PortableFiles.OpenFile) {
            return PortableFiles.INSTANCE.cancel(handle, overlappedAddress);
        }
        if (resource instanceof PortableSockets.Sock) {
            return PortableSockets.INSTANCE.cancel(handle, overlappedAddress);
        }
        return -Win32Errors.ERROR_INVALID_HANDLE;
    }

    /**
     * Sets the handle's flag, by resource type: a file's operations complete at once through the Linux
     * library ({@link PortableFiles}); a socket's receives and sends when NIO's non-blocking call can
     * ({@link PortableSockets}).
     */
    @Override
    public int skipCompletionPortOnSuccess(long handle) {
        PortableHandles.Entry e = PortableHandles.lookup(handle);
        Object resource = e == null ? null : e.resource();
        if (resource instanceof PortableSockets.Sock) {
            return PortableSockets.INSTANCE.skipCompletionPortOnSuccess(handle);
        }
        if (resource instanceof PortableFiles.OpenFile) {
            return PortableFiles.INSTANCE.skipCompletionPortOnSuccess(handle);
        }
        return -Win32Errors.ERROR_INVALID_HANDLE;
    }

    @Override
    public String toString() {
        return "PortablePlatform";
    }
}
