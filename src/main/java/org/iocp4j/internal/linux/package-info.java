/**
 * Linux system calls for the portable backend's files, through {@code libiocp4j.so}; not API (public only
 * for {@code org.iocp4j.internal.portable} and diagnostics). The natives classes ({@code LinuxFile},
 * {@code LinuxMemory}) each have a C file of the same name in {@code native/linux/}; {@code LinuxLibrary}
 * finds and loads the library (or says why not: the portable backend then falls back to NIO);
 * {@code LinuxErrors} maps errno values to the Win32 codes the backends speak.
 *
 * <p>Rules: only this package declares native methods, and they stay package-private, wrapped by public
 * static methods of the same class; a native returns {@code >= 0} or {@code -errno}. Moving or renaming a
 * natives class renames its JNI symbols: the C files, the C suite and {@code native/linux/Makefile} follow.
 */
package org.iocp4j.internal.linux;
