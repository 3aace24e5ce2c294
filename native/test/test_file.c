/*
 * The file natives (Win32File.c): a sparse file, positions above 4 GiB, end of file (at once or in the packet),
 * size, end-of-file moves, flush, sector size, notification modes, a missing file.
 */
#include <stdio.h>
#include <string.h>

#include "io_common.h"
#include "org_iocp4j_internal_windows_Win32File.h"

#define F(name) org_iocp4j_internal_windows_Win32File_##name

static port_natives p;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_createFile0) create_file0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_read0) read0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_write0) write0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_size0) size0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_truncate0) truncate0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_flush0) flush0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_sectorSize0) sector_size0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_setNotificationModes0) set_modes0;
static __typeof__(&Java_org_iocp4j_internal_windows_Win32File_setSparse0) set_sparse0;

static void load_exports(void) {
    load_port_natives(&p);
    LOAD(create_file0, "Java_org_iocp4j_internal_windows_Win32File_createFile0");
    LOAD(read0, "Java_org_iocp4j_internal_windows_Win32File_read0");
    LOAD(write0, "Java_org_iocp4j_internal_windows_Win32File_write0");
    LOAD(size0, "Java_org_iocp4j_internal_windows_Win32File_size0");
    LOAD(truncate0, "Java_org_iocp4j_internal_windows_Win32File_truncate0");
    LOAD(flush0, "Java_org_iocp4j_internal_windows_Win32File_flush0");
    LOAD(sector_size0, "Java_org_iocp4j_internal_windows_Win32File_sectorSize0");
    LOAD(set_modes0, "Java_org_iocp4j_internal_windows_Win32File_setNotificationModes0");
    LOAD(set_sparse0, "Java_org_iocp4j_internal_windows_Win32File_setSparse0");
}

static void at(OVERLAPPED *o, UINT64 position) {
    memset(o, 0, sizeof *o);
    o->Offset = (DWORD) position;
    o->OffsetHigh = (DWORD) (position >> 32);
}

/* A call's result and its packet, when one comes: the bytes and the error. Returns 0 if the call failed at once. */
static int completes(jlong result, jlong port, OVERLAPPED *o, UINT32 *bytes, UINT32 *error, const char *what) {
    if (result < 0 && result != -997) {
        *bytes = 0;
        *error = (UINT32) -result;
        printf("# %s failed at once with %lld\n", what, (long long) -result);
        return 0;
    }
    iocp4j_dequeue_result r;
    if (!CHECK(next_packet(&p, port, &r) && r.overlapped == (UINT64) addr_of(o), "%s: its packet comes", what)) {
        return 0;
    }
    *bytes = r.bytes;
    *error = r.error;
    return 1;
}

