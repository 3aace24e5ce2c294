package org.iocp4j.io;

import java.util.Objects;

/**
 * The result of a read from a {@link NamedPipe} in message mode.
 */
public final class PipeRead {
    private final int bytes;
    private final boolean messageComplete;

    /**
     * Creates a PipeRead.
     *
     * @param bytes the bytes read into the buffer, or -1 at end of stream (the other end closed)
     * @param messageComplete false when the message did not fit ({@code ERROR_MORE_DATA}, 234): the rest of the same message comes with the next read, nothing is lost
     */
    public PipeRead(int bytes, boolean messageComplete) {
        this.bytes = bytes;
        this.messageComplete = messageComplete;
    }

    /** @return the bytes read into the buffer, or -1 at end of stream (the other end closed) */
    public int bytes() {
        return bytes;
    }

    /** @return false when the message did not fit ({@code ERROR_MORE_DATA}, 234): the rest of the same message comes with the next read, nothing is lost */
    public boolean messageComplete() {
        return messageComplete;
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof PipeRead)) {
            return false;
        }
        PipeRead o = (PipeRead) other;
        return bytes == o.bytes
            && messageComplete == o.messageComplete;
    }

    @Override
    public int hashCode() {
        return Objects.hash(bytes, messageComplete);
    }

    @Override
    public String toString() {
        return "PipeRead[bytes=" + bytes + ", messageComplete=" + messageComplete + "]";
    }
}
