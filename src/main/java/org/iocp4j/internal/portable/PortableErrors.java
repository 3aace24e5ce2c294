package org.iocp4j.internal.portable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

import org.iocp4j.internal.Win32Errors;

/**
 * The Win32 code the portable backend reports for a Java exception: the code Windows gives for the same
 * condition, so a handler that reads {@code errorCode()} behaves alike on every platform.
 */
public final class PortableErrors {

    private PortableErrors() {
    }

    /** The Win32 code for {@code t} (1117, {@code ERROR_IO_DEVICE}, when nothing closer fits). */
    public static int codeOf(Throwable t) {
        if (t instanceof ClosedChannelException) {
            return Win32Errors.ERROR_OPERATION_ABORTED;
        }
        if (t instanceof NoSuchFileException) {
            return Win32Errors.ERROR_FILE_NOT_FOUND;
        }
        if (t instanceof FileAlreadyExistsException) {
            return Win32Errors.ERROR_FILE_EXISTS;
        }
        if (t instanceof AccessDeniedException || t instanceof NonReadableChannelException
                || t instanceof NonWritableChannelException) {
            return Win32Errors.ERROR_ACCESS_DENIED;
        }
        // A socket in the wrong state for the call: NIO throws runtime exceptions where Winsock returns codes.
        if (t instanceof NotYetConnectedException) {
            return Win32Errors.WSAENOTCONN;
        }
        if (t instanceof AlreadyConnectedException) {
            return Win32Errors.WSAEISCONN;
        }
        if (t instanceof ConnectionPendingException) {
            return Win32Errors.WSAEALREADY;
        }
        if (t instanceof UnresolvedAddressException) {
            return Win32Errors.WSAHOST_NOT_FOUND;
        }
        if (t instanceof UnsupportedAddressTypeException) {
            return Win32Errors.WSAEAFNOSUPPORT;
        }
        if (t instanceof ConnectException) {
            return Win32Errors.ERROR_CONNECTION_REFUSED;
        }
        if (t instanceof NoRouteToHostException) {
            return Win32Errors.ERROR_NETWORK_UNREACHABLE;
        }
        if (t instanceof SocketTimeoutException) {
            return Win32Errors.WSAETIMEDOUT;
        }
        if (t instanceof SocketException || (t instanceof IOException && isResetMessage(t.getMessage()))) {
            String m = String.valueOf(t.getMessage());
            if (isResetMessage(m)) {
                return Win32Errors.WSAECONNRESET;
            }
            if (m.contains("Address already in use")) {
                return Win32Errors.WSAEADDRINUSE;
            }
            if (m.contains("not connected")) {
                return Win32Errors.WSAENOTCONN;
            }
        }
        return Win32Errors.ERROR_IO_DEVICE;
    }

    private static boolean isResetMessage(String m) {
        return m != null && (m.contains("Connection reset") || m.contains("Broken pipe")
                || m.contains("connection was forcibly closed"));
    }
}
