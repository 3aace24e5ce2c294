/*
 * main() of the C suite: loads the DLL named on the command line, runs every area, prints
 * "N passed, M failed" as the last line and exits non-zero on failure, a crash or a hang.
 */
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The whole suite takes ~1 s under Wine; a hang must still end well inside the build's patience. */
#define WATCHDOG_MILLIS 60000

static volatile LONG passed;
static volatile LONG failed;
static volatile LONG skipped;
static HMODULE dll;

static void summary(void) {
    if (skipped > 0) {
        printf("%ld skipped (%s)\n", (long) skipped,
               running_under_wine() ? "Windows only, running under Wine" : "not applicable here");
    }
    printf("%ld passed, %ld failed\n", (long) passed, (long) failed);
    fflush(stdout);
}

int check_at(int ok, int line, const char *expr, const char *format, ...) {
    va_list args;
    va_start(args, format);
    printf("%s - ", ok ? "ok" : "FAIL");
    vprintf(format, args);
    if (!ok) {
        printf("  [line %d: %s]", line, expr);
    }
    printf("\n");
    va_end(args);
    InterlockedIncrement(ok ? &passed : &failed);
    return ok;
}

void skip(int checks, const char *what, const char *why) {
    printf("skip - %s: %d check%s (%s)\n", what, checks, checks == 1 ? "" : "s", why);
    InterlockedExchangeAdd(&skipped, checks);
}

int run_windows_only_checks(void) {
    char value[8];
    DWORD n = GetEnvironmentVariableA("IOCP4J_RUN_WINDOWS_ONLY", value, sizeof value);
    return !running_under_wine() || (n == 1 && value[0] == '1');
}

int running_under_wine(void) {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}

void (*dll_export(const char *name))(void) {
    FARPROC p = GetProcAddress(dll, name);
    if (p == NULL) {
        CHECK(0, "the DLL exports %s (error %lu)", name, GetLastError());
        summary();
        ExitProcess(1);
    }
    return (void (*)(void)) p;
}

void temp_path(const wchar_t *tag, wchar_t *out, DWORD out_chars) {
    wchar_t dir[MAX_PATH];
    GetTempPathW(MAX_PATH, dir);
    _snwprintf(out, out_chars, L"%ls\\iocp4j-%ls-%lu-%lu.tmp", dir, tag, GetCurrentProcessId(), GetTickCount());
    out[out_chars - 1] = 0;
}

static LONG WINAPI on_crash(EXCEPTION_POINTERS *info) {
    printf("CRASH exception 0x%08lx at %p\n", info->ExceptionRecord->ExceptionCode,
           info->ExceptionRecord->ExceptionAddress);
    InterlockedIncrement(&failed);
    summary();
    ExitProcess(2);
}

static DWORD WINAPI watchdog(LPVOID unused) {
    (void) unused;
    Sleep(WATCHDOG_MILLIS);
    printf("WATCHDOG the suite did not finish within %d s\n", WATCHDOG_MILLIS / 1000);
    InterlockedIncrement(&failed);
    summary();
    ExitProcess(3);
}

int main(int argc, char **argv) {
    _setmode(_fileno(stdout), _O_BINARY);
    setvbuf(stdout, NULL, _IONBF, 0);
    SetUnhandledExceptionFilter(on_crash);
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    CloseHandle(CreateThread(NULL, 0, watchdog, NULL, 0, NULL));

    if (argc != 2) {
        printf("usage: iocp4j-tests <path of iocp4j.dll>\n");
        return 2;
    }
    /* Under Wine a Unix path is Z:\... (MSYS2 already hands a native Windows program C:/...) */
    char path[MAX_PATH * 2];
    if (argv[1][0] == '/' && running_under_wine()) {
        snprintf(path, sizeof path, "Z:%s", argv[1]);
    } else {
        snprintf(path, sizeof path, "%s", argv[1]);
    }
    for (char *c = path; *c; c++) {
        if (*c == '/') {
            *c = '\\';
        }
    }
    dll = LoadLibraryA(path);
    if (!CHECK(dll != NULL, "LoadLibrary(%s) (error %lu)", path, GetLastError())) {
        summary();
        return 1;
    }
    printf("# iocp4j C suite on %s\n", running_under_wine() ? "Wine" : "Windows");

    test_port();
    test_diag();
    test_file();
    test_socket();
    test_pipe();
    test_memory();

    summary();
    return failed == 0 ? 0 : 1;
}
