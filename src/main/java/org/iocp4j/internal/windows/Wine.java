package org.iocp4j.internal.windows;

import java.lang.ref.Reference;
import java.util.Optional;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;

/**
 * Whether the DLL runs under Wine, and which. Wine carries the Win32 API faithfully for most of what
 * iocp4j does, but not all of it (no concurrency limit, FIFO release of waiters, no synchronous file
 * completion, stub pool counters): tests skip what it cannot show by name, with the reason, and stay
 * strict on Windows. Asked once, through the DLL ({@code wine_get_version} in ntdll).
 */
public final class Wine {

    private static final int CAPACITY = 64;
    private static final Optional<String> VERSION = ask();

    private Wine() {
    }

    /** @return Wine's version ("8.0"), or empty on Windows and wherever the DLL is not loaded */
    public static Optional<String> version() {
        return VERSION;
    }

    /** @return whether this process runs under Wine */
    public static boolean detected() {
        return VERSION.isPresent();
    }

    private static Optional<String> ask() {
        if (!NativeLibraryLoader.isLoaded()) {
            return Optional.empty();
        }
        NativeRegion buffer = NativeRegion.allocate(CAPACITY);
        try {
            int n = Win32Diag.wineVersion0(buffer.address(), CAPACITY);
            if (n <= 0) {
                return Optional.empty();
            }
            StringBuilder sb = new StringBuilder(n);
            for (int i = 0; i < n; i++) {
                sb.append((char) (NativeMemory.getByte(buffer.memory(), i) & 0xFF));
            }
            return Optional.of(sb.toString());
        } finally {
            Reference.reachabilityFence(buffer); // the memory must outlive the call
        }
    }
}
