package org.iocp4j.internal.windows;

import java.lang.annotation.Native;

/**
 * The JNI natives of {@code native/Win32Socket.c}: Winsock sockets with the extension functions
 * ({@code AcceptEx}, {@code ConnectEx}, {@code GetAcceptExSockaddrs}), primitives only.
 *
 * <p>Results as in {@link Win32File}: {@code >= 0} the value, {@code -997} ({@code WSA_IO_PENDING})
 * a packet will come, any other negative value {@code -WSAGetLastError()} (read in C right after the
 * call) and no packet. Socket addresses travel as {@code (address, length)} of a {@code SOCKADDR_IN} or
 * {@code SOCKADDR_IN6} that Java writes and reads at the offsets below; buffer lists as an array of
 * {@code WSABUF}.
 */
public final class Win32Socket {

    @Native public static final int AF_INET = 2;
    @Native public static final int AF_INET6 = 23;
    @Native public static final int SOCK_STREAM = 1;
    @Native public static final int IPPROTO_TCP = 6;
    @Native public static final int SD_RECEIVE = 0;
    @Native public static final int SD_SEND = 1;
    @Native public static final int SD_BOTH = 2;

    /* struct sockaddr_in  { u16 sin_family; u16 sin_port (big-endian); u8 sin_addr[4]; u8 zero[8]; }  16 bytes
     * struct sockaddr_in6 { u16 family; u16 port (big-endian); u32 flowinfo; u8 addr[16]; u32 scope_id; } 28 bytes */
    @Native public static final int SOCKADDR_IN_SIZE = 16;
    @Native public static final int SOCKADDR_IN6_SIZE = 28;
    @Native public static final int SOCKADDR_FAMILY = 0;
    @Native public static final int SOCKADDR_PORT = 2;
    @Native public static final int SOCKADDR_IN_ADDR = 4;
    @Native public static final int SOCKADDR_IN6_FLOWINFO = 4;
    @Native public static final int SOCKADDR_IN6_ADDR = 8;
    @Native public static final int SOCKADDR_IN6_SCOPE_ID = 24;
    /** Room for either address (a {@code SOCKADDR_STORAGE} would be 128; 32 is enough for IPv4 and IPv6). */
    @Native public static final int SOCKADDR_CAPACITY = 32;

    /* typedef struct _WSABUF { ULONG len; CHAR *buf; } WSABUF;  16 bytes on x64 */
    @Native public static final int WSABUF_SIZE = 16;
    @Native public static final int WSABUF_LEN = 0;
    @Native public static final int WSABUF_BUF = 8;

    /**
     * Bytes {@link #acceptEx0} needs at {@code addressesAddress}: for each of the local and remote address,
     * {@link #SOCKADDR_CAPACITY} plus the 16 bytes {@code AcceptEx} requires.
     */
    @Native public static final int ACCEPT_ADDRESSES_SIZE = 2 * (SOCKADDR_CAPACITY + 16);

    // Options for setOption0/getOption0: (level, name) pairs as Winsock defines them.
    @Native public static final int SOL_SOCKET = 0xffff;
    @Native public static final int SO_REUSEADDR = 0x0004;
    @Native public static final int SO_KEEPALIVE = 0x0008;
    @Native public static final int SO_SNDBUF = 0x1001;
    @Native public static final int SO_RCVBUF = 0x1002;
    @Native public static final int SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
    @Native public static final int TCP_NODELAY = 0x0001;
    @Native public static final int IPPROTO_IPV6 = 41;
    @Native public static final int IPV6_V6ONLY = 27;

    private Win32Socket() {
    }

    /**
     * {@code WSAStartup(2.2)} and the extension function pointers ({@code AcceptEx}, {@code ConnectEx},
     * {@code GetAcceptExSockaddrs}, looked up once through {@code WSAIoctl}): 0 or -error. Idempotent.
     */
    static native int startup0();

    /**
     * {@code WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED |
     * WSA_FLAG_NO_HANDLE_INHERIT)}: the socket or -error.
     */
    static native long socket0(int family);

    /** {@code bind}: 0 or -error (10048 address in use). */
    static native int bind0(long socket, long sockaddrAddress, int sockaddrLength);

    /** {@code listen}: 0 or -error. */
    static native int listen0(long socket, int backlog);

    /**
     * {@code AcceptEx(listener, accepted, addresses, 0, SOCKADDR_CAPACITY + 16, SOCKADDR_CAPACITY + 16,
     * &local, overlapped)}, receiving no data: 0 when it completed at once, -997 pending, or -error.
     */
    static native int acceptEx0(long listener, long accepted, long addressesAddress, long overlapped);

    /**
     * {@code GetAcceptExSockaddrs} over an accept's {@code addressesAddress}: copies the local address to
     * {@code localOut} and the remote one to {@code remoteOut} ({@link #SOCKADDR_CAPACITY} bytes each).
     * 0 or -error (87 when an address does not fit).
     */
    static native int acceptExSockaddrs0(long addressesAddress, long localOut, long remoteOut);

    /** {@code setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, &listener)}: 0 or -error. */
    static native int updateAcceptContext0(long accepted, long listener);

    /**
     * {@code ConnectEx(socket, sockaddr, length, NULL, 0, NULL, overlapped)} on a bound socket: 0 when it
     * completed at once, -997 pending, or -error (10061 refused comes in the packet as 1225).
     */
    static native int connectEx0(long socket, long sockaddrAddress, int sockaddrLength, long overlapped);

    /** {@code setsockopt(socket, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0)}: 0 or -error. */
    static native int updateConnectContext0(long socket);

    /**
     * {@code WSARecv(socket, wsabufs, count, &local, &flags(0), overlapped, NULL)}: bytes (0 at end of
     * stream), -997 pending, or -error (10054 reset).
     */
    static native long recv0(long socket, long wsabufsAddress, int count, long overlapped);

    /** {@code WSASend(socket, wsabufs, count, &local, 0, overlapped, NULL)}: bytes, -997 pending, or -error. */
    static native long send0(long socket, long wsabufsAddress, int count, long overlapped);

    /** {@code shutdown(socket, how)}: 0 or -error. */
    static native int shutdown0(long socket, int how);

    /** {@code closesocket}: 0 or -error. */
    static native int close0(long socket);

    /** {@code setsockopt} of an {@code int} (or {@code BOOL}) option: 0 or -error. */
    static native int setOption0(long socket, int level, int name, int value);

    /** {@code getsockopt} of an {@code int} (or {@code BOOL}) option: its value (never negative) or -error. */
    static native long getOption0(long socket, int level, int name);

    /** {@code setsockopt(SO_LINGER, {onoff, seconds})}; {@code (1, 0)} makes close reset the connection. */
    static native int setLinger0(long socket, int onoff, int seconds);

    /** {@code getsockname} into {@link #SOCKADDR_CAPACITY} bytes at {@code out}: the length or -error. */
    static native int localAddress0(long socket, long out);

    /** {@code getpeername} into {@link #SOCKADDR_CAPACITY} bytes at {@code out}: the length or -error. */
    static native int remoteAddress0(long socket, long out);
}
