package org.iocp4j.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;

import org.iocp4j.internal.windows.Win32Socket;

/**
 * {@code SOCKADDR_IN} / {@code SOCKADDR_IN6} in native memory (at an offset into a region's buffer), to and from {@link InetSocketAddress}:
 * <pre>
 * struct sockaddr_in  { u16 sin_family; u16 sin_port (big-endian); u8 sin_addr[4]; u8 zero[8]; }     16 bytes
 * struct sockaddr_in6 { u16 family; u16 port (big-endian); u32 flowinfo; u8 addr[16]; u32 scope_id; } 28 bytes
 * </pre>
 * (the offsets are {@link Win32Socket}'s constants, checked against the real structures in C).
 */
public final class SocketAddresses {

    private SocketAddresses() {
    }

    /** The address family of {@code address}: {@link Win32Socket#AF_INET} or {@link Win32Socket#AF_INET6}. */
    public static int familyOf(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? Win32Socket.AF_INET6 : Win32Socket.AF_INET;
    }

    /**
     * Writes {@code address} at offset {@code out} of {@code memory} ({@link Win32Socket#SOCKADDR_CAPACITY}
     * bytes): its length.
     */
    public static int write(InetSocketAddress address, ByteBuffer memory, int out) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new UnresolvedAddressException();
        }
        for (int i = 0; i < Win32Socket.SOCKADDR_CAPACITY; i += 8) {
            NativeMemory.putLong(memory, out + i, 0);
        }
        short port = Short.reverseBytes((short) address.getPort()); // network order on a little-endian machine
        byte[] raw = ip.getAddress();
        if (ip instanceof Inet4Address) {
            NativeMemory.putShort(memory, out + Win32Socket.SOCKADDR_FAMILY, (short) Win32Socket.AF_INET);
            NativeMemory.putShort(memory, out + Win32Socket.SOCKADDR_PORT, port);
            putBytes(memory, out + Win32Socket.SOCKADDR_IN_ADDR, raw);
            return Win32Socket.SOCKADDR_IN_SIZE;
        }
        NativeMemory.putShort(memory, out + Win32Socket.SOCKADDR_FAMILY, (short) Win32Socket.AF_INET6);
        NativeMemory.putShort(memory, out + Win32Socket.SOCKADDR_PORT, port);
        putBytes(memory, out + Win32Socket.SOCKADDR_IN6_ADDR, raw);
        NativeMemory.putInt(memory, out + Win32Socket.SOCKADDR_IN6_SCOPE_ID, ((Inet6Address) ip).getScopeId());
        return Win32Socket.SOCKADDR_IN6_SIZE;
    }

    /** Reads the address at offset {@code in} of {@code memory}. */
    public static InetSocketAddress read(ByteBuffer memory, int in) {
        int family = NativeMemory.getShort(memory, in + Win32Socket.SOCKADDR_FAMILY);
        int port = Short.toUnsignedInt(Short.reverseBytes(NativeMemory.getShort(memory, in + Win32Socket.SOCKADDR_PORT)));
        try {
            if (family == Win32Socket.AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(getBytes(memory, in + Win32Socket.SOCKADDR_IN_ADDR, 4)), port);
            }
            if (family == Win32Socket.AF_INET6) {
                byte[] raw = getBytes(memory, in + Win32Socket.SOCKADDR_IN6_ADDR, 16);
                int scope = NativeMemory.getInt(memory, in + Win32Socket.SOCKADDR_IN6_SCOPE_ID);
                return new InetSocketAddress(Inet6Address.getByAddress(null, raw, scope), port);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // lengths are right by construction
        }
        throw new IllegalArgumentException("unknown address family " + family);
    }

    private static void putBytes(ByteBuffer memory, int at, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            NativeMemory.putByte(memory, at + i, bytes[i]);
        }
    }

    private static byte[] getBytes(ByteBuffer memory, int at, int n) {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = NativeMemory.getByte(memory, at + i);
        }
        return out;
    }
}
