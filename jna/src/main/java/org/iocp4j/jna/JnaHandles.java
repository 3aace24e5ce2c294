package org.iocp4j.jna;

import java.io.IOException;
import java.util.Objects;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT;
import org.iocp4j.Backend;
import org.iocp4j.BoundHandle;
import org.iocp4j.IoDispatcher;
import org.iocp4j.IocpException;
import org.iocp4j.io.NamedPipe;
import org.iocp4j.io.OverlappedFile;
import org.iocp4j.io.OverlappedServerSocket;
import org.iocp4j.io.OverlappedSocket;

/**
 * {@link WinNT.HANDLE}s to and from iocp4j: a handle you opened through JNA bound to a dispatcher, and
 * iocp4j's own handles as JNA handles for the calls iocp4j does not make for you.
 *
 * <p>Ownership does not move either way. A handle bound with {@link #bind} is still yours to close, and
 * only once its operations have completed (close it under a pending operation and its packet still comes,
 * with an error, which is fine; free its OVERLAPPED in that callback). A handle taken from an iocp4j
 * channel stays the channel's: never {@code CloseHandle} it, and use it only while the channel is open.
 *
 * <p>Only the native backend has Win32 handles: the portable backend's handle values mean nothing to
 * Windows, so the methods that read one refuse it.
 */
public final class JnaHandles {

    private JnaHandles() {
    }

    /**
     * Binds a handle opened through JNA (with {@code FILE_FLAG_OVERLAPPED}) to a dispatcher, as
     * {@link IoDispatcher#bind(long)}: its completions then run the callbacks of overlappeds allocated
     * from the returned {@link BoundHandle}.
     *
     * @param dispatcher the dispatcher
     * @param handle     the handle
     * @return the bound handle
     * @throws IllegalArgumentException      if {@code handle} is NULL or {@code INVALID_HANDLE_VALUE}
     * @throws UnsupportedOperationException on the portable backend, which binds only its own handles
     * @throws IocpException                 if the association fails (87, {@code ERROR_INVALID_PARAMETER},
     *                                       if the handle is already bound to a port; 6,
     *                                       {@code ERROR_INVALID_HANDLE}, if it is not open)
     * @throws IOException                   on other failures
     */
    public static BoundHandle bind(IoDispatcher dispatcher, WinNT.HANDLE handle) throws IOException {
        Objects.requireNonNull(dispatcher, "dispatcher");
        long value = value(Objects.requireNonNull(handle, "handle"));
        if (value == 0 || value == -1) {
            throw new IllegalArgumentException("not an open handle: " + (value == 0 ? "NULL" : "INVALID_HANDLE_VALUE")
                    + " (did CreateFile fail? read Native.getLastError())");
        }
        if (dispatcher.port().backend() != Backend.NATIVE) {
            throw new UnsupportedOperationException("a Win32 handle cannot be bound to dispatcher " + dispatcher.name()
                    + " on the " + dispatcher.port().backend() + " backend");
        }
        return dispatcher.bind(value);
    }

    /**
     * The bound handle as a JNA handle.
     *
     * @param bound the bound handle
     * @return a handle with the same value; not a new handle (never close it for iocp4j)
     * @throws UnsupportedOperationException on the portable backend
     */
    public static WinNT.HANDLE handle(BoundHandle bound) {
        return win32Handle(bound.dispatcher(), bound.handle());
    }

    /**
     * The file's Win32 handle, owned by the file.
     *
     * @param file the file
     * @return the handle
     * @throws UnsupportedOperationException on the portable backend
     */
    public static WinNT.HANDLE handle(OverlappedFile file) {
        return win32Handle(file.dispatcher(), file.handle());
    }

    /**
     * The pipe's Win32 handle, owned by the pipe.
     *
     * @param pipe the pipe
     * @return the handle
     * @throws UnsupportedOperationException on the portable backend
     */
    public static WinNT.HANDLE handle(NamedPipe pipe) {
        return win32Handle(pipe.dispatcher(), pipe.handle());
    }

    /**
     * The socket's {@code SOCKET}, as a JNA handle (Winsock's handles are kernel handles: {@code ReadFile},
     * {@code CancelIoEx} and the like take them), owned by the socket.
     *
     * @param socket the socket
     * @return the handle
     * @throws UnsupportedOperationException on the portable backend
     */
    public static WinNT.HANDLE handle(OverlappedSocket socket) {
        return win32Handle(socket.dispatcher(), socket.handle());
    }

    /**
     * The listening socket's {@code SOCKET}, as a JNA handle, owned by the socket.
     *
     * @param socket the socket
     * @return the handle
     * @throws UnsupportedOperationException on the portable backend
     */
    public static WinNT.HANDLE handle(OverlappedServerSocket socket) {
        return win32Handle(socket.dispatcher(), socket.handle());
    }

    /**
     * A handle value as a JNA handle.
     *
     * @param value a {@code HANDLE} or {@code SOCKET}
     * @return the JNA handle
     */
    public static WinNT.HANDLE handle(long value) {
        return new WinNT.HANDLE(value == 0 ? null : new Pointer(value));
    }

    /**
     * A JNA handle's value, as iocp4j's {@code long} handles hold it.
     *
     * @param handle the handle
     * @return its value; 0 for NULL, -1 for {@code INVALID_HANDLE_VALUE}
     */
    public static long value(WinNT.HANDLE handle) {
        return Pointer.nativeValue(Objects.requireNonNull(handle, "handle").getPointer());
    }

    private static WinNT.HANDLE win32Handle(IoDispatcher dispatcher, long value) {
        if (dispatcher.port().backend() != Backend.NATIVE) {
            throw new UnsupportedOperationException("handle 0x" + Long.toHexString(value) + " belongs to the "
                    + dispatcher.port().backend() + " backend (dispatcher " + dispatcher.name()
                    + "): it is not a Win32 handle");
        }
        return handle(value);
    }
}
