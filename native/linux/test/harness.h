/*
 * The Linux library's C suite: checks and skips counted, the library under test loaded by path (dlopen),
 * its natives called as the JVM would, with a minimal JNIEnv for the one that reads a Java array.
 */
#ifndef IOCP4J_LINUX_HARNESS_H
#define IOCP4J_LINUX_HARNESS_H

#include <string.h>

#include <jni.h>

/* Records one check; prints "ok" or "FAIL" with the line and the message. Returns the condition. */
int check_at(int ok, int line, const char *expr, const char *format, ...);
#define CHECK(cond, ...) check_at((cond) != 0, __LINE__, #cond, __VA_ARGS__)

/* Records `checks` checks this system cannot show, not run here. */
void skip(int checks, const char *what, const char *why);

/* The address of an export of the library under test; the suite stops if it is missing. */
void *so_export(const char *name);
/* (copied, not cast: ISO C has no conversion from an object pointer to a function pointer; POSIX's dlsym
 * guarantees the representation is the same) */
#define LOAD(var, name) do { void *export_ = so_export(name); memcpy(&(var), &export_, sizeof export_); } while (0)

/* A JNIEnv whose GetArrayLength, GetByteArrayRegion and ExceptionCheck work on fake_array(). */
JNIEnv *fake_env(void);
/* A "jbyteArray" for fake_env(): the bytes of s, without a NUL. */
jbyteArray fake_array(const char *s);

/* A fresh path in $TMPDIR (or /tmp) for a test file. */
void temp_path(const char *tag, char *out, size_t out_size);

/* The areas; each runs its own checks. */
void test_file(void);

#endif
