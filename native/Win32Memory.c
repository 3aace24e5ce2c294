/*
 * The address of a direct ByteBuffer, from the JVM (GetDirectBufferAddress): the one native that takes an
 * object, so Java needs no sun.misc.Unsafe to read java.nio.Buffer's address field. It calls no Win32
 * function and cannot fail but for a buffer that is not direct (NULL from the JVM: 0 here).
 */
#include <stdint.h>

#include <jni.h>

#include "iocp4j.h"
#include "org_iocp4j_internal_windows_Win32Memory.h"

JNIEXPORT jlong JNICALL Java_org_iocp4j_internal_windows_Win32Memory_address0(JNIEnv *env, jclass cls, jobject buffer) {
    UNUSED(cls);
    if (buffer == NULL) {
        return 0;
    }
    return (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buffer);
}
