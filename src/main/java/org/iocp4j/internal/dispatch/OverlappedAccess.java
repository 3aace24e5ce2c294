package org.iocp4j.internal.dispatch;

import org.iocp4j.IoCallback;
import org.iocp4j.NativeOverlapped;

/**
 * What the engine reads of a {@link NativeOverlapped}, whose fields stay private to {@code org.iocp4j}
 * (the JDK's {@code SharedSecrets} idea, handed to the engine at construction rather than through a
 * static). It has exactly one implementation, there, so every call binds statically.
 */
public abstract class OverlappedAccess {

    /**
     * @param overlapped an operation
     * @return the callback its packets run
     */
    public abstract IoCallback callback(NativeOverlapped overlapped);

    /**
     * @param overlapped an operation
     * @return its slot in the slab
     */
    public abstract int slot(NativeOverlapped overlapped);

    /**
     * @param overlapped an operation
     * @return the slot's generation it was allocated at
     */
    public abstract long generation(NativeOverlapped overlapped);

    /**
     * @param overlapped an operation
     * @return whether it may be submitted again after a completion (so its slot keeps it as the owner)
     */
    public abstract boolean reusable(NativeOverlapped overlapped);

    /**
     * @param overlapped an operation
     * @return the handle it was allocated for, 0 if none
     */
    public abstract long handle(NativeOverlapped overlapped);

    /**
     * @param overlapped an operation
     * @return where it was allocated and last submitted, null if leak detection did not record it
     */
    public abstract LeakTrace trace(NativeOverlapped overlapped);
}
