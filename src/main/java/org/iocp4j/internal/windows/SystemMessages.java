package org.iocp4j.internal.windows;

import java.lang.ref.Reference;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.Win32Errors;

/**
 * The system's text for a Win32 error code ({@code FormatMessageW}), for {@link Win32Errors}: the one
 * call outside this package needs into the natives, kept here so only this package calls them.
 */
public final class SystemMessages {

    private static final int MESSAGE_CAPACITY_CHARS = 512;

    private SystemMessages() {
    }

    /** @return the system's text for {@code errorCode}, or null if it has none or the DLL is not loaded */
    public static String of(int errorCode) {
        if (!NativeLibraryLoader.isLoaded()) {
            return null;
        }
        NativeRegion buffer = NativeRegion.allocate(2 * MESSAGE_CAPACITY_CHARS);
        try {
            int length = Win32Port.formatMessage0(errorCode, buffer.address(), MESSAGE_CAPACITY_CHARS);
            return length > 0 ? NativeMemory.getUtf16(buffer.memory(), 0, length) : null;
        } finally {
            Reference.reachabilityFence(buffer); // the memory must outlive the call
        }
    }
}
