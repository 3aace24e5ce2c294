package org.iocp4j.jna;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT;
import org.iocp4j.Backend;
import org.iocp4j.BoundHandle;
import org.iocp4j.IoDispatcher;
import org.iocp4j.IocpException;
import org.iocp4j.NativeOverlapped;
import org.iocp4j.PreAllocatedOverlapped;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a directory with {@code ReadDirectoryChangesW}, through an {@link IoDispatcher}: what the JDK's
 * {@code WatchService} does on Windows with a thread of its own per service, here on the dispatcher's I/O
 * threads with one pre-allocated OVERLAPPED and one direct buffer, and with the names Windows reports
 * (rename pairs, the subtree) rather than polled keys.
 * <pre>{@code
 * try (IoDispatcher d = IoDispatcher.builder().build();
 *      DirectoryWatcher w = DirectoryWatcher.on(d, dir).subtree(true)
 *              .start(event -> System.out.println(event.kind() + " " + event.name()))) {
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Delivery.</b> The listener runs on an I/O thread (or the dispatcher's worker pool), one event at a
 * time, in the order Windows reported them; the next {@code ReadDirectoryChangesW} is issued after the
 * listener has seen a packet's events (the kernel keeps recording changes meanwhile, so none are lost,
 * but a listener that blocks holds up the events after it: hand long work elsewhere). A listener that
 * throws is logged and counted ({@link #listenerFailures()}); the watch goes on. When the kernel's buffer
 * for the handle overflowed, the listener sees one {@link DirectoryEvent.Kind#OVERFLOW} event: rescan.
 *
 * <p><b>Lifetime.</b> The OVERLAPPED and the buffer belong to the kernel from each call until its packet;
 * only the packet's callback frees them. {@link #close()} asks for a stop ({@code CancelIoEx} on the
 * pending call), and the cancelled call's packet ({@code ERROR_OPERATION_ABORTED}, 995) frees the
 * OVERLAPPED and closes the directory handle. Close from any thread, any number of times, from the listener
 * too. Close the watcher before its dispatcher: a dispatcher's shutdown waits for pending operations (up to
 * its shutdown timeout) before it cancels them, and a watch is always pending.
 *
 * <p>If the watch ends on its own (the directory was deleted or became inaccessible, the dispatcher shut
 * down, a malformed record), the listener's {@link Listener#stopped} says why, once, and the watcher is
 * closed.
 *
 * <p>Windows only, on the native backend: elsewhere {@link Builder#start} throws
 * {@code UnsupportedOperationException}.
 */
public final class DirectoryWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

    /** {@code ERROR_OPERATION_ABORTED}: the packet of a cancelled call. */
    private static final int ERROR_OPERATION_ABORTED = 995;
    /** {@code ERROR_NOTIFY_ENUM_DIR}: more changes than the kernel's buffer held; rescan. */
    private static final int ERROR_NOTIFY_ENUM_DIR = 1022;
    /** How long {@link #close()} waits for the cancelled call's packet. */
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(10);

    /** What {@code ReadDirectoryChangesW} reports: its {@code FILE_NOTIFY_CHANGE_*} filter bits. */
    public enum Change {
        /** {@code FILE_NOTIFY_CHANGE_FILE_NAME}: files created, deleted, renamed. */
        FILE_NAME(0x1),
        /** {@code FILE_NOTIFY_CHANGE_DIR_NAME}: directories created, deleted, renamed. */
        DIR_NAME(0x2),
        /** {@code FILE_NOTIFY_CHANGE_ATTRIBUTES}. */
        ATTRIBUTES(0x4),
        /** {@code FILE_NOTIFY_CHANGE_SIZE}: as the file system reports it (often only when data is flushed). */
        SIZE(0x8),
        /** {@code FILE_NOTIFY_CHANGE_LAST_WRITE}. */
        LAST_WRITE(0x10),
        /** {@code FILE_NOTIFY_CHANGE_LAST_ACCESS}. */
        LAST_ACCESS(0x20),
        /** {@code FILE_NOTIFY_CHANGE_CREATION}: the creation time. */
        CREATION(0x40),
        /** {@code FILE_NOTIFY_CHANGE_SECURITY}. */
        SECURITY(0x100);

        private final int bit;

        Change(int bit) {
            this.bit = bit;
        }

        /**
         * The {@code FILE_NOTIFY_CHANGE_*} bit.
         *
         * @return the bit
         */
        public int bit() {
            return bit;
        }
    }

    /** What a watcher calls. */
    @FunctionalInterface
    public interface Listener {

        /**
         * A change, or {@link DirectoryEvent.Kind#OVERFLOW}. Runs on an I/O thread; events come one at a
         * time, in order.
         *
         * @param event the event
         * @throws Exception anything: logged and counted, and the watch goes on
         */
        void changed(DirectoryEvent event) throws Exception;

        /**
         * The watch ended without {@link DirectoryWatcher#close()}: the directory was deleted or became
         * inaccessible, the dispatcher shut down, or the kernel reported an error. The watcher is closed
         * by then. Called at most once; not called after {@code close()}.
         *
         * @param cause why, with the Win32 code when there is one ({@link IocpException#errorCode()})
         */
        default void stopped(IOException cause) {
        }
    }

    /** The options of a watch; {@link #start} opens it. */
    public static final class Builder {
        private final IoDispatcher dispatcher;
        private final Path directory;
        private boolean subtree;
        private Set<Change> changes = EnumSet.of(Change.FILE_NAME, Change.DIR_NAME, Change.LAST_WRITE);
        private int bufferSize = 64 * 1024;

        Builder(IoDispatcher dispatcher, Path directory) {
            this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * Whether changes anywhere below the directory count too (default false).
         *
         * @param watchSubtree true for the whole tree
         * @return this builder
         */
        public Builder subtree(boolean watchSubtree) {
            this.subtree = watchSubtree;
            return this;
        }

        /**
         * What to report (default {@link Change#FILE_NAME}, {@link Change#DIR_NAME},
         * {@link Change#LAST_WRITE}).
         *
         * @param what at least one change
         * @return this builder
         * @throws IllegalArgumentException if {@code what} is empty
         */
        public Builder changes(Set<Change> what) {
            if (what.isEmpty()) {
                throw new IllegalArgumentException("watch at least one kind of change");
            }
            this.changes = EnumSet.copyOf(what);
            return this;
        }

        /**
         * The size of the buffer the records land in (default 64 KiB, the most a network share takes). The
         * kernel keeps a buffer of the same size for the changes that happen between two calls; when that
         * fills, the listener sees an {@link DirectoryEvent.Kind#OVERFLOW}.
         *
         * @param bytes from 64 to 16 MiB; rounded up to a multiple of 8
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder bufferSize(int bytes) {
            if (bytes < 64 || bytes > 16 << 20) {
                throw new IllegalArgumentException("bufferSize must be from 64 bytes to 16 MiB: " + bytes);
            }
            this.bufferSize = (bytes + 7) & ~7;
            return this;
        }

        /**
         * Opens the directory ({@code CreateFileW} with {@code FILE_FLAG_BACKUP_SEMANTICS} and
         * {@code FILE_FLAG_OVERLAPPED}), binds it to the dispatcher and issues the first
         * {@code ReadDirectoryChangesW}. Changes from this call's return on are reported.
         *
         * @param listener what runs for each event
         * @return the watcher, watching
         * @throws UnsupportedOperationException off Windows, or on the portable backend
         * @throws NoSuchFileException           if the directory does not exist
         * @throws NotDirectoryException         if it is not a directory
         * @throws AccessDeniedException         if it may not be opened
         * @throws IocpException                 if a Win32 call fails, with its code
         * @throws IOException                   on other failures
         */
        public DirectoryWatcher start(Listener listener) throws IOException {
            Objects.requireNonNull(listener, "listener");
            if (!Platform.isWindows() || dispatcher.port().backend() != Backend.NATIVE) {
                throw new UnsupportedOperationException("ReadDirectoryChangesW is a Windows API: a DirectoryWatcher needs"
                        + " Windows and a dispatcher on the native backend (this is " + System.getProperty("os.name")
                        + ", dispatcher " + dispatcher.name() + " on the " + dispatcher.port().backend() + " backend)");
            }
            int mask = 0;
            for (Change c : changes) {
                mask |= c.bit;
            }
            return new DirectoryWatcher(this, listener, mask);
        }
    }

    private final IoDispatcher dispatcher;
    private final Path directory;
    private final Listener listener;
    private final boolean subtree;
    private final int filter;
    private final WinNT.HANDLE handle;
    private final ByteBuffer buffer;
    private final Pointer bufferAddress;
    private final PreAllocatedOverlapped overlapped;
    /** The OVERLAPPED's address, kept for {@code CancelIoEx}: valid until {@link #finish} frees it. */
    private final Pointer overlappedAddress;
    /** The events of one packet; packets are handled one at a time (one OVERLAPPED), so one list does. */
    private final List<DirectoryEvent> events = new ArrayList<>();

    private final AtomicBoolean closeRequested = new AtomicBoolean();
    /** Guards {@link #finished} against a {@code CancelIoEx} on a handle that is being closed. */
    private final Object lock = new Object();
    private boolean finished;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicLong listenerFailures = new AtomicLong();
    /** The thread running the listener now, if any: {@link #close()} must not wait for itself there. */
    private volatile Thread delivering;

    private DirectoryWatcher(Builder b, Listener listener, int filter) throws IOException {
        this.dispatcher = b.dispatcher;
        this.directory = b.directory.toAbsolutePath();
        this.listener = listener;
        this.subtree = b.subtree;
        this.filter = filter;
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS) && Files.exists(directory)) {
            throw new NotDirectoryException(directory.toString());
        }
        this.handle = openDirectory(directory);
        BoundHandle bound;
        try {
            bound = JnaHandles.bind(dispatcher, handle);
            // ReadDirectoryChangesW wants a DWORD-aligned buffer: align it rather than trust the allocator.
            this.buffer = ByteBuffer.allocateDirect(b.bufferSize + 8).alignedSlice(8).limit(b.bufferSize).slice();
            this.bufferAddress = Native.getDirectBufferPointer(buffer);
            this.overlapped = bound.preAllocate(this::completed, this, buffer);
        } catch (IOException | RuntimeException e) {
            Kernel32.INSTANCE.CloseHandle(handle);
            throw e;
        }
        this.overlappedAddress = JnaOverlapped.pointer(overlapped);
        try {
            JnaOverlapped.start(overlapped, "ReadDirectoryChangesW", this::readChanges);
        } catch (IOException | RuntimeException e) {
            // Failed at once: no packet will come, so nothing else will free these.
            overlapped.close();
            Kernel32.INSTANCE.CloseHandle(handle);
            throw e;
        }
    }

    /**
     * Starts a watch of {@code directory}.
     *
     * @param dispatcher the dispatcher whose I/O threads run the listener
     * @param directory  the directory
     * @return the options, then {@link Builder#start}
     */
    public static Builder on(IoDispatcher dispatcher, Path directory) {
        return new Builder(dispatcher, directory);
    }

    private static WinNT.HANDLE openDirectory(Path directory) throws IOException {
        WinNT.HANDLE h = Kernel32.INSTANCE.CreateFile(directory.toString(), WinNT.FILE_LIST_DIRECTORY,
                WinNT.FILE_SHARE_READ | WinNT.FILE_SHARE_WRITE | WinNT.FILE_SHARE_DELETE, null, WinNT.OPEN_EXISTING,
                WinNT.FILE_FLAG_BACKUP_SEMANTICS | WinNT.FILE_FLAG_OVERLAPPED, null);
        if (h == null || WinBase.INVALID_HANDLE_VALUE.equals(h)) {
            int error = Native.getLastError();
            switch (error) {
                case 2: // ERROR_FILE_NOT_FOUND
                case 3: // ERROR_PATH_NOT_FOUND
                    throw new NoSuchFileException(directory.toString(), null, "CreateFileW: error " + error);
                case 5: // ERROR_ACCESS_DENIED
                    throw new AccessDeniedException(directory.toString(), null, "CreateFileW: error " + error);
                default:
                    throw new IocpException("CreateFileW(" + directory + ")", error);
            }
        }
        return h;
    }

    /** The one Win32 call of a watch; {@link JnaOverlapped#start} submits around it. */
    private boolean readChanges(Pointer overlappedPointer) {
        return OverlappedKernel32.INSTANCE.ReadDirectoryChangesW(handle, bufferAddress, buffer.capacity(), subtree,
                filter, null, overlappedPointer, null);
    }

    /** The packet of a {@code ReadDirectoryChangesW}: deliver, then issue the next, or end the watch. */
    private void completed(int error, int bytes, NativeOverlapped o) {
        if (error != 0 && error != ERROR_NOTIFY_ENUM_DIR) {
            finish(error == ERROR_OPERATION_ABORTED && closeRequested.get() ? null
                    : new IocpException("ReadDirectoryChangesW(" + directory + ")", error));
            return;
        }
        events.clear();
        if (error == 0 && bytes != 0) {
            try {
                NotifyRecords.parse(buffer, bytes, directory, events);
            } catch (IOException e) {
                finish(e);
                return;
            }
        } else {
            // ERROR_NOTIFY_ENUM_DIR, or success with 0 bytes: the kernel's buffer overflowed (or ours was too
            // small for one record); the changes are gone.
            events.add(new DirectoryEvent(directory, DirectoryEvent.Kind.OVERFLOW, ""));
        }
        deliver();
        events.clear();
        arm();
    }

    private void deliver() {
        delivering = Thread.currentThread();
        try {
            for (DirectoryEvent e : events) {
                if (closeRequested.get()) {
                    return; // nothing after close()
                }
                try {
                    listener.changed(e);
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Throwable t) {
                    listenerFailures.incrementAndGet();
                    LOG.warn("the listener of the watch on {} threw on {}; the watch goes on", directory, e, t);
                }
            }
        } catch (VirtualMachineError fatal) {
            delivering = null;
            finish(new IOException("the listener of the watch on " + directory + " threw " + fatal, fatal));
            throw fatal; // the dispatcher counts it and hands it to the thread's handler
        } finally {
            delivering = null;
        }
    }

    /** Issues the next {@code ReadDirectoryChangesW}, unless the watch is closing. */
    private void arm() {
        if (closeRequested.get()) {
            finish(null);
            return;
        }
        try {
            JnaOverlapped.start(overlapped, "ReadDirectoryChangesW", this::readChanges);
        } catch (IocpException e) {
            finish(e);
            return;
        } catch (RejectedExecutionException e) {
            finish(new IOException("dispatcher " + dispatcher.name() + " has shut down", e));
            return;
        }
        // close() may have tried its CancelIoEx before this call was made, and found nothing to cancel.
        if (closeRequested.get()) {
            cancel();
        }
    }

    private void cancel() {
        synchronized (lock) {
            if (!finished) {
                // FALSE with 1168 (nothing pending) is fine: the callback then sees closeRequested and stops.
                OverlappedKernel32.INSTANCE.CancelIoEx(handle, overlappedAddress);
            }
        }
    }

    /** The watch is over and no call is pending: free the OVERLAPPED, close the handle, say why. */
    private void finish(IOException cause) {
        synchronized (lock) {
            finished = true;
            overlapped.close();
            if (!Kernel32.INSTANCE.CloseHandle(handle)) {
                LOG.warn("CloseHandle of the watch on {}: error {}", directory, Native.getLastError());
            }
        }
        closed.countDown();
        if (cause != null && !closeRequested.get()) {
            LOG.debug("the watch on {} stopped", directory, cause);
            try {
                listener.stopped(cause);
            } catch (RuntimeException e) {
                listenerFailures.incrementAndGet();
                LOG.warn("the listener of the watch on {} threw from stopped()", directory, e);
            }
        }
    }

    /**
     * Stops the watch: cancels the pending call, whose packet then frees the OVERLAPPED and closes the
     * handle. The listener sees no event after this returns (nor after it is called, if called from the
     * listener). Waits up to 10 s for that packet, except on one of the dispatcher's I/O threads and in the
     * listener, where the packet may need this very thread: there it returns at once and the watch ends
     * when the callback returns ({@link #isClosed()}). Any number of times, from any thread.
     */
    @Override
    public void close() {
        if (closeRequested.compareAndSet(false, true)) {
            cancel();
        }
        if (Thread.currentThread() == delivering || dispatcher.isIoThread()) {
            return;
        }
        try {
            if (!awaitClosed(CLOSE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the watch on {} did not end within {} s of close(): its OVERLAPPED stays reserved until"
                        + " its packet comes", directory, CLOSE_DEADLINE.getSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the watch has ended: its OVERLAPPED freed and its handle closed.
     *
     * @param timeout the longest wait
     * @param unit    its unit
     * @return true if it ended
     * @throws InterruptedException if interrupted
     */
    public boolean awaitClosed(long timeout, TimeUnit unit) throws InterruptedException {
        return closed.await(timeout, unit);
    }

    /**
     * Whether the watch has ended: its OVERLAPPED freed and its handle closed.
     *
     * @return true once ended
     */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    /**
     * The watched directory.
     *
     * @return the directory, absolute
     */
    public Path directory() {
        return directory;
    }

    /**
     * How many times the listener threw.
     *
     * @return the count
     */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    @Override
    public String toString() {
        return "DirectoryWatcher[" + directory + (subtree ? ", subtree" : "") + (isClosed() ? ", closed" : "") + "]";
    }
}
