package org.iocp4j.benchmarks;

import java.util.concurrent.TimeUnit;

import org.iocp4j.tools.bench.EchoStack;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loopback TCP echo: round trips per second ({@link #throughput}) and the time of one round trip
 * ({@link #latency}, {@code SampleTime}: percentiles), for 64 B and 16 KiB messages over 1 and 64
 * connections, with iocp4j's sockets beside NIO's {@code Selector} and NIO.2's
 * {@code AsynchronousSocketChannel} in the same run. Each stack serves and drives its own connections
 * (server and clients in this process, same technology on both ends); each connection has one message in
 * flight.
 *
 * <p>Which NIO each baseline is: on Windows the {@code Selector} is the JDK's {@code WEPoll} (wepoll over
 * AFD) and NIO.2 is the JDK's {@code Iocp}; on Linux both are epoll, and iocp4j runs on its portable backend
 * (NIO readiness turned into completions), so there it measures what the emulation costs, not IOCP.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EchoBenchmark {

    /** Round trips per {@link #throughput} invocation. */
    static final int ROUND_TRIPS = 256;

    /** One stack, open for the whole trial. */
    @State(Scope.Benchmark)
    public static class Stack {
        @Param({"iocp4j", "iocp4j-skip", "iocp4j-op", "nio-selector", "nio2-async"})
        public String impl;
        @Param({"64", "16384"})
        public int messageSize;
        @Param({"1", "64"})
        public int connections;

        EchoStack stack;

        @Setup(Level.Trial)
        public void open() throws Exception {
            stack = EchoStack.of(impl);
            stack.open(connections, messageSize);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stack.close();
        }
    }

    /** {@link #ROUND_TRIPS} round trips spread over the connections. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(ROUND_TRIPS)
    public void throughput(Stack s) throws Exception {
        s.stack.roundTrips(ROUND_TRIPS);
    }

    /** One round trip per connection at once (with 1 connection: one message's round-trip time). */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public void latency(Stack s) throws Exception {
        s.stack.roundTrips(s.connections);
    }
}
