/*
 * The named-pipe natives (Win32Pipe.c, with Win32File.c's reads and writes): overlapped connect, a client,
 * message mode with a partial read, busy, already connected, a first instance, broken pipe, disconnect.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "io_common.h"
#include "org_iocp4j_internal_windows_Win32File.h"
#include "org_iocp4j_internal_windows_Win32Pipe.h"

#define F(name) org_iocp4j_internal_windows_Win32File_##name
#define P(name) org_iocp4j_internal_windows_Win32Pipe_##name

static port_natives p;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Pipe_createNamedPipe0) create_pipe0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Pipe_connect0) connect0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Pipe_disconnect0) disconnect0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Pipe_setReadMode0) set_read_mode0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Pipe_waitNamedPipe0) wait_pipe0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_createFile0) create_file0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_read0) read0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_write0) write0;

static void load_exports(void) {
    load_port_natives(&p);
    LOAD(create_pipe0, "Java_org_iocp4j_internal_windows_Win32Pipe_createNamedPipe0");
    LOAD(connect0, "Java_org_iocp4j_internal_windows_Win32Pipe_connect0");
    LOAD(disconnect0, "Java_org_iocp4j_internal_windows_Win32Pipe_disconnect0");
    LOAD(set_read_mode0, "Java_org_iocp4j_internal_windows_Win32Pipe_setReadMode0");
    LOAD(wait_pipe0, "Java_org_iocp4j_internal_windows_Win32Pipe_waitNamedPipe0");
    LOAD(create_file0, "Java_org_iocp4j_internal_windows_Win32File_createFile0");
    LOAD(read0, "Java_org_iocp4j_internal_windows_Win32File_read0");
    LOAD(write0, "Java_org_iocp4j_internal_windows_Win32File_write0");
}

static jlong server(const wchar_t *name, int first) {
    return create_pipe0(NULL, NULL, addr_of(name),
                        P(PIPE_ACCESS_DUPLEX) | F(FILE_FLAG_OVERLAPPED) | (first ? P(FILE_FLAG_FIRST_PIPE_INSTANCE) : 0),
                        P(PIPE_TYPE_MESSAGE) | P(PIPE_READMODE_MESSAGE) | P(PIPE_REJECT_REMOTE_CLIENTS), 1, 4096, 4096, 0);
}

/* A client opened as NativePipes.open does: Java's CLIENT_OPEN_FLAGS, and FILE_FLAG_OVERLAPPED as NativeFiles adds. */
static jlong client(const wchar_t *name) {
    return create_file0(NULL, NULL, addr_of(name), F(GENERIC_READ) | F(GENERIC_WRITE), 0, F(OPEN_EXISTING),
                        P(CLIENT_OPEN_FLAGS) | F(FILE_FLAG_OVERLAPPED));
}

/*
 * What a server that took the name first can do with a client's identity: it reads a byte, impersonates the
 * client and asks its thread token's level. Opened with Java's flags, the client allows identification only
 * (SecurityIdentification, 1), never acting as the client (SecurityImpersonation, 2, the default without
 * SECURITY_SQOS_PRESENT). OpenThreadToken(OpenAsSelf = TRUE): an identification token refuses the thread's own
 * access checks.
 */
static void check_client_identification_only(jlong s) {
    if (!run_windows_only_checks()) {
        skip(1, "the client's impersonation level",
             "Wine ignores SECURITY_SQOS_PRESENT: a pipe server always gets SecurityImpersonation (2)");
        return;
    }
    BOOL impersonating = ImpersonateNamedPipeClient((HANDLE) (intptr_t) s);
    DWORD impersonate_error = impersonating ? 0 : GetLastError();
    if (!CHECK(impersonating, "the server impersonates the client (error %lu)", impersonate_error)) {
        return;
    }
    HANDLE token = NULL;
    SECURITY_IMPERSONATION_LEVEL level = SecurityDelegation;
    DWORD size = 0;
    BOOL ok = OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &token)
              && GetTokenInformation(token, TokenImpersonationLevel, &level, sizeof level, &size);
    DWORD error = ok ? 0 : GetLastError();
    if (token != NULL) {
        CloseHandle(token);
    }
    RevertToSelf();
    CHECK(ok && level == SecurityIdentification,
          "the server may identify the client, not act as it: SecurityIdentification (1) (got %d, error %lu)",
          (int) level, error);
}

