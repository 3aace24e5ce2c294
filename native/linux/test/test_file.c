/*
 * LinuxFile.c's natives on a real file: open's errors, at-once reads from the page cache (RWF_NOWAIT),
 * end of file, write and read back, size and truncate, fsync, and the would-block path where the kernel
 * shows it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static jint (JNICALL *abi_version)(JNIEnv *, jclass);
static jint (JNICALL *open0)(JNIEnv *, jclass, jbyteArray, jint, jint);
static jint (JNICALL *close0)(JNIEnv *, jclass, jint);
static jint (JNICALL *read_nowait)(JNIEnv *, jclass, jint, jlong, jint, jlong);
static jint (JNICALL *write_nowait)(JNIEnv *, jclass, jint, jlong, jint, jlong);
static jint (JNICALL *read0)(JNIEnv *, jclass, jint, jlong, jint, jlong);
static jint (JNICALL *write0)(JNIEnv *, jclass, jint, jlong, jint, jlong);
static jlong (JNICALL *size0)(JNIEnv *, jclass, jint);
static jint (JNICALL *truncate0)(JNIEnv *, jclass, jint, jlong);
static jint (JNICALL *sync0)(JNIEnv *, jclass, jint, jboolean);

#define ADDR(p) ((jlong) (intptr_t) (p))

static jint open_path(const char *path, int flags) {
    return open0(fake_env(), NULL, fake_array(path), (jint) strlen(path), flags);
}

static void test_open_errors(void) {
    char path[256];
    temp_path("missing", path, sizeof path);
    CHECK(open_path(path, O_RDONLY) == -ENOENT, "a missing file: -ENOENT");
    char nested[300];
    snprintf(nested, sizeof nested, "%s/child", path);
    CHECK(open_path(nested, O_RDWR | O_CREAT) == -ENOENT, "a missing parent: -ENOENT (Java tells 3 from 2)");
    CHECK(open_path("/", O_RDWR) == -EISDIR, "a directory for writing: -EISDIR");
    int fd = open_path(path, O_RDWR | O_CREAT | O_EXCL);
    CHECK(fd >= 0, "O_CREAT|O_EXCL creates: %d", fd);
    CHECK(open_path(path, O_RDWR | O_CREAT | O_EXCL) == -EEXIST, "again: -EEXIST");
    CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0, "the descriptor is close-on-exec");
    CHECK(close0(NULL, NULL, fd) == 0, "close: 0");
    CHECK(close0(NULL, NULL, fd) == -EBADF, "close twice: -EBADF");
    CHECK(open0(fake_env(), NULL, fake_array(path), 5000, O_RDONLY) == -EINVAL, "a length past the array: -EINVAL");
    unlink(path);
}

static void test_read_write(void) {
    char path[256];
    temp_path("rw", path, sizeof path);
    int fd = open_path(path, O_RDWR | O_CREAT | O_TRUNC);
    CHECK(fd >= 0, "open: %d", fd);
    char data[8192];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (char) (i * 7 + 1);
    }
    CHECK(write0(NULL, NULL, fd, ADDR(data), 8192, 0) == 8192, "blocking write of 8 KiB");
    jint w = write_nowait(NULL, NULL, fd, ADDR(data), 100, 8192);
    CHECK(w == 100 || w == -EAGAIN || w == -EOPNOTSUPP, "a NOWAIT write: all, or would block, or unsupported: %d", w);
    if (w != 100) {
        CHECK(write0(NULL, NULL, fd, ADDR(data), 100, 8192) == 100, "the same write, blocking");
    }
    CHECK(size0(NULL, NULL, fd) == 8292, "fstat size: %lld", (long long) size0(NULL, NULL, fd));

    char back[8192];
    memset(back, 0, sizeof back);
    jint r = read_nowait(NULL, NULL, fd, ADDR(back), 4096, 4096);
    CHECK(r == 4096, "a NOWAIT read of just-written (cached) data completes at once: %d", r);
    CHECK(memcmp(back, data + 4096, 4096) == 0, "with the bytes written");
    CHECK(read0(NULL, NULL, fd, ADDR(back), 8192, 0) == 8192 && memcmp(back, data, 8192) == 0,
          "a blocking read gives them back");
    CHECK(read_nowait(NULL, NULL, fd, ADDR(back), 1000, 8000) == 292, "a NOWAIT read across the end: short");
    CHECK(read_nowait(NULL, NULL, fd, ADDR(back), 10, 8292) == 0, "a NOWAIT read at the end: 0");
    CHECK(read0(NULL, NULL, fd, ADDR(back), 10, 1 << 20) == 0, "a blocking read past the end: 0");
    CHECK(read_nowait(NULL, NULL, fd, ADDR(back), 0, 0) == 0, "zero bytes: 0");
    CHECK(read0(NULL, NULL, fd, ADDR(back), 10, -1) == -EINVAL, "a negative position: -EINVAL");
    CHECK(read_nowait(NULL, NULL, fd, ADDR(back), -1, 0) == -EINVAL, "a negative length: -EINVAL");
    CHECK(read0(NULL, NULL, 1 << 20, ADDR(back), 10, 0) == -EBADF, "a descriptor never opened: -EBADF");

    CHECK(truncate0(NULL, NULL, fd, 100) == 0 && size0(NULL, NULL, fd) == 100, "truncate shrinks");
    CHECK(truncate0(NULL, NULL, fd, 1 << 20) == 0 && size0(NULL, NULL, fd) == 1 << 20, "and extends");
    CHECK(read0(NULL, NULL, fd, ADDR(back), 16, 4096) == 16 && back[0] == 0 && back[15] == 0,
          "the extension reads as zeros");
    CHECK(truncate0(NULL, NULL, fd, -1) == -EINVAL, "a negative size: -EINVAL");
    CHECK(sync0(NULL, NULL, fd, JNI_FALSE) == 0, "fsync: 0");
    CHECK(sync0(NULL, NULL, fd, JNI_TRUE) == 0, "fdatasync: 0");
    close0(NULL, NULL, fd);

    int ro = open_path(path, O_RDONLY);
    CHECK(write0(NULL, NULL, ro, ADDR(data), 10, 0) == -EBADF, "a write on a read-only descriptor: -EBADF");
    CHECK(truncate0(NULL, NULL, ro, 0) == -EINVAL, "truncate on a read-only descriptor: -EINVAL");
    close0(NULL, NULL, ro);
    CHECK(size0(NULL, NULL, ro) == -EBADF, "fstat on a closed descriptor: -EBADF");
    unlink(path);
}

/*
 * The would-block path: a file written, flushed to the device, then dropped from the page cache
 * (posix_fadvise DONTNEED drops clean pages). Whether the kernel reports EAGAIN depends on the file system (tmpfs keeps every
 * page in memory and never blocks), so a read that completes there is a skip, not a failure.
 */
