package org.iocp4j.internal.windows;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.iocp4j.internal.NativeMemory;
import org.iocp4j.internal.NativeRegion;
import org.iocp4j.internal.SocketAddresses;
import org.iocp4j.internal.SocketBackend;

/**
 * {@link SocketBackend} over the Winsock natives of {@code native/Win32Socket.c}.
 *
 * <p>Socket addresses and {@code WSABUF} arrays are built in a per-thread scratch block: Winsock captures
 * both during the call (a provider must copy the {@code WSABUF}s before an overlapped call returns), so
 * they need not outlive it, and the hot path allocates nothing.
 */
public final class NativeSockets implements SocketBackend {

    /** The one instance. */
    public static final NativeSockets INSTANCE = new NativeSockets();

    static {
        NativeLibraryLoader.isLoaded(); // the natives below need the DLL, whichever class was touched first
    }

    private static final int SCRATCH_WSABUFS = 64;

    /** Offsets in a {@link Scratch}: two socket addresses, then WSABUFs. */
    private static final int SOCKADDR = 0;
    private static final int SOCKADDR2 = Win32Socket.SOCKADDR_CAPACITY;
    private static final int WSABUFS = 2 * Win32Socket.SOCKADDR_CAPACITY;

    /** Scratch memory of one thread (see the offsets above). Freed when the thread is gone. */
    private static final class Scratch {
        final ByteBuffer memory;
        final long address;
        final int wsabufs;

        Scratch(int wsabufs) {
            NativeRegion region = NativeRegion.allocate(WSABUFS + wsabufs * Win32Socket.WSABUF_SIZE);
            this.wsabufs = wsabufs;
            this.memory = region.memory();
            this.address = region.address();
        }

        long sockaddr() {
            return address + SOCKADDR;
        }

        long sockaddr2() {
            return address + SOCKADDR2;
        }

        long wsabufs() {
            return address + WSABUFS;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> new Scratch(SCRATCH_WSABUFS));

    private volatile boolean started;

    private NativeSockets() {
    }

    private static Scratch scratch(int wsabufs) {
        Scratch s = SCRATCH.get();
        if (s.wsabufs < wsabufs) {
            s = new Scratch(Math.max(wsabufs, 2 * s.wsabufs));
            SCRATCH.set(s);
        }
        return s;
    }

    @Override
    public long socket(int family) {
        if (!started) {
            int r = Win32Socket.startup0();
            if (r < 0) {
                return r;
            }
            started = true;
        }
        return Win32Socket.socket0(family);
    }

    @Override
    public int bind(long socket, InetSocketAddress local) {
        Scratch s = scratch(0);
        int length = SocketAddresses.write(local, s.memory, SOCKADDR);
        return Win32Socket.bind0(socket, s.sockaddr(), length);
    }

    @Override
    public int listen(long socket, int backlog) {
        return Win32Socket.listen0(socket, backlog);
    }

    @Override
    public int accept(long listener, long accepted, long addresses, long overlapped) {
        return Win32Socket.acceptEx0(listener, accepted, addresses, overlapped);
    }

    @Override
    public InetSocketAddress[] finishAccept(long listener, long accepted, long addresses, int[] errors) {
        int r = Win32Socket.updateAcceptContext0(accepted, listener);
        Scratch s = scratch(0);
        if (r == 0) {
            r = Win32Socket.acceptExSockaddrs0(addresses, s.sockaddr(), s.sockaddr2());
        }
        if (r < 0) {
            errors[0] = -r;
            return null;
        }
        return new InetSocketAddress[] {SocketAddresses.read(s.memory, SOCKADDR), SocketAddresses.read(s.memory, SOCKADDR2)};
    }

    @Override
    public int connect(long socket, InetSocketAddress remote, long overlapped) {
        Scratch s = scratch(0);
        int length = SocketAddresses.write(remote, s.memory, SOCKADDR);
        return Win32Socket.connectEx0(socket, s.sockaddr(), length, overlapped);
    }

    @Override
    public int finishConnect(long socket) {
        return Win32Socket.updateConnectContext0(socket);
    }

    /*
     * typedef struct _WSABUF { ULONG len; CHAR *buf; } WSABUF;   (len at 0, buf at 8, 16 bytes)
     */
    private static long wsabufs(Scratch s, ByteBuffer[] buffers, int offset, int length) {
        for (int i = 0; i < length; i++) {
            ByteBuffer b = buffers[offset + i];
            int entry = WSABUFS + i * Win32Socket.WSABUF_SIZE;
            NativeMemory.putInt(s.memory, entry + Win32Socket.WSABUF_LEN, b.remaining());
            NativeMemory.putLong(s.memory, entry + Win32Socket.WSABUF_BUF, Win32Memory.addressOf(b) + b.position());
        }
        return s.wsabufs();
    }

    @Override
    public long recv(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped) {
        Scratch s = scratch(Math.max(length, 1));
        if (length == 0) { // a zero-byte read with no buffer at all: one empty WSABUF
            NativeMemory.putInt(s.memory, WSABUFS + Win32Socket.WSABUF_LEN, 0);
            NativeMemory.putLong(s.memory, WSABUFS + Win32Socket.WSABUF_BUF, 0);
            return Win32Socket.recv0(socket, s.wsabufs(), 1, overlapped);
        }
        return Win32Socket.recv0(socket, wsabufs(s, buffers, offset, length), length, overlapped);
    }

    @Override
    public long send(long socket, ByteBuffer[] buffers, int offset, int length, long overlapped) {
        Scratch s = scratch(length);
        return Win32Socket.send0(socket, wsabufs(s, buffers, offset, length), length, overlapped);
    }

    @Override
    public int shutdown(long socket, int how) {
        return Win32Socket.shutdown0(socket, how);
    }

    @Override
    public int setOption(long socket, int level, int name, int value) {
        return Win32Socket.setOption0(socket, level, name, value);
    }

    @Override
    public long getOption(long socket, int level, int name) {
        return Win32Socket.getOption0(socket, level, name);
    }

    @Override
    public int setLinger(long socket, boolean on, int seconds) {
        return Win32Socket.setLinger0(socket, on ? 1 : 0, seconds);
    }

    @Override
    public InetSocketAddress localAddress(long socket, int[] errors) {
        Scratch s = scratch(0);
        int r = Win32Socket.localAddress0(socket, s.sockaddr());
        if (r < 0) {
            errors[0] = -r;
            return null;
        }
        return SocketAddresses.read(s.memory, SOCKADDR);
    }

    @Override
    public InetSocketAddress remoteAddress(long socket, int[] errors) {
        Scratch s = scratch(0);
        int r = Win32Socket.remoteAddress0(socket, s.sockaddr());
        if (r < 0) {
            errors[0] = -r;
            return null;
        }
        return SocketAddresses.read(s.memory, SOCKADDR);
    }

    @Override
    public int cancel(long socket, long overlapped) {
        return Win32Port.cancel0(socket, overlapped);
    }

    @Override
    public int close(long socket) {
        return Win32Socket.close0(socket);
    }
}
