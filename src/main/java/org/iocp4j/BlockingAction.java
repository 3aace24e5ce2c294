package org.iocp4j;

/**
 * Code that is about to block, run through {@link CompletionPort#blocking(BlockingAction)} so the port
 * can let another thread run in the meantime.
 *
 * @param <T> the result type
 * @param <X> the exception the action may throw
 */
@FunctionalInterface
public interface BlockingAction<T, X extends Throwable> {

    /**
     * Runs the blocking code.
     *
     * @return its result
     * @throws X whatever the code throws
     */
    T run() throws X;
}
