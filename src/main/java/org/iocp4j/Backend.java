package org.iocp4j;

/**
 * Which implementation stands behind a {@link CompletionPort}.
 *
 * <p>{@link CompletionPort#open(int)} picks {@link #NATIVE} where the native library loads (Windows
 * x64) and {@link #PORTABLE} elsewhere. The system property {@value Iocp#BACKEND_PROPERTY} overrides
 * the choice: {@code native}, {@code portable} or {@code auto} (the default).
 */
public enum Backend {
    /** The Win32 completion port, through the iocp4j DLL. */
    NATIVE,
    /** A completion port written in Java with Windows' semantics; runs on every platform. */
    PORTABLE
}
