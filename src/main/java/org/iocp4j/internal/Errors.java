package org.iocp4j.internal;

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

import org.iocp4j.IocpException;
import org.iocp4j.PortClosedException;
import org.iocp4j.io.Win32Exceptions.AccessDenied;
import org.iocp4j.io.Win32Exceptions.AsynchronousClose;
import org.iocp4j.io.Win32Exceptions.Bind;
import org.iocp4j.io.Win32Exceptions.Connect;
import org.iocp4j.io.Win32Exceptions.ConnectionReset;
import org.iocp4j.io.Win32Exceptions.FileAlreadyExists;
import org.iocp4j.io.Win32Exceptions.NoRouteToHost;
import org.iocp4j.io.Win32Exceptions.NoSuchFile;
import org.iocp4j.io.Win32Exceptions.Shutdown;

/**
 * The one class that turns Win32 error codes into exceptions (Netty's {@code unix.Errors} is the model), and
 * the portable backend's Java exceptions into the Win32 codes Windows gives for the same conditions, so both
 * backends' failures take the same road: a native or a portable call returns {@code -error}, the caller hands
 * the code here, and the exception keeps it ({@link org.iocp4j.Win32Error}).
 *
 * <p>The exception types are public API and live where users catch them: {@link IocpException} and
 * {@link PortClosedException} in {@code org.iocp4j}, the JDK-typed ones in {@code org.iocp4j.io.Win32Exceptions}.
 * Their message is {@code "<operation> failed: error <code> (<text>)"}, the text from {@link Win32Errors}.
 */
public final class Errors {

    private Errors() {
    }

    /**
     * The exception for a failed I/O operation: a JDK exception type where Java users expect one, else an
     * {@link IocpException}. The socket codes follow the JDK's own table on Windows ({@code handleSocketError}
     * and {@code NET_ThrowNew}), with the Win32 codes an overlapped call's packet carries beside their Winsock
     * twins; {@code org.iocp4j.io.Win32Exceptions} documents the table for users.
     *
     * @param operation     what failed, for the message (for example {@code "WSARecv"})
     * @param errorCode     the Win32 or Winsock code
     * @param closedLocally whether the channel was closed by this process while the operation was pending
     *                      (then an abort-like code is an asynchronous close, not a reset)
     * @param path          the file the operation concerned, or null
     * @return the exception, with {@link org.iocp4j.Win32Error#errorCode()} equal to {@code errorCode}
     */
    public static IOException ioException(String operation, int errorCode, boolean closedLocally, String path) {
        String text = Win32Errors.failure(operation, errorCode);
        switch (errorCode) {
            case Win32Errors.ERROR_OPERATION_ABORTED:
                return new AsynchronousClose(text, errorCode);
            case Win32Errors.ERROR_CONNECTION_ABORTED:
            case Win32Errors.WSAECONNABORTED:
            case Win32Errors.WINE_LOCAL_CLOSE:
                return closedLocally ? new AsynchronousClose(text, errorCode) : new ConnectionReset(text, errorCode);
            case Win32Errors.ERROR_NETNAME_DELETED:
            case Win32Errors.WSAECONNRESET:
                return new ConnectionReset(text, errorCode);
            case Win32Errors.ERROR_CONNECTION_REFUSED:
            case Win32Errors.WSAECONNREFUSED:
            case Win32Errors.WSAETIMEDOUT:
            case Win32Errors.ERROR_SEM_TIMEOUT: // STATUS_IO_TIMEOUT: the packet of a ConnectEx that timed out
                return new Connect(text, errorCode);
            case Win32Errors.ERROR_NETWORK_UNREACHABLE:
            case Win32Errors.ERROR_HOST_UNREACHABLE:
            case Win32Errors.WSAENETUNREACH:
            case Win32Errors.WSAEHOSTUNREACH:
                return new NoRouteToHost(text, errorCode);
            case Win32Errors.WSAEADDRINUSE:
            case Win32Errors.WSAEADDRNOTAVAIL:
                return new Bind(text, errorCode);
            case Win32Errors.WSAESHUTDOWN:
                return new Shutdown(text, errorCode);
            case Win32Errors.ERROR_FILE_NOT_FOUND:
            case Win32Errors.ERROR_PATH_NOT_FOUND:
                return new NoSuchFile(path, text, errorCode);
            case Win32Errors.ERROR_FILE_EXISTS:
            case Win32Errors.ERROR_ALREADY_EXISTS:
                return new FileAlreadyExists(path, text, errorCode);
            case Win32Errors.ERROR_ACCESS_DENIED:
                return new AccessDenied(path, text, errorCode);
            default:
                return iocpException(operation, errorCode);
        }
    }

    /**
     * A directory given where a file is wanted: 5, {@code ERROR_ACCESS_DENIED}, what {@code CreateFileW} answers
     * for a directory opened without {@code FILE_FLAG_BACKUP_SEMANTICS}, with a message that says why (the code
     * alone reads as a permission problem).
     *
     * @param operation the call that refused it, for example {@code "CreateFileW"}
     * @param path      the directory
     * @return the exception: an {@link AccessDeniedException} keeping the code
     */
    public static AccessDenied directoryNotFile(String operation, String path) {
        return new AccessDenied(path, Win32Errors.failure(operation, Win32Errors.ERROR_ACCESS_DENIED)
                + "; it is a directory, and only a file can be opened here", Win32Errors.ERROR_ACCESS_DENIED);
    }

    /**
     * The exception for a failed call on a completion port or another kernel object.
     *
     * @param operation what failed, for example {@code "CreateIoCompletionPort"}
     * @param errorCode the Win32 code
     * @return the exception
     */
    public static IocpException iocpException(String operation, int errorCode) {
        return new IocpException(operation, errorCode);
    }

    /**
     * A call on a port that was already closed: 6, {@code ERROR_INVALID_HANDLE}, what Windows gives for a
     * closed handle.
     *
     * @param operation what was attempted
     * @return the exception
     */
    public static PortClosedException portClosed(String operation) {
        return new PortClosedException(operation, Win32Errors.ERROR_INVALID_HANDLE);
    }

    /**
     * A wait that the port's close ended: 735, {@code ERROR_ABANDONED_WAIT_0}, what Windows returns to a thread
     * waiting in a port that closes.
     *
     * @param operation the wait, for example {@code "GetQueuedCompletionStatus"}
     * @return the exception
     */
    public static PortClosedException portAbandoned(String operation) {
        return new PortClosedException(operation, Win32Errors.ERROR_ABANDONED_WAIT_0);
    }

    /**
     * The Win32 code the portable backend reports for a Java exception: the code Windows gives for the same
     * condition, so a handler that reads {@code errorCode()} behaves alike on every platform.
     *
     * @param t what a Java channel threw
     * @return the code; 1117, {@code ERROR_IO_DEVICE}, when nothing closer fits
     */
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
            if (m.contains("Cannot assign requested address")) { // EADDRNOTAVAIL: not this machine's address
                return Win32Errors.WSAEADDRNOTAVAIL;
            }
            if (m.contains("not connected")) {
                return Win32Errors.WSAENOTCONN;
            }
        }
        // ENOSPC and EDQUOT, which NIO reports only in its message: the code libiocp4j.so's path gives them.
        String message = t.getMessage();
        if (t instanceof IOException && message != null
                && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
            return Win32Errors.ERROR_DISK_FULL;
        }
        return Win32Errors.ERROR_IO_DEVICE;
    }

    private static boolean isResetMessage(String m) {
        return m != null && (m.contains("Connection reset") || m.contains("Broken pipe")
                || m.contains("connection was forcibly closed"));
    }
}
