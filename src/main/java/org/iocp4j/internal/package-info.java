/**
 * The implementation's shared core, not API (public only so {@code org.iocp4j} and {@code org.iocp4j.io}
 * can reach it; it may change in any release): the platform SPI ({@code Platform}, with the
 * {@code FileBackend}, {@code SocketBackend} and {@code PipeBackend} it hands out) and the one place a
 * platform is chosen ({@code Platforms}); the one class that turns error codes into exceptions
 * ({@code Errors}) and the codes' names and text ({@code Win32Errors}); what both completion ports share
 * ({@code PortSupport}); off-heap memory: direct buffers and their addresses ({@code NativeRegion}) and
 * every read or write of them ({@code NativeMemory}); the off-heap layouts asserted in C
 * ({@code Win32Layout}); socket address encoding; log rate limiting.
 *
 * <p>Rules: the platforms live in {@code internal.windows} and {@code internal.portable}, the dispatcher's
 * engine in {@code internal.dispatch}, the lock-free rings in {@code internal.concurrent}; what stays here
 * serves more than one of them. Only {@code Platforms} reads the backend property, and nothing outside the
 * two platform classes names a {@code Backend} value: everything else asks a port for its platform
 * ({@code Platform.of(port)}). A call on a handle returns {@code >= 0} or {@code -error}; only
 * {@code Errors} makes an exception of a code, on both platforms. The ports fill the public holders
 * through {@code PortSupport}, never through helpers of the public API. Nothing here declares or calls a
 * native method (a region's real address comes from {@code internal.windows}), and every off-heap read or
 * write goes through {@code NativeMemory}, never {@code sun.misc.Unsafe}.
 */
package org.iocp4j.internal;
