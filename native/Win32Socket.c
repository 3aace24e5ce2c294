/*
 * Winsock sockets for the port: socket, bind, listen, AcceptEx (+ GetAcceptExSockaddrs and the accept
 * context), ConnectEx (+ the connect context), WSARecv/WSASend over WSABUF arrays, shutdown, options,
 * addresses, close. Results are >= 0 or -WSAGetLastError() read on the next line. The extension functions
 * are looked up once, in startup0, and published through an INIT_ONCE.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mswsock.h>
#include <stddef.h>

#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32Socket.h"

#define S(name) org_iocp4j_internal_windows_Win32Socket_##name

_Static_assert(S(AF_INET) == AF_INET, "Win32Socket.AF_INET");
_Static_assert(S(AF_INET6) == AF_INET6, "Win32Socket.AF_INET6");
_Static_assert(S(SOCK_STREAM) == SOCK_STREAM, "Win32Socket.SOCK_STREAM");
_Static_assert(S(IPPROTO_TCP) == IPPROTO_TCP, "Win32Socket.IPPROTO_TCP");
_Static_assert(S(SD_RECEIVE) == SD_RECEIVE, "Win32Socket.SD_RECEIVE");
_Static_assert(S(SD_SEND) == SD_SEND, "Win32Socket.SD_SEND");
_Static_assert(S(SD_BOTH) == SD_BOTH, "Win32Socket.SD_BOTH");
_Static_assert(S(SOCKADDR_IN_SIZE) == sizeof(struct sockaddr_in), "Win32Socket.SOCKADDR_IN_SIZE");
_Static_assert(S(SOCKADDR_IN6_SIZE) == sizeof(struct sockaddr_in6), "Win32Socket.SOCKADDR_IN6_SIZE");
_Static_assert(S(SOCKADDR_FAMILY) == offsetof(struct sockaddr_in, sin_family), "Win32Socket.SOCKADDR_FAMILY");
_Static_assert(S(SOCKADDR_PORT) == offsetof(struct sockaddr_in, sin_port), "Win32Socket.SOCKADDR_PORT");
_Static_assert(S(SOCKADDR_PORT) == offsetof(struct sockaddr_in6, sin6_port), "Win32Socket.SOCKADDR_PORT (IPv6)");
_Static_assert(S(SOCKADDR_IN_ADDR) == offsetof(struct sockaddr_in, sin_addr), "Win32Socket.SOCKADDR_IN_ADDR");
_Static_assert(S(SOCKADDR_IN6_FLOWINFO) == offsetof(struct sockaddr_in6, sin6_flowinfo), "Win32Socket.SOCKADDR_IN6_FLOWINFO");
_Static_assert(S(SOCKADDR_IN6_ADDR) == offsetof(struct sockaddr_in6, sin6_addr), "Win32Socket.SOCKADDR_IN6_ADDR");
_Static_assert(S(SOCKADDR_IN6_SCOPE_ID) == offsetof(struct sockaddr_in6, sin6_scope_id), "Win32Socket.SOCKADDR_IN6_SCOPE_ID");
_Static_assert(S(SOCKADDR_CAPACITY) >= sizeof(struct sockaddr_in6), "Win32Socket.SOCKADDR_CAPACITY");
_Static_assert(S(WSABUF_SIZE) == sizeof(WSABUF), "Win32Socket.WSABUF_SIZE");
_Static_assert(S(WSABUF_LEN) == offsetof(WSABUF, len), "Win32Socket.WSABUF_LEN");
_Static_assert(S(WSABUF_BUF) == offsetof(WSABUF, buf), "Win32Socket.WSABUF_BUF");
_Static_assert(S(SOL_SOCKET) == SOL_SOCKET, "Win32Socket.SOL_SOCKET");
_Static_assert(S(SO_REUSEADDR) == SO_REUSEADDR, "Win32Socket.SO_REUSEADDR");
_Static_assert(S(SO_KEEPALIVE) == SO_KEEPALIVE, "Win32Socket.SO_KEEPALIVE");
_Static_assert(S(SO_SNDBUF) == SO_SNDBUF, "Win32Socket.SO_SNDBUF");
_Static_assert(S(SO_RCVBUF) == SO_RCVBUF, "Win32Socket.SO_RCVBUF");
_Static_assert(S(SO_EXCLUSIVEADDRUSE) == SO_EXCLUSIVEADDRUSE, "Win32Socket.SO_EXCLUSIVEADDRUSE");
_Static_assert(S(TCP_NODELAY) == TCP_NODELAY, "Win32Socket.TCP_NODELAY");
_Static_assert(S(IPPROTO_IPV6) == IPPROTO_IPV6, "Win32Socket.IPPROTO_IPV6");
_Static_assert(S(IPV6_V6ONLY) == IPV6_V6ONLY, "Win32Socket.IPV6_V6ONLY");

/* Each of AcceptEx's two address slots: the address plus the 16 bytes AcceptEx requires. */
#define ACCEPT_SLOT ((DWORD) S(SOCKADDR_CAPACITY) + 16)
_Static_assert(S(ACCEPT_ADDRESSES_SIZE) == 2 * (S(SOCKADDR_CAPACITY) + 16), "Win32Socket.ACCEPT_ADDRESSES_SIZE");