/* The outcome of an I/O call: its error (0: success) and bytes, at once or from its packet. */
static UINT32 outcome(jlong port, jlong result, OVERLAPPED *o, UINT32 *bytes) {
    /* ERROR_MORE_DATA at once is a warning status: its packet is queued all the same (seen here under Wine;
     * the Java side relies on it). */
    if (result < 0 && result != -997 && result != -234) {
        *bytes = 0;
        return (UINT32) -result;
    }
    iocp4j_dequeue_result r;
    if (!next_packet(&p, port, &r) || r.overlapped != (UINT64) addr_of(o)) {
        CHECK(0, "the operation's own packet comes");
        return 0xffffffff;
    }
    *bytes = r.bytes;
    return r.error;
}

void test_pipe(void) {
    load_exports();
    jlong port = p.create_port0(NULL, NULL, 0);
    wchar_t name[128];
    _snwprintf(name, 128, L"\\\\.\\pipe\\iocp4j-test-%lu-%lu", GetCurrentProcessId(), GetTickCount());
    name[127] = 0;
    UINT32 bytes;

    jlong s = server(name, 1);
    if (!CHECK(s > 0, "createNamedPipe0 makes a first instance (got %lld)", (long long) s)) {
        return;
    }
    p.associate0(NULL, NULL, port, s, 31);
    jlong again = server(name, 1);
    CHECK(again == -5 || again == -231, "a second first instance of the name fails: 5 or 231 (got %lld)", (long long) again);
    static OVERLAPPED connect_o;
    jint cr = connect0(NULL, NULL, s, addr_of(&connect_o));
    CHECK(cr == -997, "an overlapped ConnectNamedPipe goes pending (got %ld)", (long) cr);
    CHECK(wait_pipe0(NULL, NULL, addr_of(name), 1000) == 0, "waitNamedPipe0: an instance is free");
    jlong c = client(name);
    CHECK(c > 0, "a client opens the pipe (got %lld)", (long long) c);
    CHECK(set_read_mode0(NULL, NULL, c, P(PIPE_READMODE_MESSAGE)) == 0, "setReadMode0(message)");
    p.associate0(NULL, NULL, port, c, 32);
    CHECK(outcome(port, cr, &connect_o, &bytes) == 0, "the connect's packet: connected");
    jlong busy = client(name);
    CHECK(busy == -231, "another client: 231, all instances busy (got %lld)", (long long) busy);

    static char hello[] = "hello world";
    static OVERLAPPED write_o, read_o, read2_o;
    CHECK(outcome(port, write0(NULL, NULL, c, addr_of(hello), 11, addr_of(&write_o)), &write_o, &bytes) == 0 && bytes == 11,
          "the client writes an 11-byte message");
    static char part[5];
    static char rest[64];
    UINT32 e = outcome(port, read0(NULL, NULL, s, addr_of(part), sizeof part, addr_of(&read_o)), &read_o, &bytes);
    CHECK(e == 234 && memcmp(part, "hello", 5) == 0, "a 5-byte read of it: ERROR_MORE_DATA (234) with the first part (got %u)", e);
    e = outcome(port, read0(NULL, NULL, s, addr_of(rest), sizeof rest, addr_of(&read2_o)), &read2_o, &bytes);
    CHECK(e == 0 && bytes == 6 && memcmp(rest, " world", 6) == 0, "the next read: the rest of the message (got %u, %u)", e,
          bytes);
    check_client_identification_only(s);

    p.close0(NULL, NULL, c);
    static OVERLAPPED broken_o;
    e = outcome(port, read0(NULL, NULL, s, addr_of(rest), sizeof rest, addr_of(&broken_o)), &broken_o, &bytes);
    CHECK(e == 109, "a read after the client left: 109, broken pipe (got %u)", e);
    CHECK(disconnect0(NULL, NULL, s) == 0, "disconnect0 frees the instance");
    p.close0(NULL, NULL, s);

    /* A client that connects before the server asks: ConnectNamedPipe says 535 and no packet comes. */
    wchar_t name2[140];
    _snwprintf(name2, 140, L"%ls-early", name);
    name2[139] = 0;
    jlong s2 = server(name2, 1);
    jlong c2 = client(name2);
    static OVERLAPPED early_o;
    jint er = connect0(NULL, NULL, s2, addr_of(&early_o));
    CHECK(s2 > 0 && c2 > 0 && er == -535, "a client that came first: ConnectNamedPipe gives 535 (got %ld)", (long) er);
    p.close0(NULL, NULL, c2);
    p.close0(NULL, NULL, s2);
    CHECK(wait_pipe0(NULL, NULL, addr_of(name2), 10) < 0, "waitNamedPipe0 of a pipe that is gone fails");
    p.close0(NULL, NULL, port);
}
