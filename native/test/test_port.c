/*
 * The completion port natives (Win32Port.c), called through the DLL's own exports with env = NULL.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32Port.h"

#define P(name) org_iocp4j_internal_windows_Win32Port_##name
#define ERROR_ABANDONED_WAIT 735

static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_abiVersion0) abi_version0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_createPort0) create_port0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_associate0) associate0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_post0) post0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_dequeue0) dequeue0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_dequeueBatch0) dequeue_batch0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_cancel0) cancel0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_close0) close0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_formatMessage0) format_message0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_queueDepth0) queue_depth0;

static jlong address(const void *p) {
    return (jlong) (intptr_t) p;
}

static jlong new_port(jint concurrency) {
    jlong port = create_port0(NULL, NULL, concurrency);
    if (port <= 0) {
        CHECK(0, "createPort0(%ld) = %lld", (long) concurrency, (long long) port);
    }
    return port;
}

static void load_exports(void) {
    LOAD(abi_version0, "Java_org_iocp4j_internal_windows_Win32Port_abiVersion0");
    LOAD(create_port0, "Java_org_iocp4j_internal_windows_Win32Port_createPort0");
    LOAD(associate0, "Java_org_iocp4j_internal_windows_Win32Port_associate0");
    LOAD(post0, "Java_org_iocp4j_internal_windows_Win32Port_post0");
    LOAD(dequeue0, "Java_org_iocp4j_internal_windows_Win32Port_dequeue0");
    LOAD(dequeue_batch0, "Java_org_iocp4j_internal_windows_Win32Port_dequeueBatch0");
    LOAD(cancel0, "Java_org_iocp4j_internal_windows_Win32Port_cancel0");
    LOAD(close0, "Java_org_iocp4j_internal_windows_Win32Port_close0");
    LOAD(format_message0, "Java_org_iocp4j_internal_windows_Win32Port_formatMessage0");
    LOAD(queue_depth0, "Java_org_iocp4j_internal_windows_Win32Port_queueDepth0");
}

static void abi_and_create(void) {
    CHECK(abi_version0(NULL, NULL) == P(ABI_VERSION), "abiVersion0 reports the ABI the headers declare");
    jlong any = create_port0(NULL, NULL, 0);
    CHECK(any > 0, "createPort0(0) returns a handle");
    jlong one = create_port0(NULL, NULL, 1);
    CHECK(one > 0 && one != any, "createPort0(1) returns another handle");
    CHECK(close0(NULL, NULL, any) == 0 && close0(NULL, NULL, one) == 0, "close0 of both ports returns 0");
}

static void post_and_dequeue(void) {
    jlong port = new_port(1);
    iocp4j_dequeue_result r;
    memset(&r, 0xAB, sizeof r);
    CHECK(post0(NULL, NULL, port, 42, 7, 0x1234) == 0, "post0 returns 0");
    jint outcome = dequeue0(NULL, NULL, port, address(&r), 1000);
    CHECK(outcome == P(DEQUEUE_PACKET), "dequeue0 of a posted packet: DEQUEUE_PACKET (got %ld)", (long) outcome);
    CHECK(r.key == 42 && r.bytes == 7 && r.overlapped == 0x1234 && r.error == 0,
          "the result block holds key 42, 7 bytes, OVERLAPPED 0x1234, error 0 (got %llu, %u, 0x%llx, %u)",
          (unsigned long long) r.key, r.bytes, (unsigned long long) r.overlapped, r.error);

    CHECK(dequeue0(NULL, NULL, port, address(&r), 0) == P(DEQUEUE_TIMEOUT), "dequeue0 on an empty port, 0 ms: timeout");
    DWORD start = GetTickCount();
    CHECK(dequeue0(NULL, NULL, port, address(&r), 30) == P(DEQUEUE_TIMEOUT), "dequeue0 on an empty port, 30 ms: timeout");
    CHECK(GetTickCount() - start < 10000, "a 30 ms timeout returns (watchdog bound, not a timing check)");

    CHECK(post0(NULL, NULL, port, 5, 0, 0) == 0 && dequeue0(NULL, NULL, port, address(&r), 0) == P(DEQUEUE_PACKET)
              && r.overlapped == 0 && r.key == 5,
          "a packet posted without an OVERLAPPED is a success with overlapped 0");
    close0(NULL, NULL, port);
}

static void queue_depth(void) {
    jlong port = new_port(1);
    iocp4j_dequeue_result r;
    CHECK(queue_depth0(NULL, NULL, port) == 0, "queueDepth0 of a new port: 0");
    for (int i = 0; i < 3; i++) {
        post0(NULL, NULL, port, i, 0, 0);
    }
    CHECK(queue_depth0(NULL, NULL, port) == 3, "queueDepth0 after 3 posts: 3 (got %ld)", (long) queue_depth0(NULL, NULL, port));
    dequeue0(NULL, NULL, port, address(&r), 0);
    CHECK(queue_depth0(NULL, NULL, port) == 2, "queueDepth0 after one dequeue: 2");
    close0(NULL, NULL, port);
    jint closed = queue_depth0(NULL, NULL, port);
    CHECK(closed == -ERROR_INVALID_HANDLE, "queueDepth0 of a closed port: -6 (got %ld)", (long) closed);
}

static volatile LONG apcs_run;

static void CALLBACK count_apc(ULONG_PTR unused) {
    (void) unused;
    InterlockedIncrement(&apcs_run);
}

/* WAIT_FOREVER (any negative timeout) is INFINITE: only ever called with a packet already queued. */
static void wait_forever_and_alertable(void) {
    jlong port = new_port(1);
    iocp4j_dequeue_result r;
    OVERLAPPED_ENTRY entries[4];
    post0(NULL, NULL, port, 11, 0, 0);
    CHECK(dequeue0(NULL, NULL, port, address(&r), P(WAIT_FOREVER)) == P(DEQUEUE_PACKET) && r.key == 11,
          "dequeue0 with WAIT_FOREVER returns the queued packet");
    post0(NULL, NULL, port, 12, 0, 0);
    CHECK(dequeue0(NULL, NULL, port, address(&r), -12345) == P(DEQUEUE_PACKET) && r.key == 12,
          "dequeue0 with any negative timeout returns the queued packet");
    post0(NULL, NULL, port, 13, 0, 0);
    jint n = dequeue_batch0(NULL, NULL, port, address(entries), 4, P(WAIT_FOREVER), JNI_FALSE);
    CHECK(n == 1 && entries[0].lpCompletionKey == 13, "dequeueBatch0 with WAIT_FOREVER returns the queued packet");

    /* The alertable flag reaches GetQueuedCompletionStatusEx: an APC runs only in an alertable wait. */
    apcs_run = 0;
    CHECK(QueueUserAPC(count_apc, GetCurrentThread(), 0), "QueueUserAPC to this thread");
    n = dequeue_batch0(NULL, NULL, port, address(entries), 4, 30, JNI_FALSE);
    CHECK(n == 0 && apcs_run == 0, "a non-alertable batch wait times out (0) and runs no APC (got %ld, %ld run)",
          (long) n, (long) apcs_run);
    n = dequeue_batch0(NULL, NULL, port, address(entries), 4, 5000, JNI_TRUE);
    CHECK(n == -(jint) WAIT_IO_COMPLETION && apcs_run == 1,
          "an alertable batch wait runs the APC and returns -192, WAIT_IO_COMPLETION (got %ld, %ld run)",
          (long) n, (long) apcs_run);
    close0(NULL, NULL, port);
}

