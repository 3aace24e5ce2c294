package org.iocp4j.internal;

/**
 * Win32 error codes iocp4j uses by name, and their text: the system's own through
 * {@code FormatMessageW} where the DLL is loaded, else a short built-in text for the codes the portable
 * backend reports.
 */
public final class Win32Errors {

    public static final int ERROR_INVALID_HANDLE = 6;
    public static final int ERROR_NOT_ENOUGH_MEMORY = 8;
    public static final int ERROR_HANDLE_EOF = 38;
    public static final int ERROR_INVALID_PARAMETER = 87;
    public static final int WAIT_TIMEOUT = 258;
    public static final int ERROR_ABANDONED_WAIT_0 = 735;
    public static final int ERROR_OPERATION_ABORTED = 995;

    private static final int MESSAGE_CAPACITY_CHARS = 512;

    private Win32Errors() {
    }

    /** {@code "error 6 (The handle is invalid.)"}: the code and the best text available for it. */
    public static String describe(int errorCode) {
        String text = systemMessage(errorCode);
        if (text == null) {
            text = builtInMessage(errorCode);
        }
        return text == null ? "error " + errorCode : "error " + errorCode + " (" + text + ")";
    }

    private static String systemMessage(int errorCode) {
        if (!NativeLibraryLoader.isLoaded()) {
            return null;
        }
        long buffer = NativeMemory.allocateZeroed(2L * MESSAGE_CAPACITY_CHARS);
        try {
            int length = Win32Port.formatMessage0(errorCode, buffer, MESSAGE_CAPACITY_CHARS);
            return length > 0 ? NativeMemory.getUtf16(buffer, length) : null;
        } finally {
            NativeMemory.free(buffer);
        }
    }

    private static String builtInMessage(int errorCode) {
        switch (errorCode) {
            case ERROR_INVALID_HANDLE: return "The handle is invalid.";
            case ERROR_NOT_ENOUGH_MEMORY: return "Not enough memory resources are available.";
            case ERROR_HANDLE_EOF: return "Reached the end of the file.";
            case ERROR_INVALID_PARAMETER: return "The parameter is incorrect.";
            case WAIT_TIMEOUT: return "The wait operation timed out.";
            case ERROR_ABANDONED_WAIT_0: return "The I/O completion port was closed while the thread waited in it.";
            case ERROR_OPERATION_ABORTED: return "The I/O operation has been aborted.";
            default: return null;
        }
    }
}
