/**
 * The implementation's shared core, not API (public only so {@code org.iocp4j} and {@code org.iocp4j.io}
 * can reach it; it may change in any release): the platform SPIs both backends implement
 * ({@code FileBackend}, {@code SocketBackend}), all raw memory access ({@code NativeMemory}), the
 * off-heap layouts asserted in C ({@code Win32Layout}), Win32 error codes and their text
 * ({@code Win32Errors}), socket address encoding, and log rate limiting.
 *
 * <p>Rules: the backends live in {@code internal.windows} and {@code internal.portable}, the dispatcher's
 * engine in {@code internal.dispatch}, the lock-free rings in {@code internal.concurrent}; what stays
 * here serves more than one of them. Nothing here declares or calls a native method, and every off-heap
 * read or write goes through {@code NativeMemory}.
 */
package org.iocp4j.internal;