static void fifo_and_wide_values(void) {
    jlong port = new_port(1);
    iocp4j_dequeue_result r;
    int in_order = 1;
    for (int i = 0; i < 1000; i++) {
        post0(NULL, NULL, port, 1000 + i, i, 0x100000000LL + i);
    }
    for (int i = 0; i < 1000 && in_order; i++) {
        in_order = dequeue0(NULL, NULL, port, address(&r), 0) == P(DEQUEUE_PACKET) && r.key == (UINT64) (1000 + i)
                   && r.bytes == (UINT32) i && r.overlapped == (UINT64) (0x100000000LL + i);
    }
    CHECK(in_order, "1000 packets come out in the order they were posted");

    const UINT64 wide[] = {0x8000000000000001ULL, 0x123456789ABCDEF0ULL, 0xFFFFFFFFFFFFFFFFULL};
    int kept = 1;
    for (int i = 0; i < 3; i++) {
        post0(NULL, NULL, port, (jlong) wide[i], (jint) 0xFFFFFFFFu, (jlong) ~wide[i]);
    }
    for (int i = 0; i < 3; i++) {
        kept &= dequeue0(NULL, NULL, port, address(&r), 0) == P(DEQUEUE_PACKET) && r.key == wide[i]
                && r.overlapped == ~wide[i] && r.bytes == 0xFFFFFFFFu;
    }
    CHECK(kept, "64-bit keys and OVERLAPPED values (top bit set) and 0xFFFFFFFF bytes survive a round trip");
    close0(NULL, NULL, port);
}

