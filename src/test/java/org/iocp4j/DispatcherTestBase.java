package org.iocp4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;

/** What the dispatcher tests share: the dispatchers a test started, stopped after it under a watchdog. */
abstract class DispatcherTestBase {

    static final long WATCHDOG_SECONDS = 20;
    private final List<IoDispatcher> dispatchers = new ArrayList<>();

    /** What every dispatcher of the test class gets before it is built (nothing by default). */
    DispatcherBuilder configure(DispatcherBuilder builder) {
        return builder;
    }

    /** Builds a dispatcher that is shut down after the test. */
    IoDispatcher start(DispatcherBuilder builder) throws Exception {
        IoDispatcher d = configure(builder).build();
        dispatchers.add(d);
        return d;
    }

    @AfterEach
    void stopDispatchers() throws InterruptedException {
        for (IoDispatcher d : dispatchers) {
            d.shutdownNow();
            assertTrue(d.awaitTermination(WATCHDOG_SECONDS, TimeUnit.SECONDS), "the dispatcher did not terminate");
        }
    }
}
