package org.iocp4j.internal;

import org.iocp4j.internal.windows.SystemMessages;

/**
 * Win32 error codes iocp4j uses by name, and their text: the system's own through
 * {@code FormatMessageW} where the DLL is loaded, else a short built-in text for the codes the portable
 * backend reports. What a code means; {@link Errors} decides which exception it becomes.
 */
public final class Win32Errors {

    public static final int ERROR_INVALID_HANDLE = 6;
    public static final int ERROR_FILE_NOT_FOUND = 2;
    public static final int ERROR_PATH_NOT_FOUND = 3;
    public static final int ERROR_ACCESS_DENIED = 5;
    public static final int ERROR_SHARING_VIOLATION = 32;
    public static final int ERROR_NOT_SUPPORTED = 50;
    public static final int ERROR_NETNAME_DELETED = 64;
    public static final int ERROR_FILE_EXISTS = 80;
    public static final int ERROR_BROKEN_PIPE = 109;
    public static final int ERROR_SEM_TIMEOUT = 121;
    public static final int ERROR_ALREADY_EXISTS = 183;
    public static final int ERROR_PIPE_BUSY = 231;
    public static final int ERROR_NO_DATA = 232;
    public static final int ERROR_MORE_DATA = 234;
    public static final int ERROR_PIPE_CONNECTED = 535;
    /** Wine's status for a socket closed locally under a pending receive (Windows gives 995 or 1236). */
    public static final int WINE_LOCAL_CLOSE = 676;
    public static final int ERROR_IO_PENDING = 997;
    public static final int ERROR_IO_DEVICE = 1117;
    public static final int ERROR_NOT_FOUND = 1168;
    public static final int ERROR_CONNECTION_REFUSED = 1225;
    public static final int ERROR_NETWORK_UNREACHABLE = 1231;
    public static final int ERROR_HOST_UNREACHABLE = 1232;
    public static final int ERROR_CONNECTION_ABORTED = 1236;
    public static final int WSAEINVAL = 10022;
    public static final int WSAEALREADY = 10037;
    public static final int WSAENOPROTOOPT = 10042;
    public static final int WSAEAFNOSUPPORT = 10047;
    public static final int WSAEADDRINUSE = 10048;
    public static final int WSAEADDRNOTAVAIL = 10049;
    public static final int WSAENETUNREACH = 10051;
    public static final int WSAECONNABORTED = 10053;
    public static final int WSAECONNRESET = 10054;
    public static final int WSAEISCONN = 10056;
    public static final int WSAENOTCONN = 10057;
    public static final int WSAESHUTDOWN = 10058;
    public static final int WSAETIMEDOUT = 10060;
    public static final int WSAECONNREFUSED = 10061;
    public static final int WSAEHOSTUNREACH = 10065;
    public static final int WSAHOST_NOT_FOUND = 11001;
    public static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    public static final int ERROR_HANDLE_EOF = 38;
    public static final int ERROR_TOO_MANY_OPEN_FILES = 4;
    public static final int ERROR_DISK_FULL = 112;
    public static final int ERROR_FILENAME_EXCED_RANGE = 206;
    public static final int ERROR_INVALID_PARAMETER = 87;
    public static final int WAIT_TIMEOUT = 258;
    public static final int ERROR_ABANDONED_WAIT_0 = 735;
    public static final int ERROR_OPERATION_ABORTED = 995;

    private Win32Errors() {
    }

    /**
     * {@code "CloseHandle failed: error 6 (The handle is invalid.)"}: the message of every exception iocp4j
     * makes for a code.
     */
    public static String failure(String operation, int errorCode) {
        return operation + " failed: " + describe(errorCode);
    }

    /** {@code "error 6 (The handle is invalid.)"}: the code and the best text available for it. */
    public static String describe(int errorCode) {
        String text = SystemMessages.of(errorCode);
        if (text == null) {
            text = builtInMessage(errorCode);
        }
        return text == null ? "error " + errorCode : "error " + errorCode + " (" + text + ")";
    }

