package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.iocp4j.IoDispatcher;
import org.iocp4j.LeakDetection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SocketOperation}: reusable receives and sends, their misuse, and what they allocate. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SocketOperationTest extends ChannelTestBase {

    SocketOperationTest() {
        super("socket-operation-test");
    }

    @Test
    void sendsAndReceivesAgainAndAgainMovingTheBufferPosition() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        Outcomes sent = new Outcomes();
        Outcomes received = new Outcomes();
        try (SocketOperation send = pair[0].operation(ByteBuffer.allocateDirect(16), sent);
             SocketOperation receive = pair[1].operation(ByteBuffer.allocateDirect(64), received)) {
            for (int round = 0; round < 50; round++) {
                byte[] message = {(byte) round, 1, 2, 3, 4, 5, 6, 7};
                send.buffer().clear().put(message).flip();
                send.send();
                assertEquals(8, sent.count());
                assertFalse(send.buffer().hasRemaining(), "the position moved past what was sent");
                receive.buffer().clear();
                int got = 0;
                while (got < 8) {
                    receive.receive();
                    got += received.count();
                }
                assertArrayEquals(message, bytes(receive.buffer()));
            }
            assertEquals(pair[0], send.socket());
        }
    }

    /**
     * {@code isDone} means the result is handed over, for sockets too: once it says so, the send's buffer
     * position has moved by the bytes sent (it used to say so before the position moved).
     */
    @Test
    void doneOnlyOnceTheBufferPositionHasMoved() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        SocketOperation.Handler quiet = new SocketOperation.Handler() {
            @Override
            public void completed(SocketOperation operation, int bytes) {
            }

            @Override
            public void failed(SocketOperation operation, IOException error) {
                failure.compareAndSet(null, error);
            }
        };
        ByteBuffer sink = ByteBuffer.allocateDirect(1 << 16);
        try (SocketOperation send = pair[0].operation(ByteBuffer.allocateDirect(8), quiet)) {
            for (int i = 0; i < 5_000; i++) {
                send.buffer().clear();
                send.send();
                while (!send.isDone()) {
                    Thread.onSpinWait();
                }
                assertEquals(8, send.buffer().position(), "send " + i + ": done before its position moved");
                if (i % 1_000 == 999) { // keep the peer's receive buffer from filling up
                    drain(pair[1], sink, 8_000);
                }
            }
        }
        assertEquals(null, failure.get());
    }

    /** Reads {@code total} bytes from {@code socket} through its blocking future API. */
    private void drain(OverlappedSocket socket, ByteBuffer sink, int total) throws Exception {
        int got = 0;
        while (got < total) {
            sink.clear().limit(Math.min(sink.capacity(), total - got));
            got += await(socket.read(sink));
        }
    }

    @Test
    void aReceiveSaysEndOfStreamNoRoomAndShutdownInput() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        Outcomes received = new Outcomes();
        try (SocketOperation receive = pair[1].operation(ByteBuffer.allocateDirect(8), received)) {
            receive.buffer().position(8);
            receive.receive();
            assertEquals(0, received.count(), "no room: 0 at once, as NIO");
            receive.buffer().clear();
            pair[0].shutdownOutput();
            receive.receive();
            assertEquals(-1, received.count(), "the peer's end of stream");
            pair[1].shutdownInput();
            receive.receive();
            assertEquals(-1, received.count(), "after shutdownInput");
        }
    }

    @Test
    void aSendAfterShutdownOutputFails() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        Outcomes sent = new Outcomes();
        try (SocketOperation send = pair[0].operation(direct(new byte[] {1}), sent)) {
            pair[0].shutdownOutput();
            send.send();
            assertInstanceOf(IOException.class, sent.next());
        }
    }

    @Test
    void oneOperationAtATimeAndNoCloseWhilePending() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        Outcomes received = new Outcomes();
        SocketOperation receive = pair[1].operation(ByteBuffer.allocateDirect(8), received);
        receive.receive(); // nothing sent: it stays pending
        assertFalse(receive.isDone());
        assertThrows(IllegalStateException.class, receive::receive);
        assertThrows(IllegalStateException.class, receive::send);
        assertThrows(IllegalStateException.class, receive::close);
        assertTrue(receive.cancel());
        assertInstanceOf(Win32Exceptions.AsynchronousClose.class, received.next());
        assertTrue(receive.isDone());
        assertFalse(receive.cancel(), "nothing pending to cancel");
        receive.close();
        receive.close(); // a second close does nothing
        assertThrows(IllegalStateException.class, receive::receive, "closed");
    }

    @Test
    void aSocketClosedUnderAPendingReceiveFailsItAndLaterStarts() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        Outcomes received = new Outcomes();
        try (SocketOperation receive = pair[1].operation(ByteBuffer.allocateDirect(8), received)) {
            receive.receive();
            pair[1].close();
            assertInstanceOf(Win32Exceptions.AsynchronousClose.class, received.next());
            receive.receive();
            assertInstanceOf(ClosedChannelException.class, received.next());
        }
    }

    @Test
    void aHeapBufferIsRefused() throws Exception {
        OverlappedSocket[] pair = connectedPair();
        assertThrows(IllegalArgumentException.class, () -> pair[0].operation(ByteBuffer.allocate(8), new Outcomes()));
        assertThrows(NullPointerException.class, () -> pair[0].operation(ByteBuffer.allocateDirect(8), null));
    }

    /**
     * The point of the class: an echo of 64-byte messages, a receive and a send on each side, allocates
     * nothing per round trip in any thread (the JVM's per-thread allocation counters, summed over every
     * live thread). Before the portable backend reused its bookkeeping and looked handles up without
     * boxing, and its selector handed keys over without a set, a round trip allocated about 145 bytes
     * (99 with only the handle table reverted); after, about 0.5 (16 under Wine, see below).
     */
    @Test
    void anEchoAllocatesNothingPerRoundTrip() throws Exception {
        com.sun.management.ThreadMXBean mx = ThreadAllocation.bean();
        Assumptions.assumeTrue(mx != null, "this JVM counts no allocation per thread");
        // The suite runs at PARANOID leak detection, which records a stack at every submit: this dispatcher
        // runs at the default level, as production does.
        LeakDetection suiteLevel = LeakDetection.level();
        IoDispatcher plain;
        LeakDetection.setLevel(LeakDetection.SIMPLE);
        try {
            plain = IoDispatcher.builder().name("allocation-test").threads(2).build();
        } finally {
            LeakDetection.setLevel(suiteLevel);
        }
        try {
            echoWithoutAllocating(mx, plain);
        } finally {
            plain.shutdown();
            assertTrue(plain.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS));
        }
    }

    private void echoWithoutAllocating(com.sun.management.ThreadMXBean mx, IoDispatcher plain) throws Exception {
        OverlappedServerSocket listener = track(OverlappedServerSocket.open(plain, ANY_LOOPBACK));
        IoFuture<OverlappedSocket> accepted = listener.accept();
        OverlappedSocket[] pair = {track(await(OverlappedSocket.connect(plain, listener.localAddress()))), null};
        pair[1] = track(await(accepted));
        AtomicLong trips = new AtomicLong();
        AtomicLong goal = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch[] reached = {new CountDownLatch(1)};
        SocketOperation.Handler echo = new SocketOperation.Handler() {
            private boolean sending;

            @Override
            public void completed(SocketOperation op, int n) {
                ByteBuffer b = op.buffer();
                if (sending && b.hasRemaining()) {
                    op.send();
                } else if (sending) {
                    sending = false;
                    b.clear();
                    op.receive();
                } else if (n >= 0) {
                    b.flip();
                    sending = true;
                    op.send();
                }
            }

            @Override
            public void failed(SocketOperation op, IOException e) {
                failure.compareAndSet(null, e);
            }
        };
        // The client sends, then receives the echo, then sends again: one operation in flight at a time.
        SocketOperation[] clientReceive = new SocketOperation[1];
        try (SocketOperation server = pair[1].operation(ByteBuffer.allocateDirect(64), echo);
             SocketOperation clientSend = pair[0].operation(ByteBuffer.allocateDirect(64),
                     new SocketOperation.Handler() {
                         @Override
                         public void completed(SocketOperation op, int n) {
                             if (op.buffer().hasRemaining()) {
                                 op.send();
                             } else {
                                 clientReceive[0].buffer().clear();
                                 clientReceive[0].receive();
                             }
                         }

                         @Override
                         public void failed(SocketOperation op, IOException e) {
                             failure.compareAndSet(null, e);
                             reached[0].countDown();
                         }
                     });
             SocketOperation receive = pair[0].operation(ByteBuffer.allocateDirect(64),
                     new SocketOperation.Handler() {
                         @Override
                         public void completed(SocketOperation op, int n) {
                             if (n < 0) {
                                 failure.compareAndSet(null, new IOException("end of stream"));
                                 reached[0].countDown();
                             } else if (op.buffer().hasRemaining()) {
                                 op.receive();
                             } else if (trips.incrementAndGet() == goal.get()) {
                                 reached[0].countDown();
                             } else {
                                 clientSend.buffer().clear();
                                 clientSend.send();
                             }
                         }

                         @Override
                         public void failed(SocketOperation op, IOException e) {
                             failure.compareAndSet(null, e);
                             reached[0].countDown();
                         }
                     })) {
            clientReceive[0] = receive;
            server.receive();
            // The least of three measured rounds, after one that warms the JIT and the lazy paths up: other
            // threads (the gate's ticks, a log line) allocate now and then, and under Wine, where a round
            // trip takes a hundred times longer, that now and then comes to about 16 bytes a round trip.
            long perRoundTrip = Long.MAX_VALUE;
            for (int round = 0; round < 4; round++) {
                reached[0] = new CountDownLatch(1);
                trips.set(0);
                int rounds = 5_000;
                goal.set(rounds);
                long before = ThreadAllocation.total(mx);
                clientSend.buffer().clear();
                clientSend.send();
                assertTrue(reached[0].await(WATCHDOG_SECONDS, TimeUnit.SECONDS), trips.get() + " round trips");
                long allocated = (ThreadAllocation.total(mx) - before) / rounds;
                if (round > 0) {
                    perRoundTrip = Math.min(perRoundTrip, allocated);
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("the echo failed", failure.get());
            }
            // One receive's bookkeeping alone is about 100 bytes: this catches any per-operation allocation.
            assertTrue(perRoundTrip < 32, perRoundTrip + " bytes allocated per round trip");
            pair[0].shutdownOutput(); // the server's pending receive ends with end of stream
            while (!server.isDone()) {
                Thread.sleep(1);
            }
        } finally {
            pair[0].close();
            pair[1].close();
            listener.close(); // its accepts queued ahead are cancelled: the dispatcher can end
        }
    }
}
