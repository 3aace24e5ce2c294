package org.iocp4j.internal.windows;

import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;
import org.iocp4j.IocpException;
import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.SocketBackendContract;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The socket SPI's contract on {@link NativeSockets} (Winsock through the DLL), with a
 * {@link NativeCompletionPort}. Runs where the DLL does: on Windows, and in the native leg under Wine.
 */
@EnabledOnOs(OS.WINDOWS)
class NativeSocketBackendTest extends SocketBackendContract {

    @Override
    protected SocketBackend sockets() {
        return NativeSockets.INSTANCE;
    }

    @Override
    protected CompletionPort openPort() throws IocpException {
        return NativeCompletionPort.open(1);
    }

    @Override
    protected Backend backend() {
        return Backend.NATIVE;
    }
}
