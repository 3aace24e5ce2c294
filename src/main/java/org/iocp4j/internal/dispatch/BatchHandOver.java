package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.iocp4j.CompletionBatch;
import org.iocp4j.CompletionPort;

/**
 * Hands the unclaimed rest of a batch from a thread that blocks or stalls to threads that are free: the
 * entries go to a queue and one token packet per entry goes through the port, so any thread runs them.
 * A thread never holds dequeued packets hostage behind a long callback.
 */
public final class BatchHandOver {

    private final String name;
    private final CompletionPort port;
    private final DispatcherCounters counters;
    /** Entries taken from the unprocessed rest of a blocked thread's batch; one deferred token each. */
    private final ConcurrentLinkedQueue<Deferred> deferred = new ConcurrentLinkedQueue<>();

    /**
     * @param config   the dispatcher's settings (its name)
     * @param port     carries the tokens
     * @param counters where moved entries are counted
     */
    public BatchHandOver(DispatcherConfig config, CompletionPort port, DispatcherCounters counters) {
        this.name = config.name();
        this.port = port;
        this.counters = counters;
    }

    /**
     * A thread that claimed nothing since the last look gives up its batch's rest: its callback blocks, or
     * has run for longer than the stall period (the gate thread looks that often while a thread is busy).
     */
    void unstick(Set<IoThread> threads) {
        for (IoThread io : threads) {
            long cursor = io.cursor();
            if (cursor == io.cursorSeen && BatchCursor.unclaimed(cursor) > 0) {
                moveRest(io);
            }
            io.cursorSeen = cursor;
        }
    }

    /**
     * Moves the unclaimed rest of {@code io}'s batch to the deferred queue and posts one token per entry,
     * so other threads run them. Any thread may call it; the owner waits for the copy before reusing the
     * batch. Allocates, but only when a thread blocks or stalls.
     */
    void moveRest(IoThread io) {
        int moved = 0;
        io.moving(true);
        try {
            long cursor = io.cursor();
            int from = BatchCursor.next(cursor);
            int end = BatchCursor.size(cursor);
            if (from >= end || !io.claimRest(cursor)) {
                return;
            }
            CompletionBatch batch = io.batch;
            for (int i = from; i < end; i++) {
                long key = batch.key(i);
                long address = batch.overlappedAddress(i);
                // A token moved again is only re-posted: its entry is still in the queue.
                if (PacketKey.kind(key, address) != PacketKey.DEFERRED) {
                    deferred.add(new Deferred(key, address, batch.errorCode(i), batch.bytesTransferred(i)));
                }
            }
            moved = end - from;
        } finally {
            io.moving(false);
        }
        for (int i = 0; i < moved; i++) {
            try {
                port.post(PacketKey.DEFERRED_KEY, 0, 0);
            } catch (IOException e) {
                LOG.error("dispatcher {}: could not post a deferred packet; it waits for the next one", name, e);
                return;
            }
        }
        counters.deferred(moved);
    }

    /** The entry a token stands for, or null if another token's thread ran it already. */
    Deferred poll() {
        return deferred.poll();
    }

    /** One entry of a batch, moved to another thread. */
    static final class Deferred {
        final long key;
        final long address;
        final int errorCode;
        final int bytes;

        Deferred(long key, long address, int errorCode, int bytes) {
            this.key = key;
            this.address = address;
            this.errorCode = errorCode;
            this.bytes = bytes;
        }
    }
}
