/**
 * The Windows platform ({@code WindowsPlatform}), over Win32 through JNI; not API (public only for
 * {@code org.iocp4j} and its other internal packages). The natives classes ({@code Win32Port},
 * {@code Win32File}, {@code Win32Socket}, {@code Win32Pipe}, {@code Win32Diag}) each have a C file of the
 * same name in {@code native/}; the {@code Native*} classes wrap them as the kernel's completion port and
 * as the file, socket and pipe backends; {@code ProcessCounters} reads the kernel's counters for
 * {@code org.iocp4j.ProcessTelemetry} (which reads it, never the other way round);
 * {@code NativeLibraryLoader} finds and loads the DLL; {@code Wine} says whether it runs under Wine.
 *
 * <p>Rules: only this package declares or calls native methods, and they stay package-private (the
 * natives classes' {@code static final} constants are public: they are Win32's values, which the portable
 * backend speaks too). A native returns {@code >= 0} or {@code -error}; the caller hands a code to
 * {@code org.iocp4j.internal.Errors} for its exception. Moving or renaming a natives class renames its JNI
 * symbols: the C files, the C suite and {@code native/Makefile} follow.
 */
package org.iocp4j.internal.windows;
