package org.iocp4j.internal.windows;

import java.lang.annotation.Native;

/**
 * The JNI natives of {@code native/Win32Pipe.c}: named pipes. Reads and writes go through
 * {@link Win32File#read0}/{@link Win32File#write0} ({@code ReadFile}/{@code WriteFile}); a client opens
 * with {@link Win32File#createFile0}. Results as in {@link Win32File}.
 */
public final class Win32Pipe {

    // CreateNamedPipeW's dwOpenMode (with Win32File.FILE_FLAG_OVERLAPPED)
    @Native public static final int PIPE_ACCESS_INBOUND = 0x1;
    @Native public static final int PIPE_ACCESS_OUTBOUND = 0x2;
    @Native public static final int PIPE_ACCESS_DUPLEX = 0x3;
    @Native public static final int FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
    // dwPipeMode
    @Native public static final int PIPE_TYPE_BYTE = 0x0;
    @Native public static final int PIPE_TYPE_MESSAGE = 0x4;
    @Native public static final int PIPE_READMODE_BYTE = 0x0;
    @Native public static final int PIPE_READMODE_MESSAGE = 0x2;
    @Native public static final int PIPE_REJECT_REMOTE_CLIENTS = 0x8;
    @Native public static final int PIPE_UNLIMITED_INSTANCES = 255;
    // A client's CreateFileW flags: the security quality of service it grants the server
    @Native public static final int SECURITY_SQOS_PRESENT = 0x00100000;
    @Native public static final int SECURITY_IDENTIFICATION = 0x00010000;
    /**
     * The flags a client end opens with: the server may learn who the client is, never act as it. Without
     * {@code SECURITY_SQOS_PRESENT} a client grants {@code SecurityImpersonation}, and a process that took the
     * pipe's name first could then open anything the client can.
     */
    @Native public static final int CLIENT_OPEN_FLAGS = SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION;

    private Win32Pipe() {
    }

    /**
     * {@code CreateNamedPipeW} of the NUL-terminated UTF-16 name at {@code nameAddress}
     * ({@code \\.\pipe\...}): the handle or -error (231 busy: no instance left, 5 access denied: the
     * first instance exists elsewhere).
     */
    static native long createNamedPipe0(long nameAddress, int openMode, int pipeMode, int maxInstances,
                                        int outBufferSize, int inBufferSize, int defaultTimeoutMillis);

    /**
     * Overlapped {@code ConnectNamedPipe}: 0 when it completed at once (a packet comes), -997 pending,
     * -535 ({@code ERROR_PIPE_CONNECTED}: a client connected between create and connect; no packet comes),
     * or -error (232 no data: the client already left).
     */
    static native int connect0(long pipe, long overlapped);

    /** {@code DisconnectNamedPipe}: 0 or -error. */
    static native int disconnect0(long pipe);

    /** {@code SetNamedPipeHandleState} with a read mode ({@link #PIPE_READMODE_BYTE} or {@link #PIPE_READMODE_MESSAGE}): 0 or -error. */
    static native int setReadMode0(long pipe, int readMode);

    /** {@code WaitNamedPipeW(name, timeout)}: 0 when an instance is free, or -error (121 timeout, 2 no such pipe). */
    static native int waitNamedPipe0(long nameAddress, int timeoutMillis);
}
