package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README.md's echo server, run as written there: {@link #serve} and {@link #echo} are the README's code (the
 * port aside, and the accepted sockets handed to the test), and {@link #theReadmeShowsThisCode} fails when the
 * two drift apart.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReadmeEchoTest extends ChannelTestBase {

    private final BlockingQueue<OverlappedSocket> accepted = new LinkedBlockingQueue<>();
    private OverlappedServerSocket server;

    ReadmeEchoTest() {
        super("readme-echo");
    }

    @BeforeEach
    void startServer() throws Exception {
        server = track(OverlappedServerSocket.open(dispatcher, ANY_LOOPBACK));
        serve(server);
    }

    // ---- the README's code ----

    private void serve(OverlappedServerSocket server) {
        server.accept(null, new CompletionHandler<OverlappedSocket, Void>() {
            public void completed(OverlappedSocket s, Void a) {
                accepted.add(s);                                         // (the test's hook)
                server.accept(null, this);                               // keep accepting
                echo(s, ByteBuffer.allocateDirect(16 * 1024));
            }
            public void failed(Throwable t, Void a) { }                  // the server closed
        });
    }

    static void echo(OverlappedSocket s, ByteBuffer buf) {
        s.read(buf.clear(), null, new CompletionHandler<Integer, Void>() {
            public void completed(Integer n, Void a) {
                if (n < 0) { s.close(); return; }                    // the client finished
                s.write(buf.flip()).whenComplete((w, t) -> {         // WSASend writes it all
                    if (t == null) echo(s, buf); else s.close();     // or fails (a reset): close too
                });
            }
            public void failed(Throwable t, Void a) { s.close(); }   // reset: a SocketException, code 10054
        });
    }

    // ---- the tests ----

    private OverlappedSocket nextAccepted() throws Exception {
        OverlappedSocket s = accepted.poll(WATCHDOG_SECONDS, TimeUnit.SECONDS);
        assertTrue(s != null, "the server accepted the client");
        return track(s);
    }

    private static boolean closesWithin(OverlappedSocket s, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (s.isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return !s.isOpen();
    }

    @Test
    void itEchoesAndClosesWhenTheClientFinishes() throws Exception {
        try (SocketChannel client = SocketChannel.open(server.localAddress())) {
            OverlappedSocket s = nextAccepted();
            byte[] hello = "hello, echo".getBytes(StandardCharsets.US_ASCII);
            client.write(ByteBuffer.wrap(hello));
            ByteBuffer back = ByteBuffer.allocate(hello.length);
            while (back.hasRemaining() && client.read(back) >= 0) {
                // until all of it came back
            }
            assertArrayEquals(hello, back.array());
            client.shutdownOutput();
            assertEquals(-1, client.read(ByteBuffer.allocate(1)), "the server closed after the client's end of stream");
            assertTrue(closesWithin(s, WATCHDOG_SECONDS));
        }
    }

    /**
     * A client that sends without reading until the server's echo write cannot finish, then resets: that
     * write fails (10054), and the example must close the socket rather than leave it open with nothing
     * pending. A read pending at the reset would be closed by the read's {@code failed} either way, so the
     * reset waits until the client's own sends stall: the server then has stopped reading, its write pending.
     */
    @Test
    void aWriteThatFailsClosesTheSocket() throws Exception {
        SocketChannel client = SocketChannel.open(server.localAddress());
        try {
            OverlappedSocket s = nextAccepted();
            client.configureBlocking(false);
            ByteBuffer chunk = ByteBuffer.allocateDirect(64 * 1024);
            long sent = 0;
            long stalledSince = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WATCHDOG_SECONDS);
            while (System.nanoTime() < deadline) {
                int n = client.write(chunk.clear());
                sent += n;
                if (n > 0) {
                    stalledSince = 0;
                } else if (stalledSince == 0) {
                    stalledSince = System.nanoTime();
                } else if (System.nanoTime() - stalledSince > TimeUnit.MILLISECONDS.toNanos(500)) {
                    break;
                }
                if (n == 0) {
                    Thread.sleep(5);
                }
            }
            assertTrue(stalledSince != 0, "the client's sends stalled after " + sent + " bytes");
            assertTrue(s.isOpen() && s.outstanding() == 1, "the server's echo write is pending");
            client.setOption(StandardSocketOptions.SO_LINGER, 0);
            client.close(); // a reset
            assertTrue(closesWithin(s, WATCHDOG_SECONDS), "the server closed its socket after its write failed");
            assertEquals(0, s.outstanding());
        } finally {
            client.close();
        }
    }

    /** The README's accept handler and {@code echo} are this class's, line for line (spacing aside). */
    @Test
    void theReadmeShowsThisCode() throws Exception {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path readme = base.resolve("README.md");
        Path source = base.resolve("src/test/java/org/iocp4j/io/ReadmeEchoTest.java");
        Assumptions.assumeTrue(Files.isRegularFile(readme) && Files.isRegularFile(source),
                "README.md and this test's source are not beside this run: the portable leg compares them");
        List<String> documented = Files.readAllLines(readme, StandardCharsets.UTF_8);
        List<String> tested = Files.readAllLines(source, StandardCharsets.UTF_8);
        for (String start : new String[] {"server.accept(null, new CompletionHandler", "static void echo("}) {
            assertEquals(block(tested, start), block(documented, start), "README.md's code from " + start);
        }
    }

    /** The lines from the first that contains {@code start} to where its braces close, trimmed, hooks left out. */
    private static List<String> block(List<String> lines, String start) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        for (String line : lines) {
            if (out.isEmpty() && !line.contains(start)) {
                continue;
            }
            if (!line.contains("(the test's hook)")) {
                out.add(line.trim().replaceAll("\\s+", " "));
            }
            depth += line.chars().filter(c -> c == '{').count() - line.chars().filter(c -> c == '}').count();
            if (depth == 0) {
                return out;
            }
        }
        throw new AssertionError("no block starting with " + start);
    }
}
