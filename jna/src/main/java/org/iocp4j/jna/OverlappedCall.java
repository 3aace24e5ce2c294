package org.iocp4j.jna;

import com.sun.jna.Pointer;

/**
 * One overlapped Win32 call, made through JNA with the OVERLAPPED {@link JnaOverlapped#start} hands it:
 * {@code p -> OverlappedKernel32.INSTANCE.ReadFile(file, buffer, n, null, p)}.
 *
 * <p>Make exactly that one call and return its {@code BOOL}: {@link JnaOverlapped#start} reads the last
 * error JNA saved right after it, so another JNA call in between would replace it.
 */
@FunctionalInterface
public interface OverlappedCall {

    /**
     * Makes the call.
     *
     * @param overlapped the OVERLAPPED to pass
     * @return the call's {@code BOOL} result: true if it succeeded at once
     */
    boolean call(Pointer overlapped);
}
