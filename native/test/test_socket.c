/*
 * The socket natives (Win32Socket.c) on loopback: AcceptEx with its addresses and context, ConnectEx,
 * gather/scatter WSASend/WSARecv, a zero-byte read, options, cancel, a peer reset, a listener closed under
 * a pending accept, a refused connect, IPv6.
 */
#include <winsock2.h> /* WSABUF; before windows.h */
#include <stdio.h>
#include <string.h>

#include "io_common.h"
#include "org_iocp4j_internal_windows_Win32Socket.h"

#define S(name) org_iocp4j_internal_windows_Win32Socket_##name

static port_natives p;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_startup0) startup0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_socket0) socket0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_bind0) bind0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_listen0) listen0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_acceptEx0) accept_ex0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_acceptExSockaddrs0) accept_sockaddrs0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_updateAcceptContext0) update_accept0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_connectEx0) connect_ex0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_updateConnectContext0) update_connect0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_recv0) recv0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_send0) send0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_shutdown0) shutdown0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_close0) sclose0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_setOption0) set_option0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_getOption0) get_option0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_setLinger0) set_linger0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_localAddress0) local_address0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Socket_remoteAddress0) remote_address0;

static void load_exports(void) {
    load_port_natives(&p);
    LOAD(startup0, "Java_org_iocp4j_internal_windows_Win32Socket_startup0");
    LOAD(socket0, "Java_org_iocp4j_internal_windows_Win32Socket_socket0");
    LOAD(bind0, "Java_org_iocp4j_internal_windows_Win32Socket_bind0");
    LOAD(listen0, "Java_org_iocp4j_internal_windows_Win32Socket_listen0");
    LOAD(accept_ex0, "Java_org_iocp4j_internal_windows_Win32Socket_acceptEx0");
    LOAD(accept_sockaddrs0, "Java_org_iocp4j_internal_windows_Win32Socket_acceptExSockaddrs0");
    LOAD(update_accept0, "Java_org_iocp4j_internal_windows_Win32Socket_updateAcceptContext0");
    LOAD(connect_ex0, "Java_org_iocp4j_internal_windows_Win32Socket_connectEx0");
    LOAD(update_connect0, "Java_org_iocp4j_internal_windows_Win32Socket_updateConnectContext0");
    LOAD(recv0, "Java_org_iocp4j_internal_windows_Win32Socket_recv0");
    LOAD(send0, "Java_org_iocp4j_internal_windows_Win32Socket_send0");
    LOAD(shutdown0, "Java_org_iocp4j_internal_windows_Win32Socket_shutdown0");
    LOAD(sclose0, "Java_org_iocp4j_internal_windows_Win32Socket_close0");
    LOAD(set_option0, "Java_org_iocp4j_internal_windows_Win32Socket_setOption0");
    LOAD(get_option0, "Java_org_iocp4j_internal_windows_Win32Socket_getOption0");
    LOAD(set_linger0, "Java_org_iocp4j_internal_windows_Win32Socket_setLinger0");
    LOAD(local_address0, "Java_org_iocp4j_internal_windows_Win32Socket_localAddress0");
    LOAD(remote_address0, "Java_org_iocp4j_internal_windows_Win32Socket_remoteAddress0");
}

/* A sockaddr as Java writes it: family, big-endian port, address bytes. */
typedef struct {
    unsigned char bytes[S(SOCKADDR_CAPACITY)];
} sockaddr_block;

static jint ipv4(sockaddr_block *a, const unsigned char ip[4], unsigned port) {
    memset(a, 0, sizeof *a);
    a->bytes[S(SOCKADDR_FAMILY)] = (unsigned char) S(AF_INET);
    a->bytes[S(SOCKADDR_PORT)] = (unsigned char) (port >> 8);
    a->bytes[S(SOCKADDR_PORT) + 1] = (unsigned char) port;
    memcpy(a->bytes + S(SOCKADDR_IN_ADDR), ip, 4);
    return S(SOCKADDR_IN_SIZE);
}

static unsigned port_of(const sockaddr_block *a) {
    return (unsigned) a->bytes[S(SOCKADDR_PORT)] << 8 | a->bytes[S(SOCKADDR_PORT) + 1];
}

