package org.iocp4j.tools.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * NIO's {@link Selector}: one selector thread serves every server connection, another drives every client
 * (on Windows the JDK's {@code WEPoll}, wepoll over AFD; on Linux epoll).
 */
final class SelectorEchoStack implements EchoStack {

    private ServerSocketChannel server;
    private Selector serverSelector;
    private Selector clientSelector;
    private Thread serverThread;
    private Thread clientThread;
    private Client[] clients;
    private volatile boolean running = true;
    // One run at a time, handed to the client thread.
    private volatile int remaining;
    private volatile CountDownLatch done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean runRequested;
    /** Handed to the client thread with each run, like {@code remaining}. */
    private volatile Latencies latencies;

    @Override
    public void open(int connections, int messageSize) throws Exception {
        serverSelector = Selector.open();
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.configureBlocking(false);
        server.register(serverSelector, SelectionKey.OP_ACCEPT);
        serverThread = new Thread(() -> serve(messageSize), "selector-echo-server");
        serverThread.setDaemon(true);
        serverThread.start();

        clientSelector = Selector.open();
        clients = new Client[connections];
        for (int i = 0; i < connections; i++) {
            SocketChannel c = SocketChannel.open(server.getLocalAddress());
            c.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.configureBlocking(false);
            clients[i] = new Client(c, messageSize);
            c.register(clientSelector, 0, clients[i]);
        }
        clientThread = new Thread(this::drive, "selector-echo-client");
        clientThread.setDaemon(true);
        clientThread.start();
    }

    private void serve(int messageSize) {
        try {
            while (running) {
                serverSelector.select();
                for (SelectionKey k : serverSelector.selectedKeys()) {
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isAcceptable()) {
                        SocketChannel s = server.accept();
                        if (s != null) {
                            s.configureBlocking(false);
                            s.setOption(StandardSocketOptions.TCP_NODELAY, true);
                            s.register(serverSelector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(Math.max(messageSize, 4096)));
                        }
                        continue;
                    }
                    SocketChannel s = (SocketChannel) k.channel();
                    ByteBuffer buf = (ByteBuffer) k.attachment();
                    try {
                        if (k.isReadable()) {
                            if (s.read(buf) < 0) {
                                k.cancel();
                                s.close();
                                continue;
                            }
                            buf.flip();
                        }
                        s.write(buf);
                        if (buf.hasRemaining()) {
                            k.interestOps(SelectionKey.OP_WRITE);
                        } else {
                            buf.clear();
                            k.interestOps(SelectionKey.OP_READ);
                        }
                    } catch (IOException e) {
                        k.cancel();
                        s.close();
                    }
                }
                serverSelector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
        }
    }

    private final class Client {
        final SocketChannel channel;
        final ByteBuffer out;
        final ByteBuffer in;
        long startedAt;

        Client(SocketChannel channel, int size) {
            this.channel = channel;
            this.out = ByteBuffer.allocateDirect(size);
            this.in = ByteBuffer.allocateDirect(size);
        }

        /** Starts a round trip if any remain; false when this client is done. */
        boolean next(SelectionKey k) throws IOException {
            if (remaining <= 0) {
                k.interestOps(0);
                return false;
            }
            remaining--;
            out.clear();
            in.clear();
            Latencies l = latencies;
            startedAt = l == null ? 0 : l.now();
            channel.write(out);
            k.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return true;
        }
    }

    private void drive() {
        int active = 0;
        try {
            while (running) {
                clientSelector.select();
                if (runRequested) {
                    runRequested = false;
                    active = 0;
                    for (Client c : clients) {
                        if (c.next(c.channel.keyFor(clientSelector))) {
                            active++;
                        }
                    }
                    if (active == 0) {
                        done.countDown();
                    }
                }
                for (SelectionKey k : clientSelector.selectedKeys()) {
                    Client c = (Client) k.attachment();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isWritable()) {
                        c.channel.write(c.out);
                        if (!c.out.hasRemaining()) {
                            k.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    if (k.isReadable()) {
                        if (c.channel.read(c.in) < 0) {
                            throw new IOException("the server closed a connection");
                        }
                        if (!c.in.hasRemaining() && !c.out.hasRemaining()) {
                            Latencies l = latencies;
                            if (l != null) {
                                l.recordSince(c.startedAt);
                            }
                            if (!c.next(k) && --active == 0) {
                                done.countDown();
                            }
                        }
                    }
                }
                clientSelector.selectedKeys().clear();
            }
        } catch (IOException | RuntimeException e) {
            failure.compareAndSet(null, e);
            CountDownLatch d = done;
            if (d != null) {
                d.countDown();
            }
        }
    }

    @Override
    public void roundTrips(int total, Latencies latencies) throws Exception {
        CountDownLatch d = new CountDownLatch(1);
        this.latencies = latencies;
        remaining = total;
        done = d;
        runRequested = true;
        clientSelector.wakeup();
        if (!d.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round trips did not complete: " + remaining + " left");
        }
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
    }

    @Override
    public String describe() {
        return "NIO Selector (" + (System.getProperty("os.name").startsWith("Windows")
                ? "the JDK's WEPoll, wepoll over AFD" : "epoll") + "), one selector thread per side";
    }

    @Override
    public void close() throws Exception {
        running = false;
        if (clientSelector != null) {
            clientSelector.wakeup();
            clientThread.join(5000);
            for (Client c : clients) {
                c.channel.close();
            }
            clientSelector.close();
        }
        if (serverSelector != null) {
            serverSelector.wakeup();
            serverThread.join(5000);
            for (SelectionKey k : serverSelector.keys()) {
                k.channel().close();
            }
            serverSelector.close();
        }
    }
}
