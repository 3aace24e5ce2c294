package org.iocp4j.tools.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * NIO.2: {@link AsynchronousServerSocketChannel} and {@link AsynchronousSocketChannel} in one group of 2
 * threads (on Windows the JDK's {@code Iocp}, an I/O completion port; on Linux epoll).
 */
final class AsyncChannelEchoStack extends HandlerEchoStack {

    private AsynchronousChannelGroup group;
    private AsynchronousServerSocketChannel server;
    private final List<AsynchronousSocketChannel> sockets = new CopyOnWriteArrayList<>();

    @Override
    public void open(int connections, int messageSize) throws Exception {
        group = AsynchronousChannelGroup.withFixedThreadPool(2, Executors.defaultThreadFactory());
        server = AsynchronousServerSocketChannel.open(group).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {
            @Override
            public void completed(AsynchronousSocketChannel s, Void a) {
                sockets.add(s);
                server.accept(null, this);
                new Echo(conn(s), messageSize, () -> close(s)).start();
            }

            @Override
            public void failed(Throwable t, Void a) {
                // closed at the end of the run
            }
        });
        Conn[] conns = new Conn[connections];
        for (int i = 0; i < connections; i++) {
            AsynchronousSocketChannel s = AsynchronousSocketChannel.open(group);
            s.connect(server.getLocalAddress()).get(30, TimeUnit.SECONDS);
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            sockets.add(s);
            conns[i] = conn(s);
        }
        clients(conns, messageSize);
    }

    private static void close(AsynchronousSocketChannel s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static Conn conn(AsynchronousSocketChannel s) {
        return new Conn() {
            @Override
            public void write(ByteBuffer src, CompletionHandler<Integer, Void> handler) {
                s.write(src, null, handler);
            }

            @Override
            public void read(ByteBuffer dst, CompletionHandler<Integer, Void> handler) {
                s.read(dst, null, handler);
            }
        };
    }

    @Override
    public String describe() {
        return "NIO.2 AsynchronousSocketChannel (" + (System.getProperty("os.name").startsWith("Windows")
                ? "the JDK's Iocp, an I/O completion port" : "the JDK's epoll port") + ")";
    }

    @Override
    public void close() throws Exception {
        for (AsynchronousSocketChannel s : sockets) {
            close(s);
        }
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownNow();
            group.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
