package org.iocp4j.tools.bench;

import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side shared by the two completion-handler stacks (iocp4j and NIO.2): each connection writes its
 * message, reads until the whole echo is back, and goes again while round trips remain. The handlers are
 * allocated once per connection, buffers once per run: nothing per round trip but what the API itself
 * allocates.
 */
abstract class HandlerEchoStack implements EchoStack {

    /** A client connection's two operations, as the technology spells them. */
    interface Conn {
        void write(ByteBuffer src, CompletionHandler<Integer, Void> handler);

        void read(ByteBuffer dst, CompletionHandler<Integer, Void> handler);
    }

    private Client[] clients;
    /** Set before each run's first operation is started, so the I/O threads see it. */
    private Latencies latencies;
    private AtomicInteger remaining;
    private CountDownLatch done;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    void clients(Conn[] conns, int messageSize) {
        clients = new Client[conns.length];
        for (int i = 0; i < conns.length; i++) {
            clients[i] = new Client(conns[i], messageSize);
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

    private final class Client {
        final Conn conn;
        final ByteBuffer out;
        final ByteBuffer in;
        final CompletionHandler<Integer, Void> wrote;
        final CompletionHandler<Integer, Void> read;
        /** The round trip's write and read still to finish: the last one starts the next round trip. */
        final AtomicInteger parts = new AtomicInteger();
        /** When the round trip in progress started; read by whichever thread finishes it. */
        long startedAt;

        Client(Conn conn, int size) {
            this.conn = conn;
            this.out = ByteBuffer.allocateDirect(size);
            this.in = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                out.put(i, (byte) i);
            }
            this.wrote = new CompletionHandler<>() {
                @Override
                public void completed(Integer n, Void a) {
                    if (out.hasRemaining()) {
                        conn.write(out, this);
                    } else if (parts.decrementAndGet() == 0) {
                        finished();
                    }
                }

                @Override
                public void failed(Throwable t, Void a) {
                    fail(t);
                }
            };
            this.read = new CompletionHandler<>() {
                @Override
                public void completed(Integer n, Void a) {
                    if (n < 0) {
                        fail(new IllegalStateException("the server closed the connection"));
                    } else if (in.hasRemaining()) {
                        conn.read(in, this);
                    } else if (parts.decrementAndGet() == 0) {
                        finished();
                    }
                }

                @Override
                public void failed(Throwable t, Void a) {
                    fail(t);
                }
            };
        }

        /** Both halves of the round trip are done (the decrement ordered {@code startedAt} before this). */
        void finished() {
            Latencies l = latencies;
            if (l != null) {
                l.recordSince(startedAt);
            }
            next();
        }

        void next() {
            if (remaining.getAndDecrement() <= 0) {
                done.countDown();
                return;
            }
            out.clear();
            in.clear();
            parts.set(2);
            Latencies l = latencies;
            startedAt = l == null ? 0 : l.now();
            conn.read(in, read); // posted first, so the echo always finds a read waiting
            conn.write(out, wrote);
        }

        void fail(Throwable t) {
            failure.compareAndSet(null, t);
            remaining.set(0);
            done.countDown();
        }
    }

    /** Server side: echoes what it reads, one read and one write at a time per connection. */
    static final class Echo {
        private final Conn conn;
        private final ByteBuffer buf;
        private final Runnable onClose;

        Echo(Conn conn, int size, Runnable onClose) {
            this.conn = conn;
            this.buf = ByteBuffer.allocateDirect(Math.max(size, 4096));
            this.onClose = onClose;
        }

        private final CompletionHandler<Integer, Void> wrote = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void a) {
                if (buf.hasRemaining()) {
                    conn.write(buf, this);
                } else {
                    start();
                }
            }

            @Override
            public void failed(Throwable t, Void a) {
                onClose.run();
            }
        };

        private final CompletionHandler<Integer, Void> read = new CompletionHandler<>() {
            @Override
            public void completed(Integer n, Void a) {
                if (n < 0) {
                    onClose.run();
                    return;
                }
                buf.flip();
                conn.write(buf, wrote);
            }

            @Override
            public void failed(Throwable t, Void a) {
                onClose.run();
            }
        };

        void start() {
            buf.clear();
            conn.read(buf, read);
        }
    }
}