static void test_would_block(void) {
    char path[256];
    temp_path("nowait", path, sizeof path);
    int fd = open_path(path, O_RDWR | O_CREAT | O_TRUNC);
    const size_t size = 4 << 20;
    char *data = aligned_alloc(4096, size);
    memset(data, 'x', size);
    CHECK(write0(NULL, NULL, fd, ADDR(data), (jint) size, 0) == (jint) size, "write 4 MiB");
    CHECK(sync0(NULL, NULL, fd, JNI_FALSE) == 0, "fsync before dropping the cache");
    int advice = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    CHECK(advice == 0, "posix_fadvise(DONTNEED): %d", advice);
    jint r = read_nowait(NULL, NULL, fd, ADDR(data), 4096, 2 << 20);
    if (r == -EAGAIN) {
        CHECK(1, "a NOWAIT read of dropped pages would block: -EAGAIN");
        CHECK(read0(NULL, NULL, fd, ADDR(data), 4096, 2 << 20) == 4096, "the blocking read then reads them");
    } else {
        skip(2, "EAGAIN from a NOWAIT read", "the file system kept the pages (tmpfs?) or read them at once");
        CHECK(r == 4096, "the read that did not block read it all: %d", r);
    }
    close0(NULL, NULL, fd);
    free(data);
    unlink(path);
}

void test_file(void) {
    LOAD(abi_version, "Java_org_iocp4j_internal_linux_LinuxFile_abiVersion0");
    LOAD(open0, "Java_org_iocp4j_internal_linux_LinuxFile_open0");
    LOAD(close0, "Java_org_iocp4j_internal_linux_LinuxFile_close0");
    LOAD(read_nowait, "Java_org_iocp4j_internal_linux_LinuxFile_readNowait0");
    LOAD(write_nowait, "Java_org_iocp4j_internal_linux_LinuxFile_writeNowait0");
    LOAD(read0, "Java_org_iocp4j_internal_linux_LinuxFile_read0");
    LOAD(write0, "Java_org_iocp4j_internal_linux_LinuxFile_write0");
    LOAD(size0, "Java_org_iocp4j_internal_linux_LinuxFile_size0");
    LOAD(truncate0, "Java_org_iocp4j_internal_linux_LinuxFile_truncate0");
    LOAD(sync0, "Java_org_iocp4j_internal_linux_LinuxFile_sync0");
    CHECK(abi_version(NULL, NULL) >= 1, "an ABI version: %d", abi_version(NULL, NULL));
    test_open_errors();
    test_read_write();
    test_would_block();
}
