/**
 * The engine behind {@link org.iocp4j.IoDispatcher}: the slab of OVERLAPPED slots that routes each
 * completion back to its {@link org.iocp4j.NativeOverlapped}, and the pool of I/O threads that dequeue
 * and dispatch. Not API (public only for {@code org.iocp4j}).
 *
 * <p>Rules: only the dispatcher and its overlapped types use this package, and nothing here asks which
 * backend runs.
 */
package org.iocp4j.internal.dispatch;
