package org.iocp4j.jna;

import com.sun.jna.platform.win32.WinBase;
import org.iocp4j.NativeOverlapped;

/**
 * A read-only {@link WinBase.OVERLAPPED} over a {@link NativeOverlapped}'s memory, for code written against
 * jna-platform's types. Made by {@link JnaOverlapped#view}.
 *
 * <p><b>Why read-only.</b> A JNA {@code Structure} passed to a native function is written to its memory
 * before the call (auto-write: every field, {@code Internal} and {@code InternalHigh} included) and read
 * back after it. While an operation is pending those two fields belong to the kernel: {@code Internal}
 * holds {@code STATUS_PENDING} (0x103) until the operation completes, and {@code GetOverlappedResult},
 * {@code HasOverlappedIoCompleted} and the kernel itself read it. A plain {@code OVERLAPPED} structure
 * handed to, say, {@code GetOverlappedResult} during the operation would write back whatever its Java
 * fields held (0 for a fresh one: "succeeded, 0 bytes") under the kernel. So this view never writes:
 * auto-write is off and {@link #write()}, {@link #writeField(String)}, {@link #writeField(String, Object)},
 * {@link #clear()} and {@link #setAutoWrite(boolean) setAutoWrite(true)} throw
 * {@code UnsupportedOperationException}. Set the fields a caller owns through iocp4j instead:
 * {@link NativeOverlapped#setOffset} and {@link NativeOverlapped#setEventHandle}, which refuse while the
 * operation is submitted.
 *
 * <p>Reading is always allowed while the overlapped lives ({@link #read()} throws
 * {@code IllegalStateException} once it is freed, since its memory then belongs to another operation). A
 * read while the operation is pending is a snapshot of memory the kernel may change at any moment.
 *
 * <p>The memory belongs to the {@link NativeOverlapped}'s dispatcher, not to this view: the view never
 * frees it, and the garbage collector may collect the view at any time without harm (unlike a
 * jna-platform {@code OVERLAPPED}, whose memory the collector frees with it, even while the kernel writes
 * it).
 */
public final class OverlappedView extends WinBase.OVERLAPPED {

    private final NativeOverlapped overlapped;
    /** False while the superclass constructor runs (it may write its own fresh memory), true after. */
    private final boolean sealed;

    OverlappedView(NativeOverlapped overlapped) {
        this.overlapped = overlapped;
        useMemory(JnaOverlapped.pointer(overlapped));
        super.setAutoWrite(false);
        this.sealed = true;
        read();
    }

    /**
     * The overlapped this view reads.
     *
     * @return the overlapped
     */
    public NativeOverlapped overlapped() {
        return overlapped;
    }

    /**
     * Reads every field from the OVERLAPPED's memory.
     *
     * @throws IllegalStateException if the overlapped was freed
     */
    @Override
    public void read() {
        if (sealed && overlapped.status() == NativeOverlapped.Status.FREED) {
            throw new IllegalStateException("read of a freed overlapped's view: its memory belongs to another operation");
        }
        super.read();
    }

    /**
     * Refused: the view never writes (see the class comment).
     *
     * @throws UnsupportedOperationException always, once constructed
     */
    @Override
    public void write() {
        if (sealed) {
            throw refused("write()");
        }
        super.write();
    }

    /**
     * Refused: the view never writes (see the class comment).
     *
     * @param name the field
     * @throws UnsupportedOperationException always
     */
    @Override
    public void writeField(String name) {
        throw refused("writeField(\"" + name + "\")");
    }

    /**
     * Refused: the view never writes (see the class comment).
     *
     * @param name  the field
     * @param value the value
     * @throws UnsupportedOperationException always
     */
    @Override
    public void writeField(String name, Object value) {
        throw refused("writeField(\"" + name + "\", ...)");
    }

    /**
     * Refused: the view never writes (see the class comment).
     *
     * @throws UnsupportedOperationException always, once constructed
     */
    @Override
    public void clear() {
        if (sealed) {
            throw refused("clear()");
        }
        super.clear();
    }

    /**
     * Does nothing: JNA calls this before passing the structure to a native function, and the view never
     * writes the kernel's fields.
     */
    @Override
    public void autoWrite() {
        if (!sealed) {
            super.autoWrite();
        }
    }

    /**
     * Only {@code false} is accepted: auto-write stays off.
     *
     * @param auto must be false
     * @throws UnsupportedOperationException if {@code auto} is true
     */
    @Override
    public void setAutoWrite(boolean auto) {
        if (auto && sealed) {
            throw refused("setAutoWrite(true)");
        }
        super.setAutoWrite(auto);
    }

    private static UnsupportedOperationException refused(String what) {
        return new UnsupportedOperationException(what + " on an OverlappedView: it never writes the OVERLAPPED, whose"
                + " Internal fields the kernel owns while the operation is pending. Set Offset and hEvent through"
                + " NativeOverlapped.setOffset and setEventHandle");
    }

    @Override
    public String toString() {
        return "OverlappedView[" + overlapped + "]";
    }
}
