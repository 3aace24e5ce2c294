package org.iocp4j.internal.portable;

import org.iocp4j.Backend;
import org.iocp4j.CompletionPort;
import org.iocp4j.internal.FileBackend;
import org.iocp4j.internal.FileBackendContract;

/** The file SPI's contract on {@link PortableFiles}, with a {@link PortableCompletionPort}. */
class PortableFileBackendTest extends FileBackendContract {

    @Override
    protected FileBackend files() {
        return PortableFiles.INSTANCE;
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