static void batches(void) {
    jlong port = new_port(1);
    OVERLAPPED_ENTRY small[4];
    OVERLAPPED_ENTRY large[64];
    for (int i = 0; i < 10; i++) {
        post0(NULL, NULL, port, i, 100 + i, 0x5000 + i);
    }
    int next = 0;
    int ok = 1;
    const int expected[] = {4, 4, 2};
    for (int round = 0; round < 3; round++) {
        memset(small, 0xCD, sizeof small);
        jint n = dequeue_batch0(NULL, NULL, port, address(small), 4, 0, JNI_FALSE);
        ok &= n == expected[round];
        for (int i = 0; i < n; i++, next++) {
            ok &= small[i].lpCompletionKey == (ULONG_PTR) next && small[i].dwNumberOfBytesTransferred == (DWORD) (100 + next)
                  && (uintptr_t) small[i].lpOverlapped == (uintptr_t) (0x5000 + next) && small[i].Internal == 0;
        }
    }
    CHECK(ok && next == 10, "10 packets through a batch of 4: 4, 4, 2, in order, status 0");
    CHECK(dequeue_batch0(NULL, NULL, port, address(small), 4, 0, JNI_FALSE) == 0, "a batch on an empty port, 0 ms: 0");
    CHECK(dequeue_batch0(NULL, NULL, port, address(small), 4, 30, JNI_FALSE) == 0, "a batch on an empty port, 30 ms: 0");
    for (int i = 0; i < 3; i++) {
        post0(NULL, NULL, port, 70 + i, 0, 0);
    }
    jint n = dequeue_batch0(NULL, NULL, port, address(large), 64, 1000, JNI_FALSE);
    CHECK(n == 3 && large[0].lpCompletionKey == 70 && large[2].lpCompletionKey == 72,
          "a batch of 64 with 3 packets queued takes 3 (got %ld)", (long) n);
    close0(NULL, NULL, port);
}

