package org.iocp4j.io;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

import org.iocp4j.IocpException;
import org.iocp4j.Win32Error;

/**
 * The JDK exception types Java users expect for well-known Win32 and Winsock error codes, each keeping
 * its code ({@link Win32Error}): catch the JDK type, read the code. Every failure of an {@code org.iocp4j.io}
 * operation is one of these or an {@link IocpException}, on both backends (the portable one reports the codes
 * Windows gives for the same conditions). The socket codes follow the JDK's own table on Windows
 * ({@code handleSocketError} and {@code NET_ThrowNew}), with the Win32 codes an overlapped call's packet
 * carries for the same conditions beside their Winsock twins:
 * <table>
 *   <caption>Error codes and the exceptions they become</caption>
 *   <tr><th>code</th><th>exception</th></tr>
 *   <tr><td>995 {@code ERROR_OPERATION_ABORTED}; 1236, 10053 and Wine's 676 on a channel closed
 *       locally</td><td>{@link AsynchronousClose} (an {@link AsynchronousCloseException})</td></tr>
 *   <tr><td>64 {@code ERROR_NETNAME_DELETED}, 10054 {@code WSAECONNRESET}, 10053 on an open channel</td>
 *       <td>{@link ConnectionReset} (a {@link SocketException}, "Connection reset")</td></tr>
 *   <tr><td>1225 {@code ERROR_CONNECTION_REFUSED}, 10061 {@code WSAECONNREFUSED}, 10060 {@code WSAETIMEDOUT},
 *       121 {@code ERROR_SEM_TIMEOUT} (how a {@code ConnectEx} timeout arrives)</td>
 *       <td>{@link Connect} (a {@link ConnectException})</td></tr>
 *   <tr><td>1231 {@code ERROR_NETWORK_UNREACHABLE}, 1232 {@code ERROR_HOST_UNREACHABLE}, 10051
 *       {@code WSAENETUNREACH}, 10065 {@code WSAEHOSTUNREACH}</td>
 *       <td>{@link NoRouteToHost} (a {@link NoRouteToHostException})</td></tr>
 *   <tr><td>10048 {@code WSAEADDRINUSE}, 10049 {@code WSAEADDRNOTAVAIL}</td>
 *       <td>{@link Bind} (a {@link BindException})</td></tr>
 *   <tr><td>10058 {@code WSAESHUTDOWN}: a write after {@code shutdownOutput}</td>
 *       <td>{@link Shutdown} (a {@link ClosedChannelException}, as NIO's)</td></tr>
 *   <tr><td>2, 3</td><td>{@link NoSuchFile}</td></tr>
 *   <tr><td>80, 183</td><td>{@link FileAlreadyExists}</td></tr>
 *   <tr><td>5</td><td>{@link AccessDenied}</td></tr>
 *   <tr><td>anything else, including 109 {@code ERROR_BROKEN_PIPE}</td><td>{@link IocpException}</td></tr>
 * </table>
 * The message of each is {@code "<call> failed: error <code> (<the system's text>)"}.
 */
public final class Win32Exceptions {

    private Win32Exceptions() {
    }

    /** An operation ended because its channel was closed or the operation cancelled (995, ...). */
    public static final class AsynchronousClose extends AsynchronousCloseException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;
        /** The message, with the code and the system\'s text; kept in the serialized form. */
        private final String message;

        /**
         * Creates the exception.
         *
         * @param message   the failed call and the code's text
         * @param errorCode the Win32 or Winsock code
         */
        public AsynchronousClose(String message, int errorCode) {
            this.message = message;
            this.errorCode = errorCode;
        }

        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** The peer reset the connection (64, 10054). */
    public static final class ConnectionReset extends SocketException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;

        /**
         * Creates the exception.
         *
         * @param message   the failed call and the code's text
         * @param errorCode the Win32 or Winsock code
         */
        public ConnectionReset(String message, int errorCode) {
            super("Connection reset: " + message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** A connection could not be made (1225, 10061, ...). */
    public static final class Connect extends ConnectException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;

        /**
         * Creates the exception.
         *
         * @param message   the failed call and the code's text
         * @param errorCode the Win32 or Winsock code
         */
        public Connect(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** The network or host cannot be reached (1231, 1232, 10051, 10065). */
    public static final class NoRouteToHost extends NoRouteToHostException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;

        /**
         * Creates the exception.
         *
         * @param message   the failed call and the code's text
         * @param errorCode the Win32 or Winsock code
         */
        public NoRouteToHost(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** The local address is in use or is not this machine's (10048, 10049). */
    public static final class Bind extends BindException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;

        /**
         * Creates the exception.
         *
         * @param message   the failed call and the code's text
         * @param errorCode the Win32 or Winsock code
         */
        public Bind(String message, int errorCode) {
            super(message);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /**
     * That side of the socket was shut down (10058): a write after {@code shutdownOutput}. A
     * {@link ClosedChannelException} as NIO's, but not an asynchronous close: the socket stays open.
     */
    public static final class Shutdown extends ClosedChannelException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;
        /** The message, with the code and the system\'s text; kept in the serialized form. */
        private final String message;

        /**
         * Creates the exception.
         *
         * @param message   the failed call and the code's text
         * @param errorCode the Win32 or Winsock code
         */
        public Shutdown(String message, int errorCode) {
            this.message = message;
            this.errorCode = errorCode;
        }

        @Override
        public String getMessage() {
            return message;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** The file or its folder does not exist (2, 3). */
    public static final class NoSuchFile extends NoSuchFileException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;

        /**
         * Creates the exception.
         *
         * @param path      the file, or null
         * @param reason    the failed call and the code's text
         * @param errorCode the Win32 code
         */
        public NoSuchFile(String path, String reason, int errorCode) {
            super(path, null, reason);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** The file exists and was to be created new (80, 183). */
    public static final class FileAlreadyExists extends FileAlreadyExistsException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;

        /**
         * Creates the exception.
         *
         * @param path      the file, or null
         * @param reason    the failed call and the code's text
         * @param errorCode the Win32 code
         */
        public FileAlreadyExists(String path, String reason, int errorCode) {
            super(path, null, reason);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }

    /** Access denied (5). */
    public static final class AccessDenied extends AccessDeniedException implements Win32Error {
        private static final long serialVersionUID = 1L;
        /** The Win32 code the failure carried ({@code errorCode()}); kept in the serialized form. */
        private final int errorCode;

        /**
         * Creates the exception.
         *
         * @param path      the file, or null
         * @param reason    the failed call and the code's text
         * @param errorCode the Win32 code
         */
        public AccessDenied(String path, String reason, int errorCode) {
            super(path, null, reason);
            this.errorCode = errorCode;
        }

        @Override
        public int errorCode() {
            return errorCode;
        }
    }
}
