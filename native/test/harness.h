/*
 * The C suite's harness: checks and skips counted, a crash filter and a watchdog so a failure always
 * ends with the summary line, and the DLL under test loaded by path.
 */
#ifndef IOCP4J_HARNESS_H
#define IOCP4J_HARNESS_H

#include <windows.h>

/* Records one check; prints "ok" or "FAIL" with the line and the message. Returns the condition. */
int check_at(int ok, int line, const char *expr, const char *format, ...);
#define CHECK(cond, ...) check_at((cond) != 0, __LINE__, #cond, __VA_ARGS__)

/* Records `checks` checks that this system cannot show (real Windows only), not run here. */
void skip(int checks, const char *what, const char *why);

/* Non-zero on Windows, or under Wine with IOCP4J_RUN_WINDOWS_ONLY=1 (to re-check a new Wine's behaviour). */
int run_windows_only_checks(void);

/* Non-zero under Wine (ntdll exports wine_get_version). */
int running_under_wine(void);

/* The address of an export of the DLL under test; the suite stops if it is missing. */
void (*dll_export(const char *name))(void);
#define LOAD(var, name) ((var) = (__typeof__(var)) dll_export(name))

/* A fresh path in the temp folder for a test file. */
void temp_path(const wchar_t *tag, wchar_t *out, DWORD out_chars);

/* The areas; each runs its own checks. */
void test_port(void);
void test_diag(void);
void test_file(void);
void test_socket(void);
void test_pipe(void);
void test_memory(void);

#endif
