package org.iocp4j.io;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.iocp4j.internal.SocketBackend;

/** A {@link SocketBackend} that hands every call to another: tests override the calls they watch or break. */
class ForwardingSocketBackend implements SocketBackend {

    final SocketBackend delegate;

    ForwardingSocketBackend(SocketBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public long socket(int family) {
        return delegate.socket(family);
    }

    @Override
    public int bind(long socket, InetSocketAddress local) {
        return delegate.bind(socket, local);
    }

    @Override
    public int listen(long socket, int backlog) {
        return delegate.listen(socket, backlog);
    }

    @Override
    public int accept(long listener, long accepted, long addresses, long overlapped) {
        return delegate.accept(listener, accepted, addresses, overlapped);
    }

    @Override
    public InetSocketAddress[] finishAccept(long listener, long accepted, long addresses, int[] errors) {
        return delegate.finishAccept(listener, accepted, addresses, errors);
    }

    @Override
    public int connect(long socket, InetSocketAddress remote, long overlapped) {
        return delegate.connect(socket, remote, overlapped);
    }

    @Override
    public int finishConnect(long socket) {
        return delegate.finishConnect(socket);
    }

    @Override
    public long recv(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped) {
        return delegate.recv(socket, buffers, offset, length, overlapped);
    }

    @Override
    public long send(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped) {
        return delegate.send(socket, buffers, offset, length, overlapped);
    }

    @Override
    public int shutdown(long socket, int how) {
        return delegate.shutdown(socket, how);
    }

    @Override
    public int setOption(long socket, int level, int name, int value) {
        return delegate.setOption(socket, level, name, value);
    }

    @Override
    public long getOption(long socket, int level, int name) {
        return delegate.getOption(socket, level, name);
    }

    @Override
    public int setLinger(long socket, boolean on, int seconds) {
        return delegate.setLinger(socket, on, seconds);
    }

    @Override
    public InetSocketAddress localAddress(long socket, int[] errors) {
        return delegate.localAddress(socket, errors);
    }

    @Override
    public InetSocketAddress remoteAddress(long socket, int[] errors) {
        return delegate.remoteAddress(socket, errors);
    }

    @Override
    public int cancel(long socket, long overlapped) {
        return delegate.cancel(socket, overlapped);
    }

    @Override
    public int close(long socket) {
        return delegate.close(socket);
    }
}
