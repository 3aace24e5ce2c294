package org.iocp4j.io;

/**
 * The result of a read from a {@link NamedPipe} in message mode.
 *
 * @param bytes           the bytes read into the buffer, or -1 at end of stream (the other end closed)
 * @param messageComplete false when the message did not fit ({@code ERROR_MORE_DATA}, 234): the rest of
 *                        the same message comes with the next read, nothing is lost
 */
public record PipeRead(int bytes, boolean messageComplete) {
}
