package org.iocp4j.internal;

import java.lang.annotation.Native;

/**
 * Sizes and offsets of the Win32 structures iocp4j reads and writes off-heap (x64 only).
 *
 * <p>{@code javac -h} turns every {@link Native} constant here into a {@code #define} in
 * {@code org_iocp4j_internal_Win32Layout.h}; {@code native/Win32Layout.c} checks each one against the
 * real structure with {@code _Static_assert}, so a wrong constant fails the mingw build.
 */
public final class Win32Layout {

    /*
     * typedef struct _OVERLAPPED {
     *     ULONG_PTR Internal;       //  0  NTSTATUS of the operation, written by the kernel
     *     ULONG_PTR InternalHigh;   //  8  bytes transferred
     *     union {
     *         struct { DWORD Offset; DWORD OffsetHigh; };   // 16, 20
     *         PVOID  Pointer;
     *     };
     *     HANDLE    hEvent;         // 24
     * } OVERLAPPED;                 // 32
     */
    @Native public static final int OVERLAPPED_SIZE = 32;
    @Native public static final int OVERLAPPED_INTERNAL = 0;
    @Native public static final int OVERLAPPED_INTERNAL_HIGH = 8;
    @Native public static final int OVERLAPPED_OFFSET = 16;
    @Native public static final int OVERLAPPED_OFFSET_HIGH = 20;
    @Native public static final int OVERLAPPED_HEVENT = 24;

    /*
     * typedef struct _OVERLAPPED_ENTRY {
     *     ULONG_PTR    lpCompletionKey;            //  0
     *     LPOVERLAPPED lpOverlapped;               //  8
     *     ULONG_PTR    Internal;                   // 16  NTSTATUS; iocp4j rewrites it to a Win32 code
     *     DWORD        dwNumberOfBytesTransferred; // 24
     * } OVERLAPPED_ENTRY;                          // 32
     */
    @Native public static final int ENTRY_SIZE = 32;
    @Native public static final int ENTRY_KEY = 0;
    @Native public static final int ENTRY_OVERLAPPED = 8;
    @Native public static final int ENTRY_STATUS = 16;
    @Native public static final int ENTRY_BYTES = 24;

    /*
     * iocp4j's own result block for the single dequeue (native/Win32Port.c):
     * typedef struct {
     *     UINT64 key;         //  0
     *     UINT64 overlapped;  //  8
     *     UINT32 bytes;       // 16
     *     UINT32 error;       // 20  Win32 code of a failed operation's packet, else 0
     * } iocp4j_dequeue_result; // 24
     */
    @Native public static final int RESULT_SIZE = 24;
    @Native public static final int RESULT_KEY = 0;
    @Native public static final int RESULT_OVERLAPPED = 8;
    @Native public static final int RESULT_BYTES = 16;
    @Native public static final int RESULT_ERROR = 20;

    private Win32Layout() {
    }
}