void test_file(void) {
    load_exports();
    jlong port = p.create_port0(NULL, NULL, 0);
    wchar_t path[MAX_PATH];
    temp_path(L"file", path, MAX_PATH);
    jlong h = create_file0(NULL, NULL, addr_of(path), F(GENERIC_READ) | F(GENERIC_WRITE),
                           F(FILE_SHARE_READ) | F(FILE_SHARE_WRITE) | F(FILE_SHARE_DELETE), F(CREATE_ALWAYS),
                           F(FILE_FLAG_OVERLAPPED) | F(FILE_FLAG_DELETE_ON_CLOSE));
    if (!CHECK(h > 0, "createFile0 with FILE_FLAG_OVERLAPPED opens a new file (got %lld)", (long long) h)) {
        return;
    }
    /* Sparse before the write at 5 GiB: on NTFS a plain file would first get 5 GiB of zeros, synchronously
     * (minutes, beyond the watchdog). After the association: the call must not queue a packet on the port. */
    CHECK(p.associate0(NULL, NULL, port, h, 11) == 0, "the file associates with the port");
    jint sparse = set_sparse0(NULL, NULL, h);
    CHECK(sparse == 0, "setSparse0 succeeds (got %ld)", (long) sparse);
    iocp4j_dequeue_result stray;
    CHECK(p.dequeue0(NULL, NULL, port, addr_of(&stray), 0) == org_iocp4j_internal_windows_Win32Port_DEQUEUE_TIMEOUT,
          "setSparse0 queues no packet on the file's port");
    if (run_windows_only_checks()) {
        DWORD attributes = GetFileAttributesW(path);
        CHECK(attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_SPARSE_FILE) != 0,
              "the file is sparse: FILE_ATTRIBUTE_SPARSE_FILE (attributes 0x%lx)", attributes);
    } else {
        skip(1, "setSparse0 makes the file sparse", "Wine accepts FSCTL_SET_SPARSE and ignores it");
    }

    const UINT64 beyond4g = (5ULL << 30) + 3; /* above 4 GiB: OffsetHigh = 1 */
    static char hello[] = "hello";
    OVERLAPPED o;
    UINT32 bytes;
    UINT32 error;
    at(&o, beyond4g);
    completes(write0(NULL, NULL, h, addr_of(hello), 5, addr_of(&o)), port, &o, &bytes, &error, "write at 5 GiB + 3");
    CHECK(bytes == 5 && error == 0, "the write's packet: 5 bytes, no error (got %u, %u)", bytes, error);
    CHECK(size0(NULL, NULL, h) == (jlong) (beyond4g + 5), "size0 is 5 GiB + 8 (got %lld)", (long long) size0(NULL, NULL, h));

    static char back[16];
    at(&o, beyond4g);
    completes(read0(NULL, NULL, h, addr_of(back), sizeof back, addr_of(&o)), port, &o, &bytes, &error, "read at 5 GiB + 3");
    CHECK(bytes == 5 && error == 0 && memcmp(back, "hello", 5) == 0, "the read gets the 5 bytes back (got %u, %u)", bytes,
          error);

    at(&o, beyond4g + 5);
    int packet = completes(read0(NULL, NULL, h, addr_of(back), sizeof back, addr_of(&o)), port, &o, &bytes, &error,
                           "read at the end");
    CHECK(error == 38 && bytes == 0, "a read at the end: ERROR_HANDLE_EOF (38) %s (got %u)",
          packet ? "in the packet" : "at once", error);

    CHECK(truncate0(NULL, NULL, h, 10) == 0 && size0(NULL, NULL, h) == 10, "truncate0 sets the size to 10");
    CHECK(flush0(NULL, NULL, h) == 0, "flush0 of a writable file succeeds");
    jint sector = sector_size0(NULL, NULL, h);
    if (running_under_wine()) {
        printf("# sectorSize0 under Wine: %ld\n", (long) sector);
    } else {
        CHECK(sector >= 512 && (sector & (sector - 1)) == 0, "sectorSize0 is a power of two >= 512 (got %ld)", (long) sector);
    }
    jint modes = set_modes0(NULL, NULL, h, F(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) | F(FILE_SKIP_SET_EVENT_ON_HANDLE));
    CHECK(modes == 0, "setNotificationModes0(skip on success) succeeds (got %ld)", (long) modes);
    at(&o, 0);
    jlong now = read0(NULL, NULL, h, addr_of(back), 4, addr_of(&o));
    if (now >= 0) {
        CHECK(now == 4, "with skip-on-success, a read that completes at once reports its bytes (got %lld)", (long long) now);
    } else {
        UINT32 b2;
        UINT32 e2;
        completes(now, port, &o, &b2, &e2, "read with skip-on-success, pending");
        CHECK(b2 == 4 && e2 == 0, "with skip-on-success, a pending read still completes by packet (got %u, %u)", b2, e2);
    }
    CHECK(p.close0(NULL, NULL, h) == 0, "close0 closes the file");

    wchar_t missing[MAX_PATH];
    temp_path(L"missing", missing, MAX_PATH);
    jlong none = create_file0(NULL, NULL, addr_of(missing), F(GENERIC_READ), F(FILE_SHARE_READ), F(OPEN_EXISTING),
                              F(FILE_FLAG_OVERLAPPED));
    CHECK(none == -2, "opening a missing file fails with -2 (got %lld)", (long long) none);
    p.close0(NULL, NULL, port);
}