static void closed_and_invalid(void) {
    iocp4j_dequeue_result r;
    OVERLAPPED_ENTRY entries[4];
    jlong port = new_port(1);
    post0(NULL, NULL, port, 1, 1, 1);
    CHECK(close0(NULL, NULL, port) == 0, "close0 of an open port returns 0");
    jint posted = post0(NULL, NULL, port, 1, 1, 1);
    CHECK(posted == -ERROR_INVALID_HANDLE, "post0 to a closed port: -6 (got %ld)", (long) posted);
    jint got = dequeue0(NULL, NULL, port, address(&r), 0);
    CHECK(got == -ERROR_INVALID_HANDLE, "dequeue0 from a closed port: -6 (got %ld)", (long) got);
    got = dequeue_batch0(NULL, NULL, port, address(entries), 4, 0, JNI_FALSE);
    CHECK(got == -ERROR_INVALID_HANDLE, "dequeueBatch0 from a closed port: -6 (got %ld)", (long) got);
    CHECK(close0(NULL, NULL, port) == -ERROR_INVALID_HANDLE, "close0 twice: -6");

    const jlong bogus = 0x7FFFFFF0;
    CHECK(post0(NULL, NULL, bogus, 1, 1, 1) < 0, "post0 to a handle that never existed fails");
    CHECK(dequeue0(NULL, NULL, bogus, address(&r), 0) < 0, "dequeue0 on a handle that never existed fails");
    CHECK(dequeue_batch0(NULL, NULL, bogus, address(entries), 4, 0, JNI_FALSE) < 0,
          "dequeueBatch0 on a handle that never existed fails");
    port = new_port(1);
    CHECK(associate0(NULL, NULL, port, bogus, 1) < 0, "associate0 of a handle that never existed fails");
    close0(NULL, NULL, port);

    /* NULL, and INVALID_HANDLE_VALUE (which is also the current-process pseudo-handle: not a port). */
    const jlong odd[2] = {0, -1};
    for (int i = 0; i < 2; i++) {
        got = dequeue0(NULL, NULL, odd[i], address(&r), 0);
        CHECK(got < 0, "dequeue0 on handle %lld: -error (got %ld)", (long long) odd[i], (long) got);
        got = post0(NULL, NULL, odd[i], 1, 1, 1);
        CHECK(got < 0, "post0 to handle %lld: -error (got %ld)", (long long) odd[i], (long) got);
    }
}

static void error_text(void) {
    WCHAR text[512];
    jint n = format_message0(NULL, NULL, 2, address(text), 512);
    CHECK(n > 0 && text[n - 1] != L'\n' && text[n - 1] != L'\r' && text[n - 1] != L' ',
          "formatMessage0(2) gives text without a trailing line break or space (%ld units)", (long) n);
    jint unknown = format_message0(NULL, NULL, 0x7FFFFF00, address(text), 512);
    CHECK(unknown < 0, "formatMessage0 of an unknown code fails (got %ld)", (long) unknown);
    jint tight = format_message0(NULL, NULL, 2, address(text), 3);
    CHECK(tight < 0, "formatMessage0 into a 3-unit buffer fails instead of overrunning it (got %ld)", (long) tight);
}

/*
 * ntdll's post with a status of the caller's choice. PostQueuedCompletionStatus always queues
 * STATUS_SUCCESS (whatever the OVERLAPPED's Internal holds), so only this call can make a packet that
 * carries an informational or warning status, as a driver's completion can.
 */
typedef NTSTATUS (NTAPI *set_io_completion_fn)(HANDLE port, ULONG_PTR key, ULONG_PTR value, NTSTATUS status,
                                                SIZE_T information);

/*
 * The single and the batch dequeue agree on what succeeded: an NT_SUCCESS status (0..0x7FFFFFFF,
 * informational ones included) is a success with error 0, anything else is a failure with the same
 * Win32 code both ways. GetQueuedCompletionStatus itself draws the line at NT_SUCCESS.
 */
