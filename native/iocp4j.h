/* Shared by the DLL's sources and the C test suite. */
#ifndef IOCP4J_H
#define IOCP4J_H

#include <windows.h>

/* The single dequeue's result block; org.iocp4j.internal.Win32Layout mirrors it (RESULT_*). */
typedef struct {
    UINT64 key;
    UINT64 overlapped;
    UINT32 bytes;
    UINT32 error;
} iocp4j_dequeue_result;

/* Marks a JNI parameter the function does not use (env and cls, mostly). */
#define UNUSED(x) (void) (x)

#endif
