#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int passed;
static int failed;
static int skipped;
static void *library;

int check_at(int ok, int line, const char *expr, const char *format, ...) {
    va_list args;
    va_start(args, format);
    printf("%s line %d: %s: ", ok ? "ok  " : "FAIL", line, expr);
    vprintf(format, args);
    printf("\n");
    va_end(args);
    if (ok) {
        passed++;
    } else {
        failed++;
    }
    return ok;
}

void skip(int checks, const char *what, const char *why) {
    printf("skip %s (%d checks): %s\n", what, checks, why);
    skipped += checks;
}

void *so_export(const char *name) {
    void *f = dlsym(library, name);
    if (f == NULL) {
        printf("FAIL: the library has no export %s\n", name);
        printf("%d passed, %d failed\n", passed, failed + 1);
        exit(1);
    }
    return f;
}

/* A fake array is a pointer to this: JNI only ever sees it as an opaque handle. */
struct fake_array {
    jsize length;
    const char *bytes;
};

static jsize JNICALL fake_length(JNIEnv *env, jarray array) {
    (void) env;
    return ((struct fake_array *) array)->length;
}

static void JNICALL fake_region(JNIEnv *env, jbyteArray array, jsize start, jsize len, jbyte *buf) {
    (void) env;
    memcpy(buf, ((struct fake_array *) array)->bytes + start, (size_t) len);
}

static jboolean JNICALL fake_exception_check(JNIEnv *env) {
    (void) env;
    return JNI_FALSE;
}

JNIEnv *fake_env(void) {
    static struct JNINativeInterface_ functions;
    static JNIEnv env;
    functions.GetArrayLength = fake_length;
    functions.GetByteArrayRegion = fake_region;
    functions.ExceptionCheck = fake_exception_check;
    env = &functions;
    return &env;
}

jbyteArray fake_array(const char *s) {
    struct fake_array *a = malloc(sizeof *a); /* a few per run, left to the process's end */
    a->length = (jsize) strlen(s);
    a->bytes = s;
    return (jbyteArray) (void *) a;
}

void temp_path(const char *tag, char *out, size_t out_size) {
    static int n;
    const char *dir = getenv("TMPDIR");
    snprintf(out, out_size, "%s/iocp4j-linux-test-%d-%s-%d", dir != NULL && *dir ? dir : "/tmp", (int) getpid(),
             tag, ++n);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s path/to/libiocp4j.so\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0);
    library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        printf("FAIL: dlopen %s: %s\n0 passed, 1 failed\n", argv[1], dlerror());
        return 1;
    }
    test_file();
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed == 0 ? 0 : 1;
}
