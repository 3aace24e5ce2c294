package org.iocp4j;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the test class (and so the build) when a {@link NativeOverlapped} leak was reported during it that
 * no test announced with {@link #expect}. Registered for every test class through the service file in
 * {@code src/test/resources}; the suite runs with {@code -Diocp4j.leakDetection=paranoid} (pom.xml).
 */
public final class LeakGuard implements AfterAllCallback {

    private static final AtomicLong EXPECTED = new AtomicLong();

    /** A test that leaks on purpose says how many leaks it causes. */
    public static void expect(long leaks) {
        EXPECTED.addAndGet(leaks);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        // Give unreachable overlapped objects a chance to be found now rather than in a later class.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        long unexpected = LeakDetection.reportedLeaks() - EXPECTED.get();
        if (unexpected > 0) {
            EXPECTED.addAndGet(unexpected); // report each leak once
            throw new AssertionError(unexpected + " NativeOverlapped leak(s) reported while "
                    + context.getDisplayName() + " ran: see the LEAK lines in the log for where they were allocated");
        }
    }
}