static void packet_statuses(void) {
    static const struct {
        UINT32 status;
        DWORD error;           /* the Win32 code both dequeues must report; 0 = success */
        const char *what;
    } cases[] = {
        {0x00000000u, 0, "STATUS_SUCCESS"},
        {0x00000103u, 0, "STATUS_PENDING (success class)"},
        {0x40000000u, 0, "STATUS_OBJECT_NAME_EXISTS (informational)"},
        {0x80000005u, ERROR_MORE_DATA, "STATUS_BUFFER_OVERFLOW (warning)"},
        {0xC0000120u, ERROR_OPERATION_ABORTED, "STATUS_CANCELLED (error)"},
    };
    /* Looked up, not linked: the suite itself links no import library beyond the defaults. */
    set_io_completion_fn NtSetIoCompletion =
        (set_io_completion_fn) (void (*)(void)) GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtSetIoCompletion");
    if (!CHECK(NtSetIoCompletion != NULL, "ntdll exports NtSetIoCompletion")) {
        return;
    }
    jlong port = new_port(1);
    OVERLAPPED ov;
    iocp4j_dequeue_result r;
    OVERLAPPED_ENTRY entries[2];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        NTSTATUS status = (NTSTATUS) cases[i].status;
        /* A non-NULL OVERLAPPED: with NULL, a failed packet would look like a failed port. */
        NtSetIoCompletion((HANDLE) (intptr_t) port, 9, (ULONG_PTR) &ov, status, 17);
        jint single = dequeue0(NULL, NULL, port, address(&r), 1000);
        jint expected = cases[i].error == 0 ? P(DEQUEUE_PACKET) : P(DEQUEUE_FAILED_PACKET);
        CHECK(single == expected && r.error == cases[i].error && r.key == 9 && r.bytes == 17
                  && r.overlapped == (UINT64) address(&ov),
              "dequeue0 of a packet with %s: outcome %ld, error %lu (got %ld, %u)", cases[i].what, (long) expected,
              cases[i].error, (long) single, r.error);

        NtSetIoCompletion((HANDLE) (intptr_t) port, 9, (ULONG_PTR) &ov, status, 17);
        jint n = dequeue_batch0(NULL, NULL, port, address(entries), 2, 1000, JNI_FALSE);
        CHECK(n == 1 && entries[0].Internal == cases[i].error && entries[0].lpOverlapped == &ov,
              "dequeueBatch0 of a packet with %s: status %lu, as dequeue0 says (got %llu)", cases[i].what,
              cases[i].error, (unsigned long long) entries[0].Internal);
    }
    close0(NULL, NULL, port);
}

/* A real overlapped file associated with a port: a read's packet and a read past the end. */
static void overlapped_file(void) {
    wchar_t path[MAX_PATH];
    temp_path(L"file", path, MAX_PATH);
    HANDLE h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (!CHECK(h != INVALID_HANDLE_VALUE, "CreateFileW with FILE_FLAG_OVERLAPPED (error %lu)", GetLastError())) {
        return;
    }
    static unsigned char data[8192];
    for (int i = 0; i < (int) sizeof data; i++) {
        data[i] = (unsigned char) (i * 31 + 7);
    }
    OVERLAPPED write_ov;
    memset(&write_ov, 0, sizeof write_ov);
    write_ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    DWORD written = 0;
    if (!WriteFile(h, data, sizeof data, NULL, &write_ov) && GetLastError() != ERROR_IO_PENDING) {
        CHECK(0, "WriteFile (error %lu)", GetLastError());
    }
    CHECK(GetOverlappedResult(h, &write_ov, &written, TRUE) && written == sizeof data,
          "8192 bytes written before the port is associated");
    CloseHandle(write_ov.hEvent);

    jlong port = new_port(1);
    const jlong key = (jlong) 0xF11E0000000000ABULL;
    CHECK(associate0(NULL, NULL, port, address(h), key) == 0, "associate0 of the file with a 64-bit key returns 0");
    jint again = associate0(NULL, NULL, port, address(h), 2);
    CHECK(again == -ERROR_INVALID_PARAMETER, "associating it twice: -87 (got %ld)", (long) again);

    static unsigned char buffer[1024];
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = 1000;
    BOOL done = ReadFile(h, buffer, 500, NULL, &ov);
    CHECK(done || GetLastError() == ERROR_IO_PENDING, "ReadFile at 1000 starts (done=%d, error %lu)", done, GetLastError());
    iocp4j_dequeue_result r;
    jint outcome = dequeue0(NULL, NULL, port, address(&r), 10000);
    CHECK(outcome == P(DEQUEUE_PACKET) && r.key == (UINT64) key && r.bytes == 500 && r.overlapped == (UINT64) address(&ov),
          "the read's packet: the file's key, 500 bytes, its OVERLAPPED (outcome %ld, bytes %u)", (long) outcome, r.bytes);
    CHECK(memcmp(buffer, data + 1000, 500) == 0, "the bytes read are the file's bytes 1000..1499");

    /* The same through the batch call. */
    memset(&ov, 0, sizeof ov);
    memset(buffer, 0, sizeof buffer);
    ov.Offset = 4096;
    done = ReadFile(h, buffer, 1024, NULL, &ov);
    CHECK(done || GetLastError() == ERROR_IO_PENDING, "ReadFile at 4096 starts (done=%d, error %lu)", done, GetLastError());
    OVERLAPPED_ENTRY entries[4];
    jint n = dequeue_batch0(NULL, NULL, port, address(entries), 4, 10000, JNI_FALSE);
    CHECK(n == 1 && entries[0].lpCompletionKey == (ULONG_PTR) key && entries[0].dwNumberOfBytesTransferred == 1024
              && entries[0].lpOverlapped == &ov && entries[0].Internal == 0,
          "a read's packet through dequeueBatch0: key, 1024 bytes, OVERLAPPED, status 0");
    CHECK(memcmp(buffer, data + 4096, 1024) == 0, "the bytes read are the file's bytes 4096..5119");

    /* Past the end: a failed operation. Windows may report EOF at once (no packet) or in the packet. */
    OVERLAPPED eof;
    memset(&eof, 0, sizeof eof);
    eof.Offset = 1000000;
    done = ReadFile(h, buffer, 100, NULL, &eof);
    DWORD error = done ? 0 : GetLastError();
    if (error == ERROR_IO_PENDING) {
        outcome = dequeue0(NULL, NULL, port, address(&r), 10000);
        CHECK(outcome == P(DEQUEUE_FAILED_PACKET) && r.error == ERROR_HANDLE_EOF && r.key == (UINT64) key
                  && r.overlapped == (UINT64) address(&eof) && r.bytes == 0,
              "a read past the end: DEQUEUE_FAILED_PACKET with error 38, its key and OVERLAPPED (outcome %ld, error %u)",
              (long) outcome, r.error);
        eof.Offset = 2000000;
        ReadFile(h, buffer, 100, NULL, &eof);
        n = dequeue_batch0(NULL, NULL, port, address(entries), 4, 10000, JNI_FALSE);
        CHECK(n == 1 && entries[0].Internal == ERROR_HANDLE_EOF && entries[0].lpOverlapped == &eof,
              "the same through dequeueBatch0: status rewritten from NTSTATUS to 38 (got %llu)",
              (unsigned long long) entries[0].Internal);
    } else {
        CHECK(error == ERROR_HANDLE_EOF, "a read past the end fails at once with 38 (got %lu)", error);
        skip(2, "a read past the end arriving as a failed packet", "this system reported EOF synchronously");
    }
    close0(NULL, NULL, port);
    CHECK(close0(NULL, NULL, address(h)) == 0, "close0 of the file handle returns 0");
}

