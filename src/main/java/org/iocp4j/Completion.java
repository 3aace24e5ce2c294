package org.iocp4j;

/**
 * One completion packet, filled by {@link CompletionPort#poll(Completion, long, java.util.concurrent.TimeUnit)}.
 *
 * <p>A mutable holder meant to be reused: polling into the same instance allocates nothing. It is not
 * thread-safe; give each polling thread its own.
 *
 * <p>A packet is either a success ({@link #errorCode()} is 0: a posted packet or an operation that
 * succeeded) or the packet of an operation that <em>failed</em> ({@link #errorCode()} is its Win32 code,
 * for example 38, {@code ERROR_HANDLE_EOF}, or 995, {@code ERROR_OPERATION_ABORTED}). A failed
 * operation's packet still carries its key, byte count and OVERLAPPED: it is never dropped or turned
 * into an exception.
 */
public final class Completion {

    long key;
    long overlappedAddress;
    int bytesTransferred;
    int errorCode;

    /** Creates an empty holder. */
    public Completion() {
    }

    /**
     * The completion key: the value given to {@link CompletionPort#associate} for the handle, or to
     * {@link CompletionPort#post}.
     *
     * @return the key, all 64 bits
     */
    public long key() {
        return key;
    }

    /**
     * The address of the packet's {@code OVERLAPPED}, or 0 for a packet posted without one.
     *
     * @return the address
     */
    public long overlappedAddress() {
        return overlappedAddress;
    }

    /**
     * The number of bytes transferred: a Win32 {@code DWORD}, so read it with
     * {@link Integer#toUnsignedLong(int)} if it may exceed 2<sup>31</sup>-1.
     *
     * @return the byte count
     */
    public int bytesTransferred() {
        return bytesTransferred;
    }

    /**
     * The Win32 error code of the operation: 0 on success.
     *
     * @return the error code
     */
    public int errorCode() {
        return errorCode;
    }

    /**
     * Whether the operation succeeded.
     *
     * @return true if {@link #errorCode()} is 0
     */
    public boolean isSuccess() {
        return errorCode == 0;
    }

    @Override
    public String toString() {
        return "Completion[key=0x" + Long.toHexString(key) + ", overlapped=0x" + Long.toHexString(overlappedAddress)
                + ", bytes=" + Integer.toUnsignedString(bytesTransferred) + ", error=" + errorCode + "]";
    }
}