#define SOCKET_OF(s) ((SOCKET) (uintptr_t) (s))

static INIT_ONCE started = INIT_ONCE_STATIC_INIT;
static int startup_error;
static LPFN_ACCEPTEX accept_ex;
static LPFN_CONNECTEX connect_ex;
static LPFN_GETACCEPTEXSOCKADDRS get_accept_ex_sockaddrs;

static int lookup(SOCKET s, GUID guid, void *fn, DWORD size) {
    DWORD got = 0;
    if (WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof guid, fn, size, &got, NULL, NULL) != 0) {
        return WSAGetLastError();
    }
    return 0;
}

static BOOL CALLBACK start_once(PINIT_ONCE once, PVOID parameter, PVOID *context) {
    UNUSED(once);
    UNUSED(parameter);
    UNUSED(context);
    WSADATA data;
    int r = WSAStartup(MAKEWORD(2, 2), &data);
    if (r != 0) {
        startup_error = r;
        return TRUE;
    }
    SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    if (s == INVALID_SOCKET) {
        startup_error = WSAGetLastError();
        return TRUE;
    }
    GUID accept_guid = WSAID_ACCEPTEX;
    GUID connect_guid = WSAID_CONNECTEX;
    GUID sockaddrs_guid = WSAID_GETACCEPTEXSOCKADDRS;
    startup_error = lookup(s, accept_guid, &accept_ex, sizeof accept_ex);
    if (startup_error == 0) {
        startup_error = lookup(s, connect_guid, &connect_ex, sizeof connect_ex);
    }
    if (startup_error == 0) {
        startup_error = lookup(s, sockaddrs_guid, &get_accept_ex_sockaddrs, sizeof get_accept_ex_sockaddrs);
    }
    closesocket(s);
    return TRUE;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_startup0(JNIEnv *env, jclass cls) {
    UNUSED(env);
    UNUSED(cls);
    InitOnceExecuteOnce(&started, start_once, NULL, NULL);
    return -(jint) startup_error;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Socket_socket0(JNIEnv *env, jclass cls, jint family) {
    UNUSED(env);
    UNUSED(cls);
    SOCKET s = WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
        return -(jlong) WSAGetLastError();
    }
    return (jlong) s;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_bind0(JNIEnv *env, jclass cls, jlong s, jlong addr, jint len) {
    UNUSED(env);
    UNUSED(cls);
    if (bind(SOCKET_OF(s), (const struct sockaddr *) (intptr_t) addr, len) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_listen0(JNIEnv *env, jclass cls, jlong s, jint backlog) {
    UNUSED(env);
    UNUSED(cls);
    if (listen(SOCKET_OF(s), backlog) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_acceptEx0(JNIEnv *env, jclass cls, jlong listener,
                                                                      jlong accepted, jlong addresses, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    DWORD received = 0;
    if (!accept_ex(SOCKET_OF(listener), SOCKET_OF(accepted), (PVOID) (intptr_t) addresses, 0, ACCEPT_SLOT, ACCEPT_SLOT,
                   &received, (LPOVERLAPPED) (intptr_t) overlapped)) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_acceptExSockaddrs0(JNIEnv *env, jclass cls, jlong addresses,
                                                                               jlong local_out, jlong remote_out) {
    UNUSED(env);
    UNUSED(cls);
    struct sockaddr *local = NULL;
    struct sockaddr *remote = NULL;
    int local_len = 0;
    int remote_len = 0;
    get_accept_ex_sockaddrs((PVOID) (intptr_t) addresses, 0, ACCEPT_SLOT, ACCEPT_SLOT, &local, &local_len, &remote,
                            &remote_len);
    if (local == NULL || remote == NULL || local_len > S(SOCKADDR_CAPACITY) || remote_len > S(SOCKADDR_CAPACITY)
        || local_len <= 0 || remote_len <= 0) {
        return -ERROR_INVALID_PARAMETER;
    }
    memcpy((void *) (intptr_t) local_out, local, (size_t) local_len);
    memcpy((void *) (intptr_t) remote_out, remote, (size_t) remote_len);
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_updateAcceptContext0(JNIEnv *env, jclass cls, jlong accepted,
                                                                                 jlong listener) {
    UNUSED(env);
    UNUSED(cls);
    SOCKET l = SOCKET_OF(listener);
    if (setsockopt(SOCKET_OF(accepted), SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (const char *) &l, sizeof l) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_connectEx0(JNIEnv *env, jclass cls, jlong s, jlong addr,
                                                                       jint len, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    if (!connect_ex(SOCKET_OF(s), (const struct sockaddr *) (intptr_t) addr, len, NULL, 0, NULL,
                    (LPOVERLAPPED) (intptr_t) overlapped)) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_updateConnectContext0(JNIEnv *env, jclass cls, jlong s) {
    UNUSED(env);
    UNUSED(cls);
    if (setsockopt(SOCKET_OF(s), SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Socket_recv0(JNIEnv *env, jclass cls, jlong s, jlong bufs,
                                                                    jint count, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    DWORD received = 0;
    DWORD flags = 0;
    if (WSARecv(SOCKET_OF(s), (LPWSABUF) (intptr_t) bufs, (DWORD) count, &received, &flags,
                (LPWSAOVERLAPPED) (intptr_t) overlapped, NULL) != 0) {
        return -(jlong) WSAGetLastError();
    }
    return (jlong) received;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Socket_send0(JNIEnv *env, jclass cls, jlong s, jlong bufs,
                                                                    jint count, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    DWORD sent = 0;
    if (WSASend(SOCKET_OF(s), (LPWSABUF) (intptr_t) bufs, (DWORD) count, &sent, 0,
                (LPWSAOVERLAPPED) (intptr_t) overlapped, NULL) != 0) {
        return -(jlong) WSAGetLastError();
    }
    return (jlong) sent;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_shutdown0(JNIEnv *env, jclass cls, jlong s, jint how) {
    UNUSED(env);
    UNUSED(cls);
    if (shutdown(SOCKET_OF(s), how) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_close0(JNIEnv *env, jclass cls, jlong s) {
    UNUSED(env);
    UNUSED(cls);
    if (closesocket(SOCKET_OF(s)) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_setOption0(JNIEnv *env, jclass cls, jlong s, jint level,
                                                                       jint name, jint value) {
    UNUSED(env);
    UNUSED(cls);
    int v = value;
    if (setsockopt(SOCKET_OF(s), level, name, (const char *) &v, sizeof v) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Socket_getOption0(JNIEnv *env, jclass cls, jlong s, jint level,
                                                                        jint name) {
    UNUSED(env);
    UNUSED(cls);
    int v = 0;
    int len = sizeof v;
    if (getsockopt(SOCKET_OF(s), level, name, (char *) &v, &len) != 0) {
        return -(jlong) WSAGetLastError();
    }
    /* BOOL options may come back as one byte (TCP_NODELAY): only the bytes written count. */
    if (len == 1) {
        v &= 0xff;
    }
    return (jlong) (unsigned int) v;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_setLinger0(JNIEnv *env, jclass cls, jlong s, jint onoff,
                                                                       jint seconds) {
    UNUSED(env);
    UNUSED(cls);
    struct linger l;
    l.l_onoff = (u_short) onoff;
    l.l_linger = (u_short) seconds;
    if (setsockopt(SOCKET_OF(s), SOL_SOCKET, SO_LINGER, (const char *) &l, sizeof l) != 0) {
        return -(jint) WSAGetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_localAddress0(JNIEnv *env, jclass cls, jlong s, jlong out) {
    UNUSED(env);
    UNUSED(cls);
    int len = S(SOCKADDR_CAPACITY);
    if (getsockname(SOCKET_OF(s), (struct sockaddr *) (intptr_t) out, &len) != 0) {
        return -(jint) WSAGetLastError();
    }
    return len;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Socket_remoteAddress0(JNIEnv *env, jclass cls, jlong s, jlong out) {
    UNUSED(env);
    UNUSED(cls);
    int len = S(SOCKADDR_CAPACITY);
    if (getpeername(SOCKET_OF(s), (struct sockaddr *) (intptr_t) out, &len) != 0) {
        return -(jint) WSAGetLastError();
    }
    return len;
}
