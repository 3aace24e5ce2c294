package org.iocp4j.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

import org.iocp4j.Completion;
import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;
import org.iocp4j.Iocp;
import org.iocp4j.PortClosedException;

/** {@code iocp4j demo --walkthrough}: a port opened, fed and drained on whichever backend this machine has. */
final class PortWalkthrough {

    private PortWalkthrough() {
    }

    @SuppressWarnings("try") // closing the port inside its try is the point: close() under a waiting thread
    static void run(PrintStream out) throws IOException {
        out.println("iocp4j demo --walkthrough");
        out.println("  native backend available: " + Iocp.isAvailable()
                + (Iocp.isAvailable() ? "" : " (" + firstLine(Iocp.unavailabilityCause()) + ")"));
        try (CompletionPort port = CompletionPort.open(0); CompletionBatch batch = CompletionBatch.allocate(16)) {
            out.println("  opened a " + port.backend() + " completion port, concurrency " + port.concurrency());

            for (int i = 1; i <= 5; i++) {
                port.post(i, i * 100, 0x1000L * i);
            }
            out.println("  posted 5 packets (key i, i*100 bytes, OVERLAPPED 0x1000*i)");

            Completion one = new Completion();
            port.poll(one, 0, TimeUnit.SECONDS);
            out.println("  single poll:  " + one);
            int n = port.poll(batch, 0, TimeUnit.SECONDS);
            out.println("  batch poll took " + n + " packets, in the order they were posted:");
            for (int i = 0; i < n; i++) {
                out.printf("    key=%d bytes=%d overlapped=0x%x error=%d%n",
                        batch.key(i), batch.bytesTransferred(i), batch.overlappedAddress(i), batch.errorCode(i));
            }

            long start = System.nanoTime();
            boolean got = port.poll(one, 50, TimeUnit.MILLISECONDS);
            out.printf("  poll on an empty port with a 50 ms timeout: %s after %d ms%n",
                    got ? "a packet?!" : "timed out", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

            Thread waiter = new Thread(() -> {
                try {
                    port.poll(new Completion(), Long.MAX_VALUE, TimeUnit.NANOSECONDS);
                } catch (PortClosedException e) {
                    out.println("  a thread waiting forever was released by close(): " + e.getMessage());
                } catch (IOException e) {
                    out.println("  unexpected: " + e);
                }
            }, "demo-waiter");
            waiter.start();
            sleepQuietly(100);
            port.close();
            joinQuietly(waiter);
            try {
                port.post(1, 1, 1);
            } catch (PortClosedException e) {
                out.println("  posting to the closed port: " + e.getClass().getSimpleName() + ", error " + e.errorCode());
            }
        }
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
