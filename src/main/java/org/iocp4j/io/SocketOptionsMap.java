package org.iocp4j.io;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Objects;
import java.util.Set;

import org.iocp4j.internal.SocketBackend;
import org.iocp4j.internal.windows.Win32Socket;

/** {@link StandardSocketOptions} onto Winsock's {@code (level, name)} pairs, for both socket channels. */
final class SocketOptionsMap {

    /** The options {@link OverlappedSocket} supports. */
    static final Set<SocketOption<?>> SUPPORTED = Set.of(StandardSocketOptions.TCP_NODELAY,
            StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_LINGER);

    private SocketOptionsMap() {
    }

    private static int[] levelAndName(SocketOption<?> option) {
        if (option == StandardSocketOptions.TCP_NODELAY) {
            return new int[] {Win32Socket.IPPROTO_TCP, Win32Socket.TCP_NODELAY};
        } else if (option == StandardSocketOptions.SO_RCVBUF) {
            return new int[] {Win32Socket.SOL_SOCKET, Win32Socket.SO_RCVBUF};
        } else if (option == StandardSocketOptions.SO_SNDBUF) {
            return new int[] {Win32Socket.SOL_SOCKET, Win32Socket.SO_SNDBUF};
        } else if (option == StandardSocketOptions.SO_KEEPALIVE) {
            return new int[] {Win32Socket.SOL_SOCKET, Win32Socket.SO_KEEPALIVE};
        } else if (option == StandardSocketOptions.SO_REUSEADDR) {
            return new int[] {Win32Socket.SOL_SOCKET, Win32Socket.SO_REUSEADDR};
        }
        throw new UnsupportedOperationException("socket option " + option + " (supported: " + SUPPORTED + ")");
    }

    static <T> void set(HandleChannel channel, SocketBackend sockets, SocketOption<T> option, T value) throws IOException {
        Objects.requireNonNull(option, "option"); // before "unsupported", as NIO
        if (value == null) {
            throw new IllegalArgumentException("a null value for " + option);
        }
        if (option == StandardSocketOptions.SO_LINGER) {
            int seconds = (Integer) value;
            channel.call("setsockopt(SO_LINGER)", () -> sockets.setLinger(channel.handle, seconds >= 0, Math.max(seconds, 0)));
            return;
        }
        int[] ln = levelAndName(option);
        int v = value instanceof Boolean ? ((Boolean) value ? 1 : 0) : (Integer) value;
        if (v < 0) {
            throw new IllegalArgumentException("a negative value for " + option + ": " + v);
        }
        channel.call("setsockopt(" + option + ")", () -> sockets.setOption(channel.handle, ln[0], ln[1], v));
    }

    @SuppressWarnings("unchecked")
    static <T> T get(HandleChannel channel, SocketBackend sockets, SocketOption<T> option) throws IOException {
        Objects.requireNonNull(option, "option");
        if (option == StandardSocketOptions.SO_LINGER) {
            throw new UnsupportedOperationException("reading SO_LINGER back is not supported");
        }
        int[] ln = levelAndName(option);
        long v = channel.call("getsockopt(" + option + ")", () -> sockets.getOption(channel.handle, ln[0], ln[1]));
        return option.type() == Boolean.class ? (T) Boolean.valueOf(v != 0) : (T) Integer.valueOf((int) v);
    }
}
