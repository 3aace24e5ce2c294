/*
 * File descriptors for the portable backend on Linux: one system call per function, primitives only,
 * >= 0 the value or -errno read right after the failing call. Policy (flags, errno -> Win32 codes, what
 * to do on EAGAIN) lives in org.iocp4j.internal.linux and org.iocp4j.internal.portable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <jni.h>

#include "iocp4j_linux.h"
#include "org_iocp4j_internal_linux_LinuxFile.h"

#define K(name) org_iocp4j_internal_linux_LinuxFile_##name
#define SAME(name) _Static_assert(org_iocp4j_internal_linux_LinuxFile_##name == (name), #name " in LinuxFile.java differs from the system's")

/* The constants Java passes and compares: a drift fails the build, never a call. */
SAME(O_RDONLY); SAME(O_WRONLY); SAME(O_RDWR); SAME(O_CREAT); SAME(O_EXCL); SAME(O_TRUNC); SAME(O_DSYNC);
SAME(EPERM); SAME(ENOENT); SAME(EIO); SAME(EBADF); SAME(EAGAIN); SAME(ENOMEM); SAME(EACCES); SAME(EEXIST);
SAME(ENOTDIR); SAME(EISDIR); SAME(EINVAL); SAME(ENFILE); SAME(EMFILE); SAME(ETXTBSY); SAME(EFBIG);
SAME(ENOSPC); SAME(EROFS); SAME(ENAMETOOLONG); SAME(ELOOP); SAME(EOPNOTSUPP); SAME(EDQUOT);
_Static_assert(K(MAX_PATH_BYTES) < PATH_MAX_BYTES, "MAX_PATH_BYTES leaves no room for the NUL");

_Static_assert(sizeof(long) == sizeof(off_t), "preadv2's pos_l must carry the whole offset (a 64-bit build)");

#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008 /* linux/fs.h, since 4.14; older headers lack it */
#endif

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_abiVersion0(JNIEnv *env, jclass cls) {
    UNUSED(env);
    UNUSED(cls);
    return K(ABI_VERSION);
}

/* The path's bytes are copied into a NUL-terminated buffer on the stack: no pinning, no allocation. */
JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_open0(JNIEnv *env, jclass cls, jbyteArray path,
                                                                    jint length, jint flags) {
    UNUSED(cls);
    char name[PATH_MAX_BYTES];
    if (path == NULL || length < 0 || length > K(MAX_PATH_BYTES)
            || (*env)->GetArrayLength(env, path) < length) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, path, 0, length, (jbyte *) name);
    if ((*env)->ExceptionCheck(env)) {
        return -EINVAL; /* cannot happen after the length check; the exception stays pending for Java */
    }
    name[length] = '\0';
    int fd;
    do {
        fd = open(name, flags | O_CLOEXEC, 0666);
    } while (fd < 0 && errno == EINTR);
    return fd >= 0 ? fd : -errno;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_close0(JNIEnv *env, jclass cls, jint fd) {
    UNUSED(env);
    UNUSED(cls);
    /* Never retried: on Linux the descriptor is released even when close reports EINTR. */
    return close(fd) == 0 ? 0 : -errno;
}

static jint io_at_once(int fd, jlong address, jint length, jlong position, int write) {
    if (length < 0 || position < 0) {
        return -EINVAL;
    }
    struct iovec iov = { (void *) (intptr_t) address, (size_t) length };
    long n;
    /*
     * The system call itself, not glibc's preadv2/pwritev2: those are cancellation points, which wrap each call
     * in two more calls to switch asynchronous cancellation on and off (1.6% of a cached read's time), for a
     * pthread_cancel the JVM never uses. On a 64-bit kernel pos_l carries the whole offset; pos_h is 0.
     */
    do {
        n = syscall(write ? SYS_pwritev2 : SYS_preadv2, fd, &iov, 1, (long) position, 0L, RWF_NOWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        /* ENOSYS (no preadv2, before 4.6) means what EOPNOTSUPP (no RWF_NOWAIT, before 4.14) does: not here. */
        return errno == ENOSYS ? -EOPNOTSUPP : -errno;
    }
    return (jint) n;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_readNowait0(JNIEnv *env, jclass cls, jint fd,
                                                                          jlong address, jint length, jlong position) {
    UNUSED(env);
    UNUSED(cls);
    return io_at_once(fd, address, length, position, 0);
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_writeNowait0(JNIEnv *env, jclass cls, jint fd,
                                                                           jlong address, jint length, jlong position) {
    UNUSED(env);
    UNUSED(cls);
    return io_at_once(fd, address, length, position, 1);
}

/* A blocking pread or pwrite (the device threads'), retried on EINTR. */
static jint io_blocking(int fd, jlong address, jint length, jlong position, int write) {
    if (length < 0 || position < 0) {
        return -EINVAL;
    }
    void *buffer = (void *) (intptr_t) address;
    ssize_t n;
    do {
        n = write ? pwrite(fd, buffer, (size_t) length, (off_t) position)
                  : pread(fd, buffer, (size_t) length, (off_t) position);
    } while (n < 0 && errno == EINTR);
    return n >= 0 ? (jint) n : -errno;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_read0(JNIEnv *env, jclass cls, jint fd,
                                                                    jlong address, jint length, jlong position) {
    UNUSED(env);
    UNUSED(cls);
    return io_blocking(fd, address, length, position, 0);
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_write0(JNIEnv *env, jclass cls, jint fd,
                                                                     jlong address, jint length, jlong position) {
    UNUSED(env);
    UNUSED(cls);
    return io_blocking(fd, address, length, position, 1);
}

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_linux_LinuxFile_size0(JNIEnv *env, jclass cls, jint fd) {
    UNUSED(env);
    UNUSED(cls);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return -errno;
    }
    return (jlong) st.st_size;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_truncate0(JNIEnv *env, jclass cls, jint fd,
                                                                        jlong size) {
    UNUSED(env);
    UNUSED(cls);
    if (size < 0) {
        return -EINVAL;
    }
    int r;
    do {
        r = ftruncate(fd, (off_t) size);
    } while (r != 0 && errno == EINTR);
    return r == 0 ? 0 : -errno;
}

JNIEXPORT jint JNICALL Java_org_iocp4j_internal_linux_LinuxFile_sync0(JNIEnv *env, jclass cls, jint fd,
                                                                    jboolean data_only) {
    UNUSED(env);
    UNUSED(cls);
    int r;
    do {
        r = data_only ? fdatasync(fd) : fsync(fd);
    } while (r != 0 && errno == EINTR);
    return r == 0 ? 0 : -errno;
}
