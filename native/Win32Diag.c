/*
 * Cold diagnostics: handle counts, pool quotas, the system's kernel pools. Each call is independent and
 * returns >= 0 or -(Win32 error) read right after the failing call.
 */
#include <stdint.h>
#include <stdlib.h>

#include <windows.h>
#include <winternl.h>
#include <psapi.h>

#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32Diag.h"

NTSYSAPI ULONG NTAPI RtlNtStatusToDosError(NTSTATUS status);

#define D(name) org_iocp4j_internal_windows_Win32Diag_##name
#define SYSTEM_EXTENDED_HANDLE_INFORMATION_CLASS 64
#define STATUS_INFO_LENGTH_MISMATCH_VALUE ((NTSTATUS) 0xC0000004L)

/* Not in mingw's headers; what NtQuerySystemInformation(SystemExtendedHandleInformation) fills:
 *   typedef struct _SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX {
 *       PVOID Object; ULONG_PTR UniqueProcessId; ULONG_PTR HandleValue; ULONG GrantedAccess;
 *       USHORT CreatorBackTraceIndex; USHORT ObjectTypeIndex; ULONG HandleAttributes; ULONG Reserved;
 *   } SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX;
 *   typedef struct _SYSTEM_HANDLE_INFORMATION_EX {
 *       ULONG_PTR NumberOfHandles; ULONG_PTR Reserved; SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX Handles[1];
 *   } SYSTEM_HANDLE_INFORMATION_EX;
 */
typedef struct {
    PVOID object;
    ULONG_PTR unique_process_id;
    ULONG_PTR handle_value;
    ULONG granted_access;
    USHORT creator_back_trace_index;
    USHORT object_type_index;
    ULONG handle_attributes;
    ULONG reserved;
} handle_entry_ex;

typedef struct {
    ULONG_PTR number_of_handles;
    ULONG_PTR reserved;
    handle_entry_ex handles[1];
} handle_information_ex;

_Static_assert(sizeof(handle_entry_ex) == 40, "SYSTEM_HANDLE_TABLE_ENTRY_INFO_EX is 40 bytes on x64");

static DWORD pid_or_self(jint pid) {
    return pid == 0 ? GetCurrentProcessId() : (DWORD) pid;
}

/* A handle to query `pid` (0: this process, the pseudo-handle, nothing to close). NULL on failure. */
static HANDLE open_for_query(jint pid) {
    return pid == 0 ? GetCurrentProcess() : OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE,
                                                        (DWORD) pid);
}

