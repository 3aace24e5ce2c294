package org.iocp4j.internal.portable;


import org.iocp4j.CompletionPort;
import org.iocp4j.IocpException;
import org.iocp4j.PortClosedException;
import org.iocp4j.internal.Errors;
import org.iocp4j.internal.Win32Errors;

/**
 * The portable backend's handle table: what stands in for the kernel's object manager where there is no
 * Windows. A portable file or socket (a {@code FileChannel}, a {@code SocketChannel}) gets a handle value
 * here, so it binds to a dispatcher and travels through the same {@code long}-handle API as a Win32
 * {@code HANDLE}; associating it with a {@link PortableCompletionPort} records the port and key on the
 * entry, as {@code CreateIoCompletionPort} records them on the kernel's file object.
 */
public final class PortableHandles {

    /** Handle values look like Windows' (multiples of 4) and start high, so they never look like 0 or -1. */
    private static final long FIRST = 0x10000;
    private static final HandleTable<Entry> TABLE = new HandleTable<>();

    private PortableHandles() {
    }

    /** One open portable handle. */
    public static final class Entry {
        private final long handle;
        private final Object resource;
        private volatile PortableCompletionPort port;
        private volatile long key;
        /** {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS}: set once, never cleared (as on Windows). */
        private volatile boolean skipOnSuccess;

        Entry(long handle, Object resource) {
            this.handle = handle;
            this.resource = resource;
        }

        /** The handle value. */
        public long handle() {
            return handle;
        }

        /** The Java object behind the handle. */
        public Object resource() {
            return resource;
        }

        /** The port it is associated with, or null. */
        public PortableCompletionPort port() {
            return port;
        }

        /** The completion key of its packets. */
        public long key() {
            return key;
        }

        /**
         * Whether an operation that completes at once skips the port: then it returns its byte count instead
         * of -997 and queues no packet, as on Windows.
         */
        public boolean skipsOnSuccess() {
            return skipOnSuccess;
        }

        /** Sets {@code FILE_SKIP_COMPLETION_PORT_ON_SUCCESS} on the handle (irreversible). */
        void skipOnSuccess() {
            skipOnSuccess = true;
        }

        /**
         * Queues the packet of a completed operation on the associated port, as the kernel does.
         *
         * @return false if the handle is associated with no port, or the port is closed (the packet is lost,
         *         as it is on Windows when the port is gone)
         */
        public boolean complete(long overlappedAddress, int bytes, int errorCode) {
            PortableCompletionPort p = port;
            if (p == null) {
                return false;
            }
            try {
                p.postCompletion(key, bytes, overlappedAddress, errorCode);
                return true;
            } catch (PortClosedException e) {
                return false;
            }
        }
    }

    /** Gives {@code resource} a handle value. */
    public static Entry register(Object resource) {
        return TABLE.add(index -> new Entry(FIRST + (index << 2), resource));
    }

    /** The entry of an open handle, or null (closed, or never a portable handle). */
    public static Entry lookup(long handle) {
        return (handle & 3) == 0 ? TABLE.get(indexOf(handle)) : null;
    }

    /** Forgets a handle (its close); false if it was not open. */
    public static boolean unregister(long handle) {
        return (handle & 3) == 0 && TABLE.remove(indexOf(handle)) != null;
    }

    /** Where {@code handle} lives in the table: values go up by 4 from {@link #FIRST}. */
    private static long indexOf(long handle) {
        return (handle - FIRST) >> 2;
    }

    /** Open portable handles: the portable analogue of a process's handle count. */
    public static int count() {
        return TABLE.size();
    }

    /**
     * Associates a handle with a port, once (as Windows: a second association fails with
     * {@code ERROR_INVALID_PARAMETER}, 87); an unknown handle fails with {@code ERROR_INVALID_HANDLE}, 6.
     */
    static void associate(long handle, PortableCompletionPort port, long key) throws IocpException {
        Entry e = lookup(handle);
        if (e == null) {
            throw Errors.iocpException("CreateIoCompletionPort", Win32Errors.ERROR_INVALID_HANDLE);
        }
        synchronized (e) {
            if (e.port != null) {
                throw Errors.iocpException("CreateIoCompletionPort", Win32Errors.ERROR_INVALID_PARAMETER);
            }
            e.key = key;
            e.port = port;
        }
    }

    /** Whether {@code handle} is a value {@link #register} gave out, open or since closed. */
    static boolean wasIssued(long handle) {
        return handle >= FIRST && (handle & 3) == 0 && indexOf(handle) < TABLE.issued();
    }

    /** For {@link CompletionPort} users who need the type in a signature. */
    static boolean isPortable(long handle) {
        return lookup(handle) != null;
    }
}
