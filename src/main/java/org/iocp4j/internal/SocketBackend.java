package org.iocp4j.internal;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.iocp4j.internal.windows.Win32Socket;

/**
 * What {@code org.iocp4j.io}'s sockets need from a platform, shaped after Winsock's overlapped calls:
 * Winsock with {@code AcceptEx}/{@code ConnectEx} on Windows ({@code NativeSockets}), NIO elsewhere
 * ({@code PortableSockets}, where readiness is turned into completions).
 *
 * <p>Every call returns as the natives do: {@code >= 0} the value, {@code < 0} {@code -error} with a
 * Win32/Winsock code (the portable backend uses the same codes for the same conditions). For the
 * overlapped calls ({@link #accept}, {@link #connect}, {@link #recv}, {@link #send}): {@code >= 0}
 * completed at once (a packet still comes unless the handle skips the port on success), {@code -997}
 * pending (a packet comes), any other negative value failed at once and no packet comes. The packet of an
 * overlapped call goes to the port the socket is associated with, with its key and the OVERLAPPED's
 * address, and carries the Win32 code of the outcome. {@link #recv} and {@link #send} read or write the
 * buffers' {@code [position, limit)} without moving positions: the completion does that.
 */
public interface SocketBackend {

    /** A new overlapped TCP socket of {@link Win32Socket#AF_INET} or {@link Win32Socket#AF_INET6}: its handle, or -error. */
    long socket(int family);

    /** Binds (port 0: any free port): 0 or -error (10048 in use, 10049 not this machine's address). */
    int bind(long socket, InetSocketAddress local);

    /** Listens: 0 or -error. */
    int listen(long socket, int backlog);

    /**
     * {@code AcceptEx}: accepts the next connection on {@code listener} into {@code accepted}, a fresh
     * socket of the same family; {@code addresses} is {@link Win32Socket#ACCEPT_ADDRESSES_SIZE} bytes of
     * native memory the call writes (kept until {@link #finishAccept}).
     */
    int accept(long listener, long accepted, long addresses, long overlapped);

    /**
     * After an accept's successful packet: {@code SO_UPDATE_ACCEPT_CONTEXT} and the two addresses,
     * {@code [local, remote]}; null with {@code errors[0]} set on failure.
     */
    InetSocketAddress[] finishAccept(long listener, long accepted, long addresses, int[] errors);

    /** {@code ConnectEx} of a bound socket (bind it to the wildcard address, port 0, first). */
    int connect(long socket, InetSocketAddress remote, long overlapped);

    /** After a connect's successful packet: {@code SO_UPDATE_CONNECT_CONTEXT}: 0 or -error. */
    int finishConnect(long socket);

    /**
     * {@code WSARecv} into the buffers' remaining bytes (scatter). Zero remaining bytes in all of them is a
     * zero-byte read: it completes, with 0, when data arrives (or the stream ends), pinning no buffer.
     * At end of stream a read with room completes with 0 bytes.
     */
    long recv(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped);

    /** {@code WSASend} of the buffers' remaining bytes (gather). */
    long send(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped);

    /** {@code shutdown} with {@link Win32Socket#SD_SEND}, {@link Win32Socket#SD_RECEIVE} or {@link Win32Socket#SD_BOTH}: 0 or -error. */
    int shutdown(long socket, int how);

    /**
     * Sets an {@code int} option, {@code (level, name)} as Winsock defines them ({@link Win32Socket#SOL_SOCKET}
     * with {@link Win32Socket#SO_RCVBUF}, {@link Win32Socket#IPPROTO_TCP} with {@link Win32Socket#TCP_NODELAY},
     * ...): 0 or -error.
     */
    int setOption(long socket, int level, int name, int value);

    /** Reads an {@code int} option: its value (never negative) or -error. */
    long getOption(long socket, int level, int name);

    /** {@code SO_LINGER}; {@code (true, 0)} makes close reset the connection: 0 or -error. */
    int setLinger(long socket, boolean on, int seconds);

    /** {@code getsockname}, or null with {@code errors[0]} set. */
    InetSocketAddress localAddress(long socket, int[] errors);

    /** {@code getpeername}, or null with {@code errors[0]} set. */
    InetSocketAddress remoteAddress(long socket, int[] errors);

    /** {@code CancelIoEx}: 0 if something was cancelled, else -error (-1168 when nothing matched); 0 = every operation. */
    int cancel(long socket, long overlapped);

    /**
     * {@code closesocket}: 0 or -error. Operations still pending complete with an abort code (995 here;
     * Windows gives 995 or 1236, Wine 676).
     */
    int close(long socket);
}
