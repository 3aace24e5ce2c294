package org.iocp4j.internal.windows;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.iocp4j.internal.FileBackend;
import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;

/** {@link FileBackend} over the Win32 natives of {@code native/Win32File.c}. */
public final class NativeFiles implements FileBackend {

    /** The one instance (the natives hold no state). */
    public static final NativeFiles INSTANCE = new NativeFiles();

    /** Past this length a path takes the {@code \\?\} prefix: the JDK's threshold (a directory's MAX_PATH - 12 - 1). */
    private static final int MAX_UNPREFIXED = 247;

    static {
        NativeLibraryLoader.isLoaded(); // the natives below need the DLL, whichever class was touched first
    }

    private NativeFiles() {
    }

    @Override
    public long open(String path, int access, int shareMode, int disposition, int flags, boolean sparse) {
        NativeRegion name = utf16z(forWin32Calls(path));
        long h;
        try {
            h = Win32File.createFile0(name.address(), access, shareMode, disposition,
                    flags | Win32File.FILE_FLAG_OVERLAPPED);
        } finally {
            Reference.reachabilityFence(name); // the memory must outlive the call
        }
        if (h >= 0 && sparse) {
            // As the JDK: after opening, and a failure (FAT, a read-only handle) leaves the file as it was.
            Win32File.setSparse0(h);
        }
        return h;
    }

    /**
     * {@code path} as a Win32 call accepts it, as the JDK's {@code WindowsPath} does: past 247 characters an
     * absolute path takes the {@code \\?\} prefix ({@code \\?\UNC\server\share\...} for a UNC path), else
     * {@code CreateFileW} fails with 3, {@code ERROR_PATH_NOT_FOUND}, at MAX_PATH (260). The prefix turns off
     * Win32's normalisation, so the path must be absolute with backslashes (as {@code Path.toAbsolutePath()}
     * gives it on Windows), and its {@code .} and {@code ..} are resolved here, lexically, as Win32 (and the
     * JDK's {@code GetFullPathName}) would. Device names ({@code \\.\pipe\...}) and prefixed paths are
     * left as they are.
     *
     * @param path an absolute Windows path
     * @return the path to hand to a Win32 call
     */
    public static String forWin32Calls(String path) {
        if (path.length() <= MAX_UNPREFIXED || path.startsWith("\\\\?\\") || path.startsWith("\\\\.\\")) {
            return path;
        }
        String resolved = Path.of(path).normalize().toString();
        if (resolved.startsWith("\\\\")) {
            return "\\\\?\\UNC" + resolved.substring(1); // \\server\share\... -> \\?\UNC\server\share\...
        }
        return "\\\\?\\" + resolved;
    }

    /**
     * A NUL-terminated UTF-16 copy of {@code s} in native memory; the caller keeps it reachable until the
     * call that reads it has returned ({@link Reference#reachabilityFence}).
     */
    public static NativeRegion utf16z(String s) {
        NativeRegion region = NativeRegion.allocate(2 * (s.length() + 1));
        NativeMemory.putUtf16z(region.memory(), 0, s);
        return region;
    }

    @Override
    public long read(long handle, ByteBuffer dst, long position, long overlapped) {
        return Win32File.read0(handle, Win32Memory.addressOf(dst) + dst.position(), dst.remaining(), overlapped);
    }

    @Override
    public long write(long handle, ByteBuffer src, long position, long overlapped) {
        return Win32File.write0(handle, Win32Memory.addressOf(src) + src.position(), src.remaining(), overlapped);
    }

    @Override
    public long size(long handle) {
        return Win32File.size0(handle);
    }

    @Override
    public int truncate(long handle, long size) {
        return Win32File.truncate0(handle, size);
    }

    @Override
    public int flush(long handle) {
        return Win32File.flush0(handle);
    }

    @Override
    public int sectorSize(long handle) {
        return Win32File.sectorSize0(handle);
    }

    @Override
    public int skipCompletionPortOnSuccess(long handle) {
        return Win32File.setNotificationModes0(handle,
                Win32File.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | Win32File.FILE_SKIP_SET_EVENT_ON_HANDLE);
    }

    @Override
    public int cancel(long handle, long overlapped) {
        return Win32Port.cancel0(handle, overlapped);
    }

    @Override
    public int close(long handle) {
        return Win32Port.close0(handle);
    }
}
