/**
 * The workloads {@code bench} and the JMH benchmarks share: a loopback echo server per stack (iocp4j,
 * NIO's {@code Selector}, NIO.2's asynchronous channels) and file readers
 * (iocp4j, {@code FileChannel}, {@code AsynchronousFileChannel}), behind
 * {@link org.iocp4j.tools.bench.EchoStack} and {@link org.iocp4j.tools.bench.FileReadStack}, and the
 * latency recording they report with.
 *
 * <p>Rules: every stack does the same work with the same buffers and the same settings, so the stacks
 * differ only in how they wait for I/O; each says in {@code describe()} what it runs on.
 */
package org.iocp4j.tools.bench;
