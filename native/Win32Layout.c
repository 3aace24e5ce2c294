/*
 * The Java/C layout contract: every constant of org.iocp4j.internal.Win32Layout checked against the
 * real structure. A wrong constant in Java fails this file's compilation.
 */
#include <stddef.h>
#include <windows.h>

#include "iocp4j.h"
#include "org_iocp4j_internal_Win32Layout.h"

#define L(name) org_iocp4j_internal_Win32Layout_##name

_Static_assert(sizeof(jlong) == 8, "jlong must be 64 bits");
_Static_assert(sizeof(jint) == 4, "jint must be 32 bits");
_Static_assert(sizeof(HANDLE) == 8, "iocp4j is x64 only: a HANDLE must fit a jlong exactly");
_Static_assert(sizeof(ULONG_PTR) == 8, "ULONG_PTR keys must be 64 bits");

_Static_assert(sizeof(OVERLAPPED) == L(OVERLAPPED_SIZE), "Win32Layout.OVERLAPPED_SIZE");
_Static_assert(offsetof(OVERLAPPED, Internal) == L(OVERLAPPED_INTERNAL), "Win32Layout.OVERLAPPED_INTERNAL");
_Static_assert(offsetof(OVERLAPPED, InternalHigh) == L(OVERLAPPED_INTERNAL_HIGH), "Win32Layout.OVERLAPPED_INTERNAL_HIGH");
_Static_assert(offsetof(OVERLAPPED, Offset) == L(OVERLAPPED_OFFSET), "Win32Layout.OVERLAPPED_OFFSET");
_Static_assert(offsetof(OVERLAPPED, OffsetHigh) == L(OVERLAPPED_OFFSET_HIGH), "Win32Layout.OVERLAPPED_OFFSET_HIGH");
_Static_assert(offsetof(OVERLAPPED, hEvent) == L(OVERLAPPED_HEVENT), "Win32Layout.OVERLAPPED_HEVENT");

_Static_assert(sizeof(OVERLAPPED_ENTRY) == L(ENTRY_SIZE), "Win32Layout.ENTRY_SIZE");
_Static_assert(offsetof(OVERLAPPED_ENTRY, lpCompletionKey) == L(ENTRY_KEY), "Win32Layout.ENTRY_KEY");
_Static_assert(offsetof(OVERLAPPED_ENTRY, lpOverlapped) == L(ENTRY_OVERLAPPED), "Win32Layout.ENTRY_OVERLAPPED");
_Static_assert(offsetof(OVERLAPPED_ENTRY, Internal) == L(ENTRY_STATUS), "Win32Layout.ENTRY_STATUS");
_Static_assert(offsetof(OVERLAPPED_ENTRY, dwNumberOfBytesTransferred) == L(ENTRY_BYTES), "Win32Layout.ENTRY_BYTES");

_Static_assert(sizeof(iocp4j_dequeue_result) == L(RESULT_SIZE), "Win32Layout.RESULT_SIZE");
_Static_assert(offsetof(iocp4j_dequeue_result, key) == L(RESULT_KEY), "Win32Layout.RESULT_KEY");
_Static_assert(offsetof(iocp4j_dequeue_result, overlapped) == L(RESULT_OVERLAPPED), "Win32Layout.RESULT_OVERLAPPED");
_Static_assert(offsetof(iocp4j_dequeue_result, bytes) == L(RESULT_BYTES), "Win32Layout.RESULT_BYTES");
_Static_assert(offsetof(iocp4j_dequeue_result, error) == L(RESULT_ERROR), "Win32Layout.RESULT_ERROR");

/* ISO C forbids an empty translation unit. */
typedef int iocp4j_layout_checked;
