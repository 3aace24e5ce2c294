/*
 * Win32Memory.c: address0 hands back what the JVM's GetDirectBufferAddress says, and 0 for no buffer or a
 * buffer the JVM gives no address for. A stand-in JNIEnv plays the JVM: its only function treats the
 * jobject as the address of the "buffer" (the natives' contract is with the JNI function, not a real JVM;
 * the Windows JVM leg calls it through a real one, under -Xcheck:jni).
 */
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "org_iocp4j_internal_windows_Win32Memory.h"

static __typeof__(&Java_org_iocp4j_internal_windows_Win32Memory_address0) address0;

static int asked;
static char heap_buffer; /* stands for a buffer that is not direct: the JVM answers NULL */

static void *JNICALL fake_get_direct_buffer_address(JNIEnv *env, jobject buffer) {
    (void) env;
    asked++;
    return buffer == (jobject) &heap_buffer ? NULL : (void *) buffer;
}

void test_memory(void) {
    LOAD(address0, "Java_org_iocp4j_internal_windows_Win32Memory_address0");
    struct JNINativeInterface_ functions;
    memset(&functions, 0, sizeof functions);
    functions.GetDirectBufferAddress = fake_get_direct_buffer_address;
    const struct JNINativeInterface_ *table = &functions;
    JNIEnv *env = &table;

    static long long block[4];
    jlong a = address0(env, NULL, (jobject) block);
    CHECK(a == (jlong) (intptr_t) block && asked == 1, "address0 is GetDirectBufferAddress's answer (0x%llx)",
          (unsigned long long) a);
    CHECK(address0(env, NULL, (jobject) &block[2]) == (jlong) (intptr_t) &block[2], "a second buffer, its own address");
    CHECK(address0(env, NULL, (jobject) &heap_buffer) == 0, "a buffer the JVM gives no address for: 0");
    int before = asked;
    CHECK(address0(env, NULL, NULL) == 0 && asked == before, "no buffer at all: 0, without asking the JVM");
}
