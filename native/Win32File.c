/*
 * Overlapped files (and the ReadFile/WriteFile half of pipes): open, read, write, size, end of file, flush,
 * sector size, completion notification modes. One Win32 call per function; results are >= 0 or
 * -GetLastError() read on the next line. A synchronous completion's byte count comes from a local DWORD:
 * once the call returns, the packet may already have been dequeued and the OVERLAPPED reused.
 */
#include <string.h>
#include <windows.h>

#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32File.h"

#define F(name) org_iocp4j_internal_windows_Win32File_##name

_Static_assert(F(GENERIC_READ) == (jint) GENERIC_READ, "Win32File.GENERIC_READ");
_Static_assert(F(GENERIC_WRITE) == GENERIC_WRITE, "Win32File.GENERIC_WRITE");
_Static_assert(F(FILE_SHARE_READ) == FILE_SHARE_READ, "Win32File.FILE_SHARE_READ");
_Static_assert(F(FILE_SHARE_WRITE) == FILE_SHARE_WRITE, "Win32File.FILE_SHARE_WRITE");
_Static_assert(F(FILE_SHARE_DELETE) == FILE_SHARE_DELETE, "Win32File.FILE_SHARE_DELETE");
_Static_assert(F(CREATE_NEW) == CREATE_NEW, "Win32File.CREATE_NEW");
_Static_assert(F(CREATE_ALWAYS) == CREATE_ALWAYS, "Win32File.CREATE_ALWAYS");
_Static_assert(F(OPEN_EXISTING) == OPEN_EXISTING, "Win32File.OPEN_EXISTING");
_Static_assert(F(OPEN_ALWAYS) == OPEN_ALWAYS, "Win32File.OPEN_ALWAYS");
_Static_assert(F(TRUNCATE_EXISTING) == TRUNCATE_EXISTING, "Win32File.TRUNCATE_EXISTING");
_Static_assert(F(FILE_ATTRIBUTE_NORMAL) == FILE_ATTRIBUTE_NORMAL, "Win32File.FILE_ATTRIBUTE_NORMAL");
_Static_assert(F(FILE_FLAG_OVERLAPPED) == FILE_FLAG_OVERLAPPED, "Win32File.FILE_FLAG_OVERLAPPED");
_Static_assert(F(FILE_FLAG_NO_BUFFERING) == FILE_FLAG_NO_BUFFERING, "Win32File.FILE_FLAG_NO_BUFFERING");
_Static_assert(F(FILE_FLAG_WRITE_THROUGH) == (jint) FILE_FLAG_WRITE_THROUGH, "Win32File.FILE_FLAG_WRITE_THROUGH");
_Static_assert(F(FILE_FLAG_DELETE_ON_CLOSE) == FILE_FLAG_DELETE_ON_CLOSE, "Win32File.FILE_FLAG_DELETE_ON_CLOSE");
_Static_assert(F(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) == FILE_SKIP_COMPLETION_PORT_ON_SUCCESS,
               "Win32File.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS");
_Static_assert(F(FILE_SKIP_SET_EVENT_ON_HANDLE) == FILE_SKIP_SET_EVENT_ON_HANDLE, "Win32File.FILE_SKIP_SET_EVENT_ON_HANDLE");

