package org.iocp4j.benchmarks;

/**
 * One technology's loopback echo: a server and {@code connections} clients of the same technology in this
 * process. A round trip is one client sending one message and receiving all of its echo.
 */
interface EchoStack extends AutoCloseable {

    /** Starts the server and connects the clients. */
    void open(int connections, int messageSize) throws Exception;

    /**
     * Runs {@code total} round trips spread over the connections (each connection one message at a time),
     * returning when all have completed.
     */
    void roundTrips(int total) throws Exception;

    /** What was measured, for reports: the technology and, on this platform, what stands under it. */
    String describe();

    static EchoStack of(String impl) {
        switch (impl) {
            case "iocp4j": return new IocpEchoStack();
            case "nio-selector": return new SelectorEchoStack();
            case "nio2-async": return new AsyncChannelEchoStack();
            default: throw new IllegalArgumentException("unknown echo stack " + impl);
        }
    }
}
