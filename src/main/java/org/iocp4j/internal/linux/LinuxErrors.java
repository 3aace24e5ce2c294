package org.iocp4j.internal.linux;

import org.iocp4j.internal.Win32Errors;

/**
 * errno values to the Win32 codes the backends speak, so a condition gives the same code through
 * {@code libiocp4j.so} as through NIO ({@code Errors.codeOf}) and as on Windows: a missing file 2, an
 * existing one 80, no permission or a directory 5, a full disk 112. What has no Win32 counterpart is an
 * I/O device error (1117), as NIO's other exceptions are.
 */
public final class LinuxErrors {

    private LinuxErrors() {
    }

    /**
     * The Win32 code for {@code errno}.
     *
     * @param errno a positive errno value (not negated)
     * @return the code, positive
     */
    public static int win32(int errno) {
        switch (errno) {
            case LinuxFile.ENOENT: return Win32Errors.ERROR_FILE_NOT_FOUND;
            case LinuxFile.ENOTDIR: return Win32Errors.ERROR_PATH_NOT_FOUND;
            case LinuxFile.EPERM:
            case LinuxFile.EACCES:
            case LinuxFile.EISDIR:
            case LinuxFile.EROFS:
            case LinuxFile.ETXTBSY: return Win32Errors.ERROR_ACCESS_DENIED;
            case LinuxFile.EBADF: return Win32Errors.ERROR_INVALID_HANDLE;
            case LinuxFile.ENOMEM: return Win32Errors.ERROR_NOT_ENOUGH_MEMORY;
            case LinuxFile.EEXIST: return Win32Errors.ERROR_FILE_EXISTS;
            case LinuxFile.EINVAL:
            case LinuxFile.EFBIG: return Win32Errors.ERROR_INVALID_PARAMETER;
            case LinuxFile.ENFILE:
            case LinuxFile.EMFILE: return Win32Errors.ERROR_TOO_MANY_OPEN_FILES;
            case LinuxFile.ENOSPC:
            case LinuxFile.EDQUOT: return Win32Errors.ERROR_DISK_FULL;
            case LinuxFile.ENAMETOOLONG: return Win32Errors.ERROR_FILENAME_EXCED_RANGE;
            case LinuxFile.ELOOP: return Win32Errors.ERROR_PATH_NOT_FOUND;
            case LinuxFile.EOPNOTSUPP: return Win32Errors.ERROR_NOT_SUPPORTED;
            default: return Win32Errors.ERROR_IO_DEVICE; // EIO and the rest
        }
    }
}
