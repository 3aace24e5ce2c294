/* Shared by libiocp4j.so's sources and its C test suite. */
#ifndef IOCP4J_LINUX_H
#define IOCP4J_LINUX_H

/* Marks a JNI parameter the function does not use (env and cls, mostly). */
#define UNUSED(x) (void) (x)

/* The stack buffer open0 copies a path into: Linux's PATH_MAX, NUL included. */
#define PATH_MAX_BYTES 4096

#endif
