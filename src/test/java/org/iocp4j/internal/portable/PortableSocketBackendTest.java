package org.iocp4j.internal.portable;

import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;
import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.SocketBackendContract;

/** The socket SPI's contract on {@link PortableSockets}, with a {@link PortableCompletionPort}. */
class PortableSocketBackendTest extends SocketBackendContract {

    @Override
    protected SocketBackend sockets() {
        return PortableSockets.INSTANCE;
    }

    @Override
    protected CompletionPort openPort() {
        return new PortableCompletionPort(1);
    }

    @Override
    protected Backend backend() {
        return Backend.PORTABLE;
    }
}