/* A cancelled pipe connect: the failed-operation outcome Windows and Wine both deliver by packet. */
static void cancelled_pipe_connect(void) {
    wchar_t name[128];
    _snwprintf(name, 128, L"\\\\.\\pipe\\iocp4j-c-suite-%lu", GetCurrentProcessId());
    name[127] = 0;
    HANDLE pipe = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, 0, 1, 4096, 4096, 0, NULL);
    if (!CHECK(pipe != INVALID_HANDLE_VALUE, "CreateNamedPipeW (error %lu)", GetLastError())) {
        return;
    }
    jlong port = new_port(1);
    CHECK(associate0(NULL, NULL, port, address(pipe), 77) == 0, "associate0 of the pipe returns 0");
    OVERLAPPED ov;
    iocp4j_dequeue_result r;
    OVERLAPPED_ENTRY entries[2];
    for (int round = 0; round < 2; round++) {
        memset(&ov, 0, sizeof ov);
        BOOL connected = ConnectNamedPipe(pipe, &ov);
        DWORD error = GetLastError();
        CHECK(!connected && error == ERROR_IO_PENDING, "ConnectNamedPipe pends (error %lu)", error);
        if (round == 0) {
            CHECK(CancelIoEx(pipe, &ov), "CancelIoEx of the connect");
        } else {
            CHECK(cancel0(NULL, NULL, address(pipe), address(&ov)) == 0, "cancel0 of the connect returns 0");
        }
        if (round == 0) {
            jint outcome = dequeue0(NULL, NULL, port, address(&r), 10000);
            CHECK(outcome == P(DEQUEUE_FAILED_PACKET) && r.error == ERROR_OPERATION_ABORTED && r.key == 77
                      && r.overlapped == (UINT64) address(&ov),
                  "the cancelled connect's packet: DEQUEUE_FAILED_PACKET, error 995, key, OVERLAPPED (outcome %ld, error %u)",
                  (long) outcome, r.error);
        } else {
            jint n = dequeue_batch0(NULL, NULL, port, address(entries), 2, 10000, JNI_FALSE);
            CHECK(n == 1 && entries[0].Internal == ERROR_OPERATION_ABORTED && entries[0].lpOverlapped == &ov,
                  "the same through dequeueBatch0: status 995 (got %llu)", (unsigned long long) entries[0].Internal);
        }
    }
    jint nothing = cancel0(NULL, NULL, address(pipe), address(&ov));
    CHECK(nothing == -ERROR_NOT_FOUND, "cancel0 with nothing pending: -1168 (got %ld)", (long) nothing);
    CHECK(cancel0(NULL, NULL, 0x7FFFFFF0, 0) < 0, "cancel0 on a handle that never existed fails");
    close0(NULL, NULL, port);
    CloseHandle(pipe);
}