#define HANDLE_OF(h) ((HANDLE) (intptr_t) (h))

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32File_createFile0(JNIEnv *env, jclass cls, jlong path, jint access,
                                                                        jint share, jint disposition, jint flags) {
    UNUSED(env);
    UNUSED(cls);
    DWORD attributes = (DWORD) flags | FILE_ATTRIBUTE_NORMAL;
    HANDLE h = CreateFileW((LPCWSTR) (intptr_t) path, (DWORD) access, (DWORD) share, NULL, (DWORD) disposition,
                           attributes, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        return -(jlong) GetLastError();
    }
    return (jlong) (intptr_t) h;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32File_read0(JNIEnv *env, jclass cls, jlong handle, jlong buffer,
                                                                  jint length, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    DWORD done = 0;
    if (!ReadFile(HANDLE_OF(handle), (LPVOID) (intptr_t) buffer, (DWORD) length, &done,
                  (LPOVERLAPPED) (intptr_t) overlapped)) {
        return -(jlong) GetLastError();
    }
    return (jlong) done;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32File_write0(JNIEnv *env, jclass cls, jlong handle, jlong buffer,
                                                                   jint length, jlong overlapped) {
    UNUSED(env);
    UNUSED(cls);
    DWORD done = 0;
    if (!WriteFile(HANDLE_OF(handle), (LPCVOID) (intptr_t) buffer, (DWORD) length, &done,
                   (LPOVERLAPPED) (intptr_t) overlapped)) {
        return -(jlong) GetLastError();
    }
    return (jlong) done;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32File_size0(JNIEnv *env, jclass cls, jlong handle) {
    UNUSED(env);
    UNUSED(cls);
    LARGE_INTEGER size;
    if (!GetFileSizeEx(HANDLE_OF(handle), &size)) {
        return -(jlong) GetLastError();
    }
    return (jlong) size.QuadPart;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32File_truncate0(JNIEnv *env, jclass cls, jlong handle, jlong size) {
    UNUSED(env);
    UNUSED(cls);
    FILE_END_OF_FILE_INFO info;
    info.EndOfFile.QuadPart = size;
    if (!SetFileInformationByHandle(HANDLE_OF(handle), FileEndOfFileInfo, &info, sizeof info)) {
        return -(jint) GetLastError();
    }
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32File_flush0(JNIEnv *env, jclass cls, jlong handle) {
    UNUSED(env);
    UNUSED(cls);
    if (!FlushFileBuffers(HANDLE_OF(handle))) {
        return -(jint) GetLastError();
    }
    return 0;
}

/* FileStorageInfo (class 16) fills FILE_STORAGE_INFO; LogicalBytesPerSector is what unbuffered I/O aligns to. */
JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32File_sectorSize0(JNIEnv *env, jclass cls, jlong handle) {
    UNUSED(env);
    UNUSED(cls);
    FILE_STORAGE_INFO info;
    if (!GetFileInformationByHandleEx(HANDLE_OF(handle), FileStorageInfo, &info, sizeof info)) {
        return -(jint) GetLastError();
    }
    return (jint) info.LogicalBytesPerSector;
}

/*
 * FSCTL_SET_SPARSE, waited for (a metadata change; it does not wait on data). The handle is overlapped, so
 * DeviceIoControl must have an OVERLAPPED with an event (with none it "fails in unpredictable ways"); the
 * event's low bit keeps the completion off any port the handle is bound to.
 */
JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32File_setSparse0(JNIEnv *env, jclass cls, jlong handle) {
    UNUSED(env);
    UNUSED(cls);
    HANDLE event = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (event == NULL) {
        return -(jint) GetLastError();
    }
    OVERLAPPED o;
    memset(&o, 0, sizeof o);
    o.hEvent = (HANDLE) ((uintptr_t) event | 1);
    DWORD done = 0;
    jint result = 0;
    if (!DeviceIoControl(HANDLE_OF(handle), FSCTL_SET_SPARSE, NULL, 0, NULL, 0, &done, &o)) {
        DWORD error = GetLastError();
        if (error != ERROR_IO_PENDING) {
            result = -(jint) error;
        } else if (WaitForSingleObject(event, INFINITE) != WAIT_OBJECT_0
                   || !GetOverlappedResult(HANDLE_OF(handle), &o, &done, FALSE)) {
            result = -(jint) GetLastError();
        }
    }
    CloseHandle(event);
    return result;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32File_setNotificationModes0(JNIEnv *env, jclass cls, jlong handle,
                                                                                 jint flags) {
    UNUSED(env);
    UNUSED(cls);
    if (!SetFileCompletionNotificationModes(HANDLE_OF(handle), (UCHAR) flags)) {
        return -(jint) GetLastError();
    }
    return 0;
}
