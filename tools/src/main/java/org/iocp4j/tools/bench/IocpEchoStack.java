package org.iocp4j.tools.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Backend;
import org.iocp4j.IoDispatcher;
import org.iocp4j.io.OverlappedServerSocket;
import org.iocp4j.io.OverlappedSocket;

/**
 * iocp4j: {@link OverlappedServerSocket} and {@link OverlappedSocket} on one dispatcher with 2 I/O threads; with
 * skip-on-success on every connection, both ends, or without.
 */
final class IocpEchoStack extends HandlerEchoStack {

    private final boolean skipOnSuccess;

    private IoDispatcher dispatcher;
    private OverlappedServerSocket server;
    private final List<OverlappedSocket> sockets = new CopyOnWriteArrayList<>();

    IocpEchoStack(boolean skipOnSuccess) {
        this.skipOnSuccess = skipOnSuccess;
    }

    @Override
    public void open(int connections, int messageSize) throws Exception {
        dispatcher = IoDispatcher.builder().name("echo-bench").threads(2).build();
        server = OverlappedServerSocket.open(dispatcher, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.accept(null, new CompletionHandler<OverlappedSocket, Void>() {
            @Override
            public void completed(OverlappedSocket s, Void a) {
                sockets.add(s);
                server.accept(null, this);
                try {
                    skipOnSuccess(s);
                } catch (IOException e) {
                    s.close();
                    return;
                }
                new Echo(conn(s), messageSize, s::close).start();
            }

            @Override
            public void failed(Throwable t, Void a) {
                // closed at the end of the run
            }
        });
        Conn[] conns = new Conn[connections];
        for (int i = 0; i < connections; i++) {
            OverlappedSocket s = OverlappedSocket.connect(dispatcher, server.localAddress()).get(30, TimeUnit.SECONDS);
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            skipOnSuccess(s);
            sockets.add(s);
            conns[i] = conn(s);
        }
        clients(conns, messageSize);
    }

    private void skipOnSuccess(OverlappedSocket s) throws IOException {
        if (skipOnSuccess) {
            s.skipCompletionPortOnSuccess();
        }
    }

    private static Conn conn(OverlappedSocket s) {
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
        return "iocp4j " + dispatcher.port().backend().name().toLowerCase(Locale.ROOT) + " backend"
                + (skipOnSuccess ? ", skip-on-success" : "") + " ("
                + (dispatcher.port().backend() == Backend.NATIVE ? "Winsock AcceptEx/WSARecv/WSASend on an I/O completion port"
                : "NIO readiness turned into completions") + ")";
    }

    @Override
    public void close() throws Exception {
        for (OverlappedSocket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        if (dispatcher != null) {
            dispatcher.shutdown();
            dispatcher.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
