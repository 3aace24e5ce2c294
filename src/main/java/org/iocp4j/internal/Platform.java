package org.iocp4j.internal;

import java.io.IOException;

import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;

/**
 * What iocp4j runs on: its completion port, files, sockets and pipes, and the calls {@code org.iocp4j}
 * makes on any handle. Two implementations: {@code WindowsPlatform} (Win32 through the DLL) and
 * {@code PortablePlatform} (a Java port with Windows' semantics). {@link Platforms#current()} chooses one
 * for a new port; after that everything asks the port's own ({@link #of}), so no code outside the platform
 * classes compares backends.
 *
 * <p>The calls on handles return as the natives do: {@code >= 0} the value, {@code < 0} {@code -error}
 * with a Win32 code (the portable platform uses the same codes for the same conditions).
 */
public interface Platform {

    /** Which backend this is, as the public API names it. */
    Backend backend();

    /**
     * Opens a completion port.
     *
     * @param concurrency the most threads running at once, 0 for the number of processors, never negative
     * @throws UnsatisfiedLinkError if this is the Windows platform and the DLL is not available
     * @throws IOException          if the port cannot be created (an {@code IocpException} with its code)
     */
    CompletionPort openPort(int concurrency) throws IOException;

    /** The files of {@code org.iocp4j.io.OverlappedFile}. */
    FileBackend files();

    /** The sockets of {@code org.iocp4j.io.OverlappedSocket} and {@code OverlappedServerSocket}. */
    SocketBackend sockets();

    /**
     * The named pipes of {@code org.iocp4j.io.NamedPipe}.
     *
     * @throws UnsupportedOperationException where there are none (the portable platform), saying so
     */
    PipeBackend pipes();

    /**
     * {@code CancelIoEx} on whatever handle of this platform: the operation's packet then arrives with 995,
     * {@code ERROR_OPERATION_ABORTED}.
     *
     * @param handle            the file, socket or pipe handle
     * @param overlappedAddress the operation's OVERLAPPED, or 0 for every operation on the handle
     * @return 0 if something was cancelled, else -error: -1168 ({@code ERROR_NOT_FOUND}) when nothing pending
     *         matched, -6 for a handle that is not open
     */
    int cancel(long handle, long overlappedAddress);

    /**
     * Sets {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS} on a handle (irreversible): an operation that completes
     * at once then queues no packet.
     *
     * @return 0 or -error (-6 for a handle that is not open); on the portable platform a socket's receive or
     *         send that succeeds at once then returns its byte count, as on Windows
     */
    int skipCompletionPortOnSuccess(long handle);

    /**
     * The platform a port of iocp4j's runs on.
     *
     * @param port a port {@link CompletionPort#open} (or a platform) opened
     * @return its platform
     * @throws IllegalArgumentException if the port is not one of iocp4j's
     */
    static Platform of(CompletionPort port) {
        if (port instanceof Port) {
            return ((Port) port).platform();
        }
        throw new IllegalArgumentException("not a completion port of iocp4j's: " + port.getClass().getName());
    }

    /** A completion port that knows its platform: both of iocp4j's port classes. */
    interface Port {

        /** The platform that opened the port (a singleton). */
        Platform platform();

        /**
         * Asks that the calling thread's next post to this port, made while it still runs packets it took
         * from here, stay queued for the thread itself rather than wake a waiting thread: the dispatcher
         * calls it before the last callback of a batch, after which the thread polls again, so the packet
         * (the callback's own continuation, typically) runs there without a thread hop. The next poll, a
         * {@link CompletionPort#blocking} call or {@link #releaseKept} ends the keep. Where the kernel
         * releases threads (Windows), it does nothing.
         */
        default void keepNextPost() {
        }

        /**
         * Hands queued packets to waiting threads as the limit allows, including a packet a running thread
         * kept ({@link #keepNextPost}): the dispatcher's gate thread calls it while a callback runs long.
         */
        default void releaseKept() {
        }

        /**
         * About how many packets are queued here now, read without a lock, or -1 where the queue cannot be
         * seen (Windows' kernel port). The dispatcher's task drain asks at the end of each batch: when the
         * port holds nothing but its own wake-ups, it runs its next batch at once instead of posting its
         * wake-up behind them and polling it back. A hint: a packet posted meanwhile waits for the drain's
         * next look, one batch later.
         */
        default int queuedPacketsHint() {
            return -1;
        }
    }
}
