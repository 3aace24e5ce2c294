/*
 * What the I/O tests (files, sockets, pipes) share: the port natives they drive, and a bounded wait for
 * one packet.
 */
#ifndef IOCP4J_IO_COMMON_H
#define IOCP4J_IO_COMMON_H

#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32Port.h"

typedef struct {
    __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_createPort0) create_port0;
    __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_associate0) associate0;
    __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_dequeue0) dequeue0;
    __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_cancel0) cancel0;
    __typeof__(&Java_org_iocp4j_internal_windows_Win32Port_close0) close0;
} port_natives;

static inline void load_port_natives(port_natives *p) {
    LOAD(p->create_port0, "Java_org_iocp4j_internal_windows_Win32Port_createPort0");
    LOAD(p->associate0, "Java_org_iocp4j_internal_windows_Win32Port_associate0");
    LOAD(p->dequeue0, "Java_org_iocp4j_internal_windows_Win32Port_dequeue0");
    LOAD(p->cancel0, "Java_org_iocp4j_internal_windows_Win32Port_cancel0");
    LOAD(p->close0, "Java_org_iocp4j_internal_windows_Win32Port_close0");
}

static inline jlong addr_of(const void *p) {
    return (jlong) (intptr_t) p;
}

/* Waits up to 5 s for one packet into *r; returns 1 if one came (success or failed operation). */
static inline int next_packet(const port_natives *p, jlong port, iocp4j_dequeue_result *r) {
    memset(r, 0, sizeof *r);
    jint got = p->dequeue0(NULL, NULL, port, addr_of(r), 5000);
    return got == org_iocp4j_internal_windows_Win32Port_DEQUEUE_PACKET || got == org_iocp4j_internal_windows_Win32Port_DEQUEUE_FAILED_PACKET;
}

#endif