static const unsigned char LOOPBACK[4] = {127, 0, 0, 1};
static const unsigned char ANY[4] = {0, 0, 0, 0};

/* Waits for the packet of `o`: 1 and its bytes/error if it came. Other packets met on the way are counted as a failure. */
static int packet_of(jlong port, OVERLAPPED *o, UINT32 *bytes, UINT32 *error, const char *what) {
    iocp4j_dequeue_result r;
    if (!CHECK(next_packet(&p, port, &r), "%s: a packet comes", what)) {
        return 0;
    }
    if (!CHECK(r.overlapped == (UINT64) addr_of(o), "%s: the packet is its own", what)) {
        return 0;
    }
    *bytes = r.bytes;
    *error = r.error;
    return 1;
}

static jlong bound_socket(jint family, const unsigned char ip[4]) {
    jlong s = socket0(NULL, NULL, family);
    sockaddr_block a;
    jint len = ipv4(&a, ip, 0);
    if (s <= 0 || bind0(NULL, NULL, s, addr_of(&a), len) != 0) {
        CHECK(0, "a bound socket (got %lld)", (long long) s);
    }
    return s;
}

static void ipv6_loopback(jlong port) {
    jlong s = socket0(NULL, NULL, S(AF_INET6));
    sockaddr_block a;
    memset(&a, 0, sizeof a);
    a.bytes[S(SOCKADDR_FAMILY)] = (unsigned char) S(AF_INET6);
    a.bytes[S(SOCKADDR_IN6_ADDR) + 15] = 1; /* ::1 */
    if (s <= 0 || bind0(NULL, NULL, s, addr_of(&a), S(SOCKADDR_IN6_SIZE)) != 0 || listen0(NULL, NULL, s, 4) != 0) {
        skip(2, "IPv6 loopback", "no ::1 here");
        if (s > 0) {
            sclose0(NULL, NULL, s);
        }
        return;
    }
    sockaddr_block bound;
    CHECK(local_address0(NULL, NULL, s, addr_of(&bound)) == S(SOCKADDR_IN6_SIZE) && port_of(&bound) != 0,
          "an IPv6 listener on ::1 has a port");
    jlong c = socket0(NULL, NULL, S(AF_INET6));
    sockaddr_block any6;
    memset(&any6, 0, sizeof any6);
    any6.bytes[S(SOCKADDR_FAMILY)] = (unsigned char) S(AF_INET6);
    bind0(NULL, NULL, c, addr_of(&any6), S(SOCKADDR_IN6_SIZE));
    p.associate0(NULL, NULL, port, c, 61);
    static OVERLAPPED o;
    memset(&o, 0, sizeof o);
    jint r = connect_ex0(NULL, NULL, c, addr_of(&bound), S(SOCKADDR_IN6_SIZE), addr_of(&o));
    UINT32 bytes;
    UINT32 error = 1;
    if (r == 0 || r == -997) {
        packet_of(port, &o, &bytes, &error, "ConnectEx over IPv6");
    }
    CHECK(error == 0, "ConnectEx to [::1] connects (error %u)", error);
    sclose0(NULL, NULL, c);
    sclose0(NULL, NULL, s);
}

