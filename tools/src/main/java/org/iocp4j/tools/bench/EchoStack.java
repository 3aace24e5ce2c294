package org.iocp4j.tools.bench;

import java.util.List;

/**
 * One technology's loopback echo: a server and {@code connections} clients of the same technology in this
 * process. A round trip is one client sending one message and receiving all of its echo. Shared by the
 * {@code iocp4j bench} command and the JMH {@code EchoBenchmark}, so both measure the same code.
 */
public interface EchoStack extends AutoCloseable {

    /**
     * The technologies, by the names {@link #of} takes: iocp4j, iocp4j with skip-on-success (a receive or send
     * that completes at once runs its handler on the calling thread, no packet), iocp4j with reusable
     * {@code SocketOperation}s and skip-on-success (nothing allocated per operation), then the two NIO
     * baselines.
     */
    List<String> IMPLS = List.of("iocp4j", "iocp4j-skip", "iocp4j-op", "nio-selector", "nio2-async");

    /** Starts the server and connects the clients. */
    void open(int connections, int messageSize) throws Exception;

    /**
     * Runs {@code total} round trips spread over the connections (each connection one message at a time),
     * returning when all have completed.
     *
     * @param latencies where each round trip's time goes (from the moment the client issues its write to the
     *                  moment it has read the last byte of its echo), or null to record nothing
     */
    void roundTrips(int total, Latencies latencies) throws Exception;

    /** {@link #roundTrips(int, Latencies)} recording nothing. */
    default void roundTrips(int total) throws Exception {
        roundTrips(total, null);
    }

    /** What was measured, for reports: the technology and, on this platform, what stands under it. */
    String describe();

    /**
     * The stack for a name in {@link #IMPLS}.
     *
     * @throws IllegalArgumentException for any other name
     */
    static EchoStack of(String impl) {
        switch (impl) {
            case "iocp4j": return new IocpEchoStack(false);
            case "iocp4j-skip": return new IocpEchoStack(true);
            case "iocp4j-op": return new IocpOperationEchoStack();
            case "nio-selector": return new SelectorEchoStack();
            case "nio2-async": return new AsyncChannelEchoStack();
            default: throw new IllegalArgumentException("unknown echo stack '" + impl + "'; one of " + IMPLS);
        }
    }
}
