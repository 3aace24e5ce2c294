/*
 * The address of a direct ByteBuffer, from the JVM (GetDirectBufferAddress): the one native of
 * libiocp4j.so that takes an object. It makes no system call and fails only for a buffer that is not
 * direct (NULL from the JVM: 0 here).
 */
#include <stdint.h>

#include <jni.h>

#include "iocp4j_linux.h"
#include "org_iocp4j_internal_linux_LinuxMemory.h"

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_linux_LinuxMemory_address0(JNIEnv *env, jclass cls, jobject buffer) {
    UNUSED(cls);
    if (buffer == NULL) {
        return 0;
    }
    return (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}