void test_socket(void) {
    load_exports();
    if (!CHECK(startup0(NULL, NULL) == 0, "startup0: WSAStartup and the extension functions")) {
        return;
    }
    CHECK(startup0(NULL, NULL) == 0, "startup0 twice is fine");
    jlong port = p.create_port0(NULL, NULL, 0);
    UINT32 bytes;
    UINT32 error;

    jlong listener = socket0(NULL, NULL, S(AF_INET));
    sockaddr_block la;
    jint la_len = ipv4(&la, LOOPBACK, 0);
    CHECK(listener > 0 && bind0(NULL, NULL, listener, addr_of(&la), la_len) == 0
          && listen0(NULL, NULL, listener, 16) == 0, "a listener on 127.0.0.1");
    CHECK(local_address0(NULL, NULL, listener, addr_of(&la)) == S(SOCKADDR_IN_SIZE) && port_of(&la) != 0,
          "localAddress0 gives its port (%u)", port_of(&la));
    p.associate0(NULL, NULL, port, listener, 21);

    jlong accepted = socket0(NULL, NULL, S(AF_INET));
    static unsigned char addresses[S(ACCEPT_ADDRESSES_SIZE)];
    static OVERLAPPED accept_o, connect_o;
    jint ar = accept_ex0(NULL, NULL, listener, accepted, addr_of(addresses), addr_of(&accept_o));
    CHECK(ar == -997 || ar == 0, "acceptEx0 goes pending (got %ld)", (long) ar);

    jlong client = bound_socket(S(AF_INET), ANY);
    p.associate0(NULL, NULL, port, client, 22);
    jint cr = connect_ex0(NULL, NULL, client, addr_of(&la), S(SOCKADDR_IN_SIZE), addr_of(&connect_o));
    CHECK(cr == -997 || cr == 0, "connectEx0 goes pending (got %ld)", (long) cr);
    int seen = 0;
    for (int i = 0; i < 2; i++) {
        iocp4j_dequeue_result r;
        if (next_packet(&p, port, &r) && r.error == 0) {
            seen |= r.overlapped == (UINT64) addr_of(&accept_o) ? 1 : r.overlapped == (UINT64) addr_of(&connect_o) ? 2 : 4;
        }
    }
    CHECK(seen == 3, "both the accept's and the connect's packets come, without error (%d)", seen);
    CHECK(update_accept0(NULL, NULL, accepted, listener) == 0, "SO_UPDATE_ACCEPT_CONTEXT");
    CHECK(update_connect0(NULL, NULL, client) == 0, "SO_UPDATE_CONNECT_CONTEXT");
    sockaddr_block local;
    sockaddr_block remote;
    sockaddr_block client_local;
    CHECK(accept_sockaddrs0(NULL, NULL, addr_of(addresses), addr_of(&local), addr_of(&remote)) == 0,
          "acceptExSockaddrs0 copies both addresses");
    local_address0(NULL, NULL, client, addr_of(&client_local));
    CHECK(port_of(&local) == port_of(&la) && port_of(&remote) == port_of(&client_local),
          "the accepted connection's local port is the listener's, its remote port the client's");
    sockaddr_block peer;
    CHECK(remote_address0(NULL, NULL, client, addr_of(&peer)) == S(SOCKADDR_IN_SIZE) && port_of(&peer) == port_of(&la),
          "remoteAddress0 of the client is the listener");
    p.associate0(NULL, NULL, port, accepted, 23);

    /* A zero-byte read waits for data without a buffer; then gather/scatter. */
    static OVERLAPPED zero_o, send_o, recv_o;
    static WSABUF empty[1];
    jlong zr = recv0(NULL, NULL, accepted, addr_of(empty), 1, addr_of(&zero_o));
    CHECK(zr == -997, "a zero-byte WSARecv goes pending with no data (got %lld)", (long long) zr);
    static char abc[] = "abc";
    static char defgh[] = "defgh";
    static WSABUF out[2];
    out[0].len = 3;
    out[0].buf = abc;
    out[1].len = 5;
    out[1].buf = defgh;
    jlong sr = send0(NULL, NULL, client, addr_of(out), 2, addr_of(&send_o));
    CHECK(sr == 8 || sr == -997, "a gather WSASend of 2 buffers (got %lld)", (long long) sr);
    int zero_done = 0;
    int send_done = 0;
    for (int i = 0; i < 2; i++) {
        iocp4j_dequeue_result r;
        if (next_packet(&p, port, &r)) {
            zero_done |= r.overlapped == (UINT64) addr_of(&zero_o) && r.bytes == 0 && r.error == 0;
            send_done |= r.overlapped == (UINT64) addr_of(&send_o) && r.bytes == 8 && r.error == 0;
        }
    }
    CHECK(zero_done && send_done, "the zero-byte read completes with 0 once data is there; the send with 8");
    static char in0[2];
    static char in1[10];
    static WSABUF in[2];
    in[0].len = sizeof in0;
    in[0].buf = in0;
    in[1].len = sizeof in1;
    in[1].buf = in1;
    recv0(NULL, NULL, accepted, addr_of(in), 2, addr_of(&recv_o));
    packet_of(port, &recv_o, &bytes, &error, "scatter WSARecv");
    CHECK(bytes == 8 && memcmp(in0, "ab", 2) == 0 && memcmp(in1, "cdefgh", 6) == 0, "a scatter WSARecv fills both in order");

    /* Options. */
    CHECK(set_option0(NULL, NULL, client, S(IPPROTO_TCP), S(TCP_NODELAY), 1) == 0
          && get_option0(NULL, NULL, client, S(IPPROTO_TCP), S(TCP_NODELAY)) == 1, "TCP_NODELAY round trip");
    CHECK(set_option0(NULL, NULL, client, S(SOL_SOCKET), S(SO_RCVBUF), 65536) == 0
          && get_option0(NULL, NULL, client, S(SOL_SOCKET), S(SO_RCVBUF)) > 0, "SO_RCVBUF round trip");

    /* Cancel one pending receive. */
    static OVERLAPPED cancel_o;
    static char sink[16];
    static WSABUF sinkbuf[1];
    sinkbuf[0].len = sizeof sink;
    sinkbuf[0].buf = sink;
    CHECK(recv0(NULL, NULL, client, addr_of(sinkbuf), 1, addr_of(&cancel_o)) == -997, "a receive with no data is pending");
    CHECK(p.cancel0(NULL, NULL, client, addr_of(&cancel_o)) == 0, "cancel0 finds it");
    packet_of(port, &cancel_o, &bytes, &error, "cancelled receive");
    CHECK(error == 995, "its packet says 995 (got %u)", error);
    CHECK(p.cancel0(NULL, NULL, client, addr_of(&cancel_o)) == -1168, "cancelling it again: 1168, not found");

    /* The peer resets: an abortive close under a pending receive. */
    static OVERLAPPED reset_o;
    recv0(NULL, NULL, client, addr_of(sinkbuf), 1, addr_of(&reset_o));
    CHECK(set_linger0(NULL, NULL, accepted, 1, 0) == 0, "SO_LINGER {1, 0}");
    sclose0(NULL, NULL, accepted);
    packet_of(port, &reset_o, &bytes, &error, "receive under a peer reset");
    CHECK(error == 64 || error == 10054, "a reset peer: 64 or 10054 (got %u)", error);
    sclose0(NULL, NULL, client);

    /* The listener closed under a pending accept, then a connect nobody answers. */
    jlong orphan = socket0(NULL, NULL, S(AF_INET));
    static OVERLAPPED orphan_o, refused_o;
    CHECK(accept_ex0(NULL, NULL, listener, orphan, addr_of(addresses), addr_of(&orphan_o)) == -997, "another accept pending");
    sclose0(NULL, NULL, listener);
    packet_of(port, &orphan_o, &bytes, &error, "accept under a closed listener");
    CHECK(error == 995 || error == 1236 || error == 64, "the pending accept ends with an abort (got %u)", error);
    sclose0(NULL, NULL, orphan);
    jlong late = bound_socket(S(AF_INET), ANY);
    p.associate0(NULL, NULL, port, late, 24);
    jint rr = connect_ex0(NULL, NULL, late, addr_of(&la), S(SOCKADDR_IN_SIZE), addr_of(&refused_o));
    error = (UINT32) -rr;
    if (rr == -997 || rr == 0) {
        packet_of(port, &refused_o, &bytes, &error, "connect to a closed port");
    }
    CHECK(error == 1225 || error == 10061, "a refused connect: 1225 in the packet or 10061 at once (got %u)", error);
    jint sd = shutdown0(NULL, NULL, late, S(SD_SEND));
    CHECK(sd == -10057, "shutdown0 of an unconnected socket: 10057 (got %ld)", (long) sd);
    sclose0(NULL, NULL, late);

    CHECK(sclose0(NULL, NULL, (jlong) 0x7ffffff0) < 0, "closing a socket that is not one fails");
    ipv6_loopback(port);
    p.close0(NULL, NULL, port);
}
