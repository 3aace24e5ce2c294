/*
 * The completion port itself: create, associate, post, dequeue (single and batch), cancel, close, and
 * error text. One Win32 call per function; results are >= 0 or -GetLastError() read on the next line.
 * Never touches env: the C suite calls these with env = NULL.
 */
#include <windows.h>
#include <winternl.h>

#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32Port.h"

/* ntdll: maps the NTSTATUS a batch entry carries in Internal to the Win32 code callers know. */
NTSYSAPI ULONG NTAPI RtlNtStatusToDosError(NTSTATUS status);

/* Not in mingw's headers. IoCompletionBasicInformation (class 0) fills:
 *   typedef struct _IO_COMPLETION_BASIC_INFORMATION { LONG Depth; } IO_COMPLETION_BASIC_INFORMATION;
 * Depth: packets queued now. */
NTSYSAPI NTSTATUS NTAPI NtQueryIoCompletion(HANDLE port, int informationClass, PVOID information, ULONG length,
                                            PULONG returned);


static DWORD wait_millis(jint timeout) {
    return timeout < 0 ? INFINITE : (DWORD) timeout;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_abiVersion0(JNIEnv *env, jclass cls) {
    UNUSED(env);
    UNUSED(cls);
    return org_iocp4j_internal_windows_Win32Port_ABI_VERSION;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Port_createPort0(JNIEnv *env, jclass cls, jint concurrency) {
    UNUSED(env);
    UNUSED(cls);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, (DWORD) concurrency);
    if (port == NULL) {
        return -(jlong) GetLastError();
    }
    return (jlong) (intptr_t) port;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_associate0(JNIEnv *env, jclass cls, jlong port,
                                                                      jlong handle, jlong key) {
    UNUSED(env);
    UNUSED(cls);
    HANDLE result = CreateIoCompletionPort((HANDLE) (intptr_t) handle, (HANDLE) (intptr_t) port,
                                           (ULONG_PTR) key, 0);
    if (result == NULL) {
        return -(jint) GetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_post0(JNIEnv *env, jclass cls, jlong port, jlong key,
                                                                 jint bytes, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    if (!PostQueuedCompletionStatus((HANDLE) (intptr_t) port, (DWORD) bytes, (ULONG_PTR) key,
                                    (LPOVERLAPPED) (intptr_t) overlapped)) {
        return -(jint) GetLastError();
    }
    return 0;
}

/*
 * GetQueuedCompletionStatus has four outcomes, and the return value alone tells only two apart:
 *   TRUE                          a packet of a successful operation (or a posted packet)
 *   FALSE, OVERLAPPED != NULL     the packet of a FAILED operation: key, bytes, OVERLAPPED are valid
 *   FALSE, NULL, WAIT_TIMEOUT     no packet within the timeout
 *   FALSE, NULL, anything else    the port itself failed (closed: 735 or 6; invalid: 6)
 */
JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_dequeue0(JNIEnv *env, jclass cls, jlong port,
                                                                    jlong resultAddress, jint timeoutMillis) {
    UNUSED(env);
    UNUSED(cls);
    iocp4j_dequeue_result *result = (iocp4j_dequeue_result *) (intptr_t) resultAddress;
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED overlapped = NULL;
    BOOL ok = GetQueuedCompletionStatus((HANDLE) (intptr_t) port, &bytes, &key, &overlapped,
                                        wait_millis(timeoutMillis));
    DWORD error = ok ? 0 : GetLastError();
    if (!ok && overlapped == NULL) {
        return error == WAIT_TIMEOUT ? org_iocp4j_internal_windows_Win32Port_DEQUEUE_TIMEOUT : -(jint) error;
    }
    result->key = (UINT64) key;
    result->overlapped = (UINT64) (uintptr_t) overlapped;
    result->bytes = bytes;
    result->error = error;
    return ok ? org_iocp4j_internal_windows_Win32Port_DEQUEUE_PACKET : org_iocp4j_internal_windows_Win32Port_DEQUEUE_FAILED_PACKET;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_dequeueBatch0(JNIEnv *env, jclass cls, jlong port,
                                                                         jlong entriesAddress, jint capacity,
                                                                         jint timeoutMillis, jboolean alertable) {
    UNUSED(env);
    UNUSED(cls);
    OVERLAPPED_ENTRY *entries = (OVERLAPPED_ENTRY *) (intptr_t) entriesAddress;
    ULONG removed = 0;
    if (!GetQueuedCompletionStatusEx((HANDLE) (intptr_t) port, entries, (ULONG) capacity, &removed,
                                     wait_millis(timeoutMillis), alertable ? TRUE : FALSE)) {
        DWORD error = GetLastError();
        return error == WAIT_TIMEOUT ? 0 : -(jint) error;
    }
    /*
     * The batch call gives no per-entry error; the entry's Internal holds the operation's NTSTATUS.
     * Success is NT_SUCCESS (informational statuses such as STATUS_PENDING included): the line
     * GetQueuedCompletionStatus draws between TRUE and FALSE, so both dequeues agree on every packet.
     */
    for (ULONG i = 0; i < removed; i++) {
        NTSTATUS status = (NTSTATUS) entries[i].Internal;
        entries[i].Internal = NT_SUCCESS(status) ? 0 : (ULONG_PTR) RtlNtStatusToDosError(status);
    }
    return (jint) removed;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_cancel0(JNIEnv *env, jclass cls, jlong handle,
                                                                   jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    /* The cancelled operation still completes: its packet arrives with ERROR_OPERATION_ABORTED (995). */
    if (!CancelIoEx((HANDLE) (intptr_t) handle, (LPOVERLAPPED) (intptr_t) overlapped)) {
        return -(jint) GetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_close0(JNIEnv *env, jclass cls, jlong handle) {
    UNUSED(env);
    UNUSED(cls);
    if (!CloseHandle((HANDLE) (intptr_t) handle)) {
        return -(jint) GetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_formatMessage0(JNIEnv *env, jclass cls, jint errorCode,
                                                                          jlong bufferAddress, jint capacityChars) {
    UNUSED(env);
    UNUSED(cls);
    WCHAR *buffer = (WCHAR *) (intptr_t) bufferAddress;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, (DWORD) errorCode,
                             0, buffer, (DWORD) capacityChars, NULL);
    if (n == 0) {
        return -(jint) GetLastError();
    }
    while (n > 0 && (buffer[n - 1] == L'\r' || buffer[n - 1] == L'\n' || buffer[n - 1] == L' ')) {
        n--;
    }
    return (jint) n;
}

/* Packets queued in the port now (NtQueryIoCompletion), or -(Win32 error). A cold call: for diagnostics. */
JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Port_queueDepth0(JNIEnv *env, jclass cls, jlong port) {
    UNUSED(env);
    UNUSED(cls);
    LONG depth = 0;
    NTSTATUS status = NtQueryIoCompletion((HANDLE) (intptr_t) port, 0, &depth, (ULONG) sizeof depth, NULL);
    if (status < 0) {
        return -(jint) RtlNtStatusToDosError(status);
    }
    return (jint) depth;
}