/* ---- what only real Windows shows (WINE.md): the concurrency limit, LIFO release, 735 on close ---- */

/*
 * A thread that makes one dequeue0 (or dequeueBatch0) call with a finite timeout, records the outcome,
 * signals `done`, then optionally stays RUNNING (spinning, never blocking: a blocked thread would give
 * its concurrency slot back) until `release` is set or a deadline passes. It never prints: the console
 * lock could block it.
 */
typedef struct {
    jlong port;
    jint timeout;
    int batch;                 /* dequeueBatch0 instead of dequeue0 */
    int busy;                  /* after a packet, spin until release (or the deadline) */
    volatile LONG *release;
    jint result;               /* the dequeue's return */
    UINT64 key;                /* the packet's key, if any */
    HANDLE done;               /* manual-reset, set once the dequeue has returned */
    HANDLE thread;
} waiter;

#define BUSY_DEADLINE_MILLIS 15000

static DWORD WINAPI waiter_main(LPVOID arg) {
    waiter *w = arg;
    if (w->batch) {
        OVERLAPPED_ENTRY entry;
        w->result = dequeue_batch0(NULL, NULL, w->port, address(&entry), 1, w->timeout, JNI_FALSE);
        w->key = w->result == 1 ? (UINT64) entry.lpCompletionKey : 0;
    } else {
        iocp4j_dequeue_result r;
        w->result = dequeue0(NULL, NULL, w->port, address(&r), w->timeout);
        w->key = w->result == P(DEQUEUE_PACKET) ? r.key : 0;
    }
    SetEvent(w->done);
    if (w->busy && w->key != 0) {
        DWORD start = GetTickCount();
        while (!*w->release && GetTickCount() - start < BUSY_DEADLINE_MILLIS) {
            YieldProcessor();
        }
    }
    return 0;
}

static void start_waiter(waiter *w, jlong port, jint timeout, int batch, int busy, volatile LONG *release) {
    memset(w, 0, sizeof *w);
    w->port = port;
    w->timeout = timeout;
    w->batch = batch;
    w->busy = busy;
    w->release = release;
    w->done = CreateEventW(NULL, TRUE, FALSE, NULL);
    w->thread = CreateThread(NULL, 0, waiter_main, w, 0, NULL);
    /* No API says "this thread now waits on the port"; give it time to get there. */
    Sleep(250);
}

static int finish_waiter(waiter *w) {
    int ended = WaitForSingleObject(w->thread, BUSY_DEADLINE_MILLIS + 5000) == WAIT_OBJECT_0;
    CloseHandle(w->thread);
    CloseHandle(w->done);
    return ended;
}

static int signalled(HANDLE event, DWORD millis) {
    return WaitForSingleObject(event, millis) == WAIT_OBJECT_0;
}

