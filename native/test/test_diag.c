/*
 * The diagnostics natives (Win32Diag.c): handle counts rising and falling by exactly what was opened and
 * closed, memory and performance counters, a process that does not exist.
 */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"
#include "org_iocp4j_internal_windows_Win32Diag.h"

#define D(name) org_iocp4j_internal_windows_Win32Diag_##name
#define OPENED 25

static __typeof__(&Java_org_iocp4j_internal_windows_Win32Diag_processHandleCount0) process_handle_count0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Diag_systemHandleCount0) system_handle_count0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Diag_processMemory0) process_memory0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Diag_performanceInfo0) performance_info0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Diag_currentProcessId0) current_process_id0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32Diag_wineVersion0) wine_version0;

static void load_exports(void) {
    LOAD(process_handle_count0, "Java_org_iocp4j_internal_windows_Win32Diag_processHandleCount0");
    LOAD(system_handle_count0, "Java_org_iocp4j_internal_windows_Win32Diag_systemHandleCount0");
    LOAD(process_memory0, "Java_org_iocp4j_internal_windows_Win32Diag_processMemory0");
    LOAD(performance_info0, "Java_org_iocp4j_internal_windows_Win32Diag_performanceInfo0");
    LOAD(current_process_id0, "Java_org_iocp4j_internal_windows_Win32Diag_currentProcessId0");
    LOAD(wine_version0, "Java_org_iocp4j_internal_windows_Win32Diag_wineVersion0");
}

/* Opens OPENED events, counts, closes them, counts: the count must move by exactly OPENED both ways. */
static void handle_counts_follow_opens_and_closes(__typeof__(&Java_org_iocp4j_internal_windows_Win32Diag_systemHandleCount0) count,
                                                  jint pid, const char *how) {
    HANDLE events[OPENED];
    jlong before = count(NULL, NULL, pid);
    for (int i = 0; i < OPENED; i++) {
        events[i] = CreateEventW(NULL, TRUE, FALSE, NULL);
    }
    jlong during = count(NULL, NULL, pid);
    for (int i = 0; i < OPENED; i++) {
        CloseHandle(events[i]);
    }
    jlong after = count(NULL, NULL, pid);
    CHECK(before > 0 && during - before == OPENED, "%s: %d events opened, the count rises by %d (%lld -> %lld)", how,
          OPENED, OPENED, (long long) before, (long long) during);
    CHECK(after == before, "%s: closed again, it falls back (%lld -> %lld)", how, (long long) during, (long long) after);
}

#define PROCESS_COUNT_CHECKS 2
#define QUOTA_CHECKS 2

void test_diag(void) {
    load_exports();
    jint self = current_process_id0(NULL, NULL);
    CHECK(self == (jint) GetCurrentProcessId(), "currentProcessId0 is this process");

    char version[32] = "unchanged";
    jint length = wine_version0(NULL, NULL, (jlong) (intptr_t) version, (jint) sizeof version);
    if (running_under_wine()) {
        CHECK(length > 0 && version[length] == '\0' && version[0] >= '1' && version[0] <= '9',
              "wineVersion0 under Wine: \"%s\" (%d chars)", version, (int) length);
    } else {
        CHECK(length == 0, "wineVersion0 on Windows: 0 (got %d)", (int) length);
    }
    char tiny[3] = "xx";
    jint cut = wine_version0(NULL, NULL, (jlong) (intptr_t) tiny, (jint) sizeof tiny);
    CHECK(cut == (length > 0 ? 2 : 0) && (length == 0 || tiny[cut] == '\0'),
          "wineVersion0 truncates to its capacity, NUL included (%d chars)", (int) cut);

    handle_counts_follow_opens_and_closes(system_handle_count0, 0, "SystemExtendedHandleInformation, this process");
    handle_counts_follow_opens_and_closes(system_handle_count0, self, "SystemExtendedHandleInformation, by pid");
    jlong missing = system_handle_count0(NULL, NULL, 0x7FFFFFF0);
    CHECK(missing < 0, "systemHandleCount0 of a process that does not exist fails (got %lld)", (long long) missing);
    jlong missing2 = process_handle_count0(NULL, NULL, 0x7FFFFFF0);
    CHECK(missing2 < 0, "processHandleCount0 of a process that does not exist fails (got %lld)", (long long) missing2);

    jlong memory[D(MEMORY_LONGS)] = {0};
    jint memory_result = process_memory0(NULL, NULL, 0, (jlong) (intptr_t) memory);
    CHECK(memory_result == 0 && memory[D(MEMORY_WORKING_SET)] > 0,
          "processMemory0: this process has a working set (%lld bytes)", (long long) memory[D(MEMORY_WORKING_SET)]);
    jlong perf[D(PERF_LONGS)] = {0};
    jint perf_result = performance_info0(NULL, NULL, (jlong) (intptr_t) perf);
    CHECK(perf_result == 0 && perf[D(PERF_PROCESSES)] > 0,
          "performanceInfo0 succeeds and counts processes (%lld)", (long long) perf[D(PERF_PROCESSES)]);

    if (run_windows_only_checks()) {
        handle_counts_follow_opens_and_closes(process_handle_count0, 0, "GetProcessHandleCount");
        CHECK(memory[D(MEMORY_NONPAGED_POOL_QUOTA)] > 0, "this process is charged nonpaged pool quota (%lld bytes)",
              (long long) memory[D(MEMORY_NONPAGED_POOL_QUOTA)]);
        CHECK(perf[D(PERF_KERNEL_NONPAGED_BYTES)] > 0, "the system's nonpaged pool is reported (%lld bytes)",
              (long long) perf[D(PERF_KERNEL_NONPAGED_BYTES)]);
    } else {
        skip(PROCESS_COUNT_CHECKS, "GetProcessHandleCount follows opens and closes", "a stub returning 0 under Wine");
        skip(QUOTA_CHECKS, "nonpaged pool quota and KernelNonpaged are reported", "stubs returning 0 under Wine");
    }
}
