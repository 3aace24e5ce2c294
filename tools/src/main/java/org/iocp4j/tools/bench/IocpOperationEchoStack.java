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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.IoDispatcher;
import org.iocp4j.io.OverlappedServerSocket;
import org.iocp4j.io.OverlappedSocket;
import org.iocp4j.io.SocketOperation;

/**
 * iocp4j as a server that allocates nothing per operation would use it: one {@link SocketOperation} per
 * server connection (receive, then send the echo back), a send and a receive operation per client, and
 * skip-on-success on both ends. One dispatcher with 2 I/O threads, as the other iocp4j ways.
 */
final class IocpOperationEchoStack implements EchoStack {

    private IoDispatcher dispatcher;
    private OverlappedServerSocket server;
    private final List<OverlappedSocket> sockets = new CopyOnWriteArrayList<>();
    private final List<SocketOperation> operations = new CopyOnWriteArrayList<>();
    private Client[] clients;
    private volatile Latencies latencies;
    private AtomicInteger remaining;
    private volatile CountDownLatch done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

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
                    s.skipCompletionPortOnSuccess();
                    SocketOperation echo = s.operation(ByteBuffer.allocateDirect(Math.max(messageSize, 4096)),
                            new Echo());
                    operations.add(echo);
                    echo.receive();
                } catch (IOException | RuntimeException e) {
                    s.close();
                }
            }

            @Override
            public void failed(Throwable t, Void a) {
                // closed at the end of the run
            }
        });
        clients = new Client[connections];
        for (int i = 0; i < connections; i++) {
            OverlappedSocket s = OverlappedSocket.connect(dispatcher, server.localAddress()).get(30, TimeUnit.SECONDS);
            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            s.skipCompletionPortOnSuccess();
            sockets.add(s);
            clients[i] = new Client(s, messageSize);
        }
    }

    @Override
    public void roundTrips(int total, Latencies latencies) throws Exception {
        this.latencies = latencies;
        remaining = new AtomicInteger(total);
        done = new CountDownLatch(clients.length);
        for (Client c : clients) {
            c.next();
        }
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round trips did not complete: " + remaining.get() + " left");
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
    }

    /** Server side: receives, echoes what came, receives again. */
    private static final class Echo implements SocketOperation.Handler {
        private boolean sending;

        @Override
        public void completed(SocketOperation op, int bytes) {
            ByteBuffer b = op.buffer();
            if (sending && b.hasRemaining()) {
                op.send();
            } else if (sending) {
                sending = false;
                b.clear();
                op.receive();
            } else if (bytes > 0) {
                b.flip();
                sending = true;
                op.send();
            } else {
                op.socket().close(); // end of stream
            }
        }

        @Override
        public void failed(SocketOperation op, IOException error) {
            op.socket().close();
        }
    }

    /** A client: sends its message, then receives all of its echo, then goes again while round trips remain. */
    private final class Client {
        final SocketOperation send;
        final SocketOperation receive;
        long startedAt;

        Client(OverlappedSocket s, int size) {
            this.send = s.operation(ByteBuffer.allocateDirect(size), new SocketOperation.Handler() {
                @Override
                public void completed(SocketOperation op, int bytes) {
                    if (op.buffer().hasRemaining()) {
                        op.send();
                    } else {
                        receive.buffer().clear();
                        receive.receive();
                    }
                }

                @Override
                public void failed(SocketOperation op, IOException error) {
                    fail(error);
                }
            });
            this.receive = s.operation(ByteBuffer.allocateDirect(size), new SocketOperation.Handler() {
                @Override
                public void completed(SocketOperation op, int bytes) {
                    if (bytes < 0) {
                        fail(new IllegalStateException("the server closed the connection"));
                    } else if (op.buffer().hasRemaining()) {
                        op.receive();
                    } else {
                        Latencies l = latencies;
                        if (l != null) {
                            l.recordSince(startedAt);
                        }
                        next();
                    }
                }

                @Override
                public void failed(SocketOperation op, IOException error) {
                    fail(error);
                }
            });
            operations.add(send);
            operations.add(receive);
            ByteBuffer out = send.buffer();
            for (int i = 0; i < size; i++) {
                out.put(i, (byte) i);
            }
        }

        void next() {
            if (remaining.getAndDecrement() <= 0) {
                done.countDown();
                return;
            }
            Latencies l = latencies;
            startedAt = l == null ? 0 : l.now();
            send.buffer().clear();
            send.send();
        }

        void fail(Throwable t) {
            failure.compareAndSet(null, t);
            remaining.set(0);
            done.countDown();
        }
    }

    @Override
    public String describe() {
        return "iocp4j " + dispatcher.port().backend().name().toLowerCase(Locale.ROOT) + " backend, reusable"
                + " SocketOperations and skip-on-success (nothing allocated per operation)";
    }

    @Override
    public void close() throws Exception {
        for (OverlappedSocket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        for (SocketOperation op : operations) {
            try {
                op.close();
            } catch (IllegalStateException stillPending) {
                // its socket's close cancelled it; the dispatcher's shutdown waits for its packet
            }
        }
        if (dispatcher != null) {
            dispatcher.shutdown();
            dispatcher.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