#define CONCURRENCY_CHECKS 5
static void concurrency_limit(void) {
    jlong port = new_port(1);
    volatile LONG release = 0;
    waiter w[2];
    start_waiter(&w[0], port, 10000, 0, 1, &release);
    start_waiter(&w[1], port, 10000, 0, 1, &release);
    post0(NULL, NULL, port, 1, 0, 0);
    post0(NULL, NULL, port, 2, 0, 0);
    HANDLE both[2] = {w[0].done, w[1].done};
    DWORD first = WaitForMultipleObjects(2, both, FALSE, 3000) - WAIT_OBJECT_0;
    if (!CHECK(first < 2, "concurrency 1, two waiting threads, two packets: one thread is released")) {
        InterlockedExchange(&release, 1);
        finish_waiter(&w[0]);
        finish_waiter(&w[1]);
        close0(NULL, NULL, port);
        return;
    }
    waiter *running = &w[first];
    waiter *held = &w[1 - first];
    CHECK(!signalled(held->done, 1000), "while it runs (busy, not blocked), the other stays waiting with a packet queued");
    InterlockedExchange(&release, 1);
    CHECK(finish_waiter(running), "the running thread ends");
    CHECK(signalled(held->done, 5000) && held->result == P(DEQUEUE_PACKET),
          "then the held thread takes the second packet (result %ld)", (long) held->result);
    CHECK(running->key + held->key == 3 && running->key != held->key, "each took one of the two packets (%llu, %llu)",
          (unsigned long long) running->key, (unsigned long long) held->key);
    finish_waiter(held);
    close0(NULL, NULL, port);
}

#define LIFO_CHECKS 3
static void lifo_release(void) {
    jlong port = new_port(8);
    waiter w[3];
    for (int i = 0; i < 3; i++) {
        start_waiter(&w[i], port, 10000, 0, 0, NULL);   /* started, and waiting, in order 0, 1, 2 */
    }
    const int expected[3] = {2, 1, 0};
    for (int round = 0; round < 3; round++) {
        int i = expected[round];
        post0(NULL, NULL, port, 100 + round, 0, 0);
        int got = signalled(w[i].done, 3000) && w[i].key == (UINT64) (100 + round);
        CHECK(got, "packet %d goes to the thread that waited last among those still waiting (thread %d)", round + 1, i);
        WaitForSingleObject(w[i].thread, 3000);
    }
    for (int i = 0; i < 3; i++) {
        finish_waiter(&w[i]);
    }
    close0(NULL, NULL, port);
}

#define CLOSE_CHECKS 3
static void close_under_waiter(void) {
    jlong port = new_port(0);
    waiter single;
    waiter batch;
    start_waiter(&single, port, 5000, 0, 0, NULL);
    start_waiter(&batch, port, 5000, 1, 0, NULL);
    CHECK(close0(NULL, NULL, port) == 0, "close0 of a port two threads wait on returns 0");
    CHECK(signalled(single.done, 3000) && single.result == -ERROR_ABANDONED_WAIT,
          "the thread in dequeue0 wakes at once with -735 (got %ld)", (long) single.result);
    CHECK(signalled(batch.done, 3000) && batch.result == -ERROR_ABANDONED_WAIT,
          "the thread in dequeueBatch0 wakes at once with -735 (got %ld)", (long) batch.result);
    finish_waiter(&single);
    finish_waiter(&batch);
}

void test_port(void) {
    load_exports();
    abi_and_create();
    post_and_dequeue();
    queue_depth();
    wait_forever_and_alertable();
    fifo_and_wide_values();
    batches();
    closed_and_invalid();
    error_text();
    packet_statuses();
    overlapped_file();
    cancelled_pipe_connect();
    if (run_windows_only_checks()) {
        concurrency_limit();
        lifo_release();
        close_under_waiter();
    } else {
        skip(CONCURRENCY_CHECKS, "the concurrency limit holds a packet back", "Wine ignores NumberOfConcurrentThreads");
        skip(LIFO_CHECKS, "waiting threads are released LIFO", "Wine releases them FIFO");
        skip(CLOSE_CHECKS, "closing a port wakes its waiters with 735", "Wine never wakes them");
    }
}