    private static String builtInMessage(int errorCode) {
        switch (errorCode) {
            case ERROR_INVALID_HANDLE: return "The handle is invalid.";
            case ERROR_NOT_ENOUGH_MEMORY: return "Not enough memory resources are available.";
            case ERROR_TOO_MANY_OPEN_FILES: return "The system cannot open the file.";
            case ERROR_DISK_FULL: return "There is not enough space on the disk.";
            case ERROR_FILENAME_EXCED_RANGE: return "The filename or extension is too long.";
            case ERROR_HANDLE_EOF: return "Reached the end of the file.";
            case ERROR_INVALID_PARAMETER: return "The parameter is incorrect.";
            case WAIT_TIMEOUT: return "The wait operation timed out.";
            case ERROR_ABANDONED_WAIT_0: return "The I/O completion port was closed while the thread waited in it.";
            case ERROR_OPERATION_ABORTED: return "The I/O operation has been aborted.";
            case ERROR_FILE_NOT_FOUND: return "The system cannot find the file specified.";
            case ERROR_PATH_NOT_FOUND: return "The system cannot find the path specified.";
            case ERROR_ACCESS_DENIED: return "Access is denied.";
            case ERROR_SHARING_VIOLATION: return "The process cannot access the file because it is being used by another process.";
            case ERROR_NOT_SUPPORTED: return "The request is not supported.";
            case ERROR_NETNAME_DELETED: return "The specified network name is no longer available.";
            case ERROR_FILE_EXISTS: return "The file exists.";
            case ERROR_BROKEN_PIPE: return "The pipe has been ended.";
            case ERROR_SEM_TIMEOUT: return "The semaphore timeout period has expired.";
            case ERROR_ALREADY_EXISTS: return "Cannot create a file when that file already exists.";
            case ERROR_PIPE_BUSY: return "All pipe instances are busy.";
            case ERROR_NO_DATA: return "The pipe is being closed.";
            case ERROR_MORE_DATA: return "More data is available.";
            case ERROR_PIPE_CONNECTED: return "There is a process on other end of the pipe.";
            case ERROR_IO_PENDING: return "Overlapped I/O operation is in progress.";
            case ERROR_IO_DEVICE: return "The request could not be performed because of an I/O device error.";
            case ERROR_NOT_FOUND: return "Element not found.";
            case ERROR_CONNECTION_REFUSED: return "The remote computer refused the network connection.";
            case ERROR_NETWORK_UNREACHABLE: return "The network location cannot be reached.";
            case ERROR_CONNECTION_ABORTED: return "The network connection was aborted by the local system.";
            case WSAEINVAL: return "An invalid argument was supplied.";
            case WSAEALREADY: return "An operation was attempted on a non-blocking socket that already had an operation in progress.";
            case WSAENOPROTOOPT: return "An unknown, invalid, or unsupported option or level was specified in a getsockopt or setsockopt call.";
            case WSAEAFNOSUPPORT: return "An address incompatible with the requested protocol was used.";
            case WSAEADDRINUSE: return "Only one usage of each socket address is normally permitted.";
            case WSAEADDRNOTAVAIL: return "The requested address is not valid in its context.";
            case WSAENETUNREACH: return "A socket operation was attempted to an unreachable network.";
            case WSAECONNABORTED: return "An established connection was aborted by the software in your host machine.";
            case WSAECONNRESET: return "An existing connection was forcibly closed by the remote host.";
            case WSAEISCONN: return "A connect request was made on an already connected socket.";
            case WSAENOTCONN: return "A request to send or receive data was disallowed because the socket is not connected.";
            case WSAESHUTDOWN: return "A request to send or receive data was disallowed because the socket had already been shut down.";
            case WSAETIMEDOUT: return "A connection attempt failed because the connected party did not properly respond.";
            case WSAECONNREFUSED: return "No connection could be made because the target machine actively refused it.";
            case WSAHOST_NOT_FOUND: return "No such host is known.";
            default: return null;
        }
    }
}
