package org.iocp4j.io;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A reusable operation's outcomes in order, each an {@code Integer} count or the {@code IOException}. */
final class Outcomes implements SocketOperation.Handler, FileOperation.Handler {
    final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();

    @Override
    public void completed(SocketOperation operation, int bytes) {
        completed(operation.isDone(), bytes);
    }

    @Override
    public void failed(SocketOperation operation, IOException error) {
        seen.add(error);
    }

    @Override
    public void completed(FileOperation operation, int bytes) {
        completed(operation.isDone(), bytes);
    }

    @Override
    public void failed(FileOperation operation, IOException error) {
        seen.add(error);
    }

    private void completed(boolean done, int bytes) {
        assertTrue(done, "done before its handler runs, so the handler may start it again");
        seen.add(bytes);
    }

    /** The next outcome, waiting for it. */
    Object next() throws InterruptedException {
        Object o = seen.poll(ChannelTestBase.WATCHDOG_SECONDS, TimeUnit.SECONDS);
        assertNotNull(o, "no outcome");
        return o;
    }

    /** The next outcome, which must be a count. */
    int count() throws InterruptedException {
        Object o = next();
        if (o instanceof Throwable) {
            throw new AssertionError("failed", (Throwable) o);
        }
        return (Integer) o;
    }
}
