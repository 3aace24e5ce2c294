/*
 * Named pipes: create a server instance, overlapped connect, disconnect, a client's read mode, wait for a
 * free instance. Reads and writes are Win32File.c's. Results are >= 0 or -GetLastError() read on the next line.
 */
#include <windows.h>

#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32Pipe.h"

#define P(name) org_iocp4j_internal_windows_Win32Pipe_##name

_Static_assert(P(PIPE_ACCESS_INBOUND) == PIPE_ACCESS_INBOUND, "Win32Pipe.PIPE_ACCESS_INBOUND");
_Static_assert(P(PIPE_ACCESS_OUTBOUND) == PIPE_ACCESS_OUTBOUND, "Win32Pipe.PIPE_ACCESS_OUTBOUND");
_Static_assert(P(PIPE_ACCESS_DUPLEX) == PIPE_ACCESS_DUPLEX, "Win32Pipe.PIPE_ACCESS_DUPLEX");
_Static_assert(P(FILE_FLAG_FIRST_PIPE_INSTANCE) == FILE_FLAG_FIRST_PIPE_INSTANCE, "Win32Pipe.FILE_FLAG_FIRST_PIPE_INSTANCE");
_Static_assert(P(PIPE_TYPE_BYTE) == PIPE_TYPE_BYTE, "Win32Pipe.PIPE_TYPE_BYTE");
_Static_assert(P(PIPE_TYPE_MESSAGE) == PIPE_TYPE_MESSAGE, "Win32Pipe.PIPE_TYPE_MESSAGE");
_Static_assert(P(PIPE_READMODE_BYTE) == PIPE_READMODE_BYTE, "Win32Pipe.PIPE_READMODE_BYTE");
_Static_assert(P(PIPE_READMODE_MESSAGE) == PIPE_READMODE_MESSAGE, "Win32Pipe.PIPE_READMODE_MESSAGE");
_Static_assert(P(PIPE_REJECT_REMOTE_CLIENTS) == PIPE_REJECT_REMOTE_CLIENTS, "Win32Pipe.PIPE_REJECT_REMOTE_CLIENTS");
_Static_assert(P(PIPE_UNLIMITED_INSTANCES) == PIPE_UNLIMITED_INSTANCES, "Win32Pipe.PIPE_UNLIMITED_INSTANCES");
_Static_assert(P(SECURITY_SQOS_PRESENT) == SECURITY_SQOS_PRESENT, "Win32Pipe.SECURITY_SQOS_PRESENT");
_Static_assert(P(SECURITY_IDENTIFICATION) == SECURITY_IDENTIFICATION, "Win32Pipe.SECURITY_IDENTIFICATION");

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Pipe_createNamedPipe0(JNIEnv *env, jclass cls, jlong name,
                                                                             jint open_mode, jint pipe_mode,
                                                                             jint max_instances, jint out_size,
                                                                             jint in_size, jint timeout) {
    UNUSED(env);
    UNUSED(cls);
    HANDLE h = CreateNamedPipeW((LPCWSTR) (intptr_t) name, (DWORD) open_mode, (DWORD) pipe_mode, (DWORD) max_instances,
                                (DWORD) out_size, (DWORD) in_size, (DWORD) timeout, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        return -(jlong) GetLastError();
    }
    return (jlong) (intptr_t) h;
}

/* Overlapped ConnectNamedPipe returns FALSE with ERROR_IO_PENDING, or ERROR_PIPE_CONNECTED (no packet). */
JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Pipe_connect0(JNIEnv *env, jclass cls, jlong pipe, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    if (!ConnectNamedPipe((HANDLE) (intptr_t) pipe, (LPOVERLAPPED) (intptr_t) overlapped)) {
        return -(jint) GetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Pipe_disconnect0(JNIEnv *env, jclass cls, jlong pipe) {
    UNUSED(env);
    UNUSED(cls);
    if (!DisconnectNamedPipe((HANDLE) (intptr_t) pipe)) {
        return -(jint) GetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Pipe_setReadMode0(JNIEnv *env, jclass cls, jlong pipe, jint mode) {
    UNUSED(env);
    UNUSED(cls);
    DWORD m = (DWORD) mode;
    if (!SetNamedPipeHandleState((HANDLE) (intptr_t) pipe, &m, NULL, NULL)) {
        return -(jint) GetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Pipe_waitNamedPipe0(JNIEnv *env, jclass cls, jlong name, jint timeout) {
    UNUSED(env);
    UNUSED(cls);
    if (!WaitNamedPipeW((LPCWSTR) (intptr_t) name, (DWORD) timeout)) {
        return -(jint) GetLastError();
    }
    return 0;
}
