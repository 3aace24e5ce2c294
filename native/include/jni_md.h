/*
 * jni_md.h for Windows x64, used on every build host (mingw-w64 on Linux and on Windows).
 * The JDK's Linux jni_md.h must never be used for the DLL: it marks nothing for export.
 */
#ifndef IOCP4J_JNI_MD_H
#define IOCP4J_JNI_MD_H

#define JNIEXPORT __declspec(dllexport)
#define JNIIMPORT __declspec(dllimport)
#define JNICALL __stdcall

typedef long jint;
typedef __int64 jlong;
typedef signed char jbyte;

#endif