static void close_query(jint pid, HANDLE process) {
    if (pid != 0) {
        CloseHandle(process);
    }
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Diag_currentProcessId0(JNIEnv *env, jclass cls) {
    UNUSED(env);
    UNUSED(cls);
    return (jint) GetCurrentProcessId();
}

/* Wine's version ("8.0") into out (NUL-terminated, truncated to capacity): its length, 0 on Windows (ntdll
 * exports no wine_get_version there). Lets Java skip, by name and with the reason, what Wine cannot show. */
JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Diag_wineVersion0(JNIEnv *env, jclass cls, jlong out_address,
                                                                       jint capacity) {
    UNUSED(env);
    UNUSED(cls);
    typedef const char *(CDECL *wine_get_version_fn)(void);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    wine_get_version_fn get = ntdll == NULL ? NULL : (wine_get_version_fn) (void (*)(void)) GetProcAddress(ntdll, "wine_get_version");
    if (get == NULL || capacity <= 0) {
        return 0;
    }
    const char *version = get();
    char *out = (char *) (intptr_t) out_address;
    jint n = 0;
    while (version != NULL && version[n] != '\0' && n < capacity - 1) {
        out[n] = version[n];
        n++;
    }
    out[n] = '\0';
    return n;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Diag_processHandleCount0(JNIEnv *env, jclass cls, jint pid) {
    UNUSED(env);
    UNUSED(cls);
    HANDLE process = open_for_query(pid);
    if (process == NULL) {
        return -(jlong) GetLastError();
    }
    DWORD count = 0;
    BOOL ok = GetProcessHandleCount(process, &count);
    DWORD error = ok ? 0 : GetLastError();
    close_query(pid, process);
    return ok ? (jlong) count : -(jlong) error;
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Diag_systemHandleCount0(JNIEnv *env, jclass cls, jint pid) {
    UNUSED(env);
    UNUSED(cls);
    DWORD target = pid_or_self(pid);
    if (pid != 0) {
        /* Say so when the process does not exist, rather than counting 0 handles for it. */
        HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, target);
        if (process == NULL) {
            return -(jlong) GetLastError();
        }
        CloseHandle(process);
    }
    ULONG size = 1 << 20;
    for (int attempt = 0; attempt < 8; attempt++) {
        handle_information_ex *info = (handle_information_ex *) malloc(size);
        if (info == NULL) {
            return -(jlong) ERROR_NOT_ENOUGH_MEMORY;
        }
        ULONG needed = 0;
        NTSTATUS status = NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS) SYSTEM_EXTENDED_HANDLE_INFORMATION_CLASS,
                                                   info, size, &needed);
        if (status == STATUS_INFO_LENGTH_MISMATCH_VALUE) {
            free(info);
            /* Handles come and go between calls: ask for more than the last answer. */
            size = (needed > size ? needed : size * 2) + (64u << 10);
            continue;
        }
        if (status < 0) {
            free(info);
            return -(jlong) RtlNtStatusToDosError(status);
        }
        jlong count = 0;
        for (ULONG_PTR i = 0; i < info->number_of_handles; i++) {
            if (info->handles[i].unique_process_id == (ULONG_PTR) target) {
                count++;
            }
        }
        free(info);
        return count;
    }
    return -(jlong) ERROR_INSUFFICIENT_BUFFER;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Diag_processMemory0(JNIEnv *env, jclass cls, jint pid,
                                                                         jlong out_address) {
    UNUSED(env);
    UNUSED(cls);
    HANDLE process = open_for_query(pid);
    if (process == NULL) {
        return -(jint) GetLastError();
    }
    PROCESS_MEMORY_COUNTERS counters;
    counters.cb = sizeof counters;
    BOOL ok = K32GetProcessMemoryInfo(process, &counters, sizeof counters);
    DWORD error = ok ? 0 : GetLastError();
    close_query(pid, process);
    if (!ok) {
        return -(jint) error;
    }
    jlong *out = (jlong *) (intptr_t) out_address;
    out[D(MEMORY_WORKING_SET)] = (jlong) counters.WorkingSetSize;
    out[D(MEMORY_PAGED_POOL_QUOTA)] = (jlong) counters.QuotaPagedPoolUsage;
    out[D(MEMORY_NONPAGED_POOL_QUOTA)] = (jlong) counters.QuotaNonPagedPoolUsage;
    out[D(MEMORY_PAGEFILE)] = (jlong) counters.PagefileUsage;
    return 0;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_windows_Win32Diag_performanceInfo0(JNIEnv *env, jclass cls, jlong out_address) {
    UNUSED(env);
    UNUSED(cls);
    PERFORMANCE_INFORMATION info;
    info.cb = sizeof info;
    if (!K32GetPerformanceInfo(&info, sizeof info)) {
        return -(jint) GetLastError();
    }
    jlong *out = (jlong *) (intptr_t) out_address;
    out[D(PERF_KERNEL_NONPAGED_BYTES)] = (jlong) info.KernelNonpaged * (jlong) info.PageSize;
    out[D(PERF_KERNEL_PAGED_BYTES)] = (jlong) info.KernelPaged * (jlong) info.PageSize;
    out[D(PERF_SYSTEM_HANDLES)] = (jlong) info.HandleCount;
    out[D(PERF_PROCESSES)] = (jlong) info.ProcessCount;
    return 0;
}
