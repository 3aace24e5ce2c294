package org.iocp4j.tools.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One API's random reads of a file: {@value #BLOCK}-byte reads at random {@value #BLOCK}-aligned offsets,
 * with a fixed number in flight. Shared by the {@code iocp4j bench} command and the JMH
 * {@code FileReadBenchmark}, so both measure the same code.
 */
public interface FileReadStack extends AutoCloseable {

    /**
     * The APIs, by the names {@link #of} takes: iocp4j (plain, skipping the port on success, and reusable
     * operations that skip it), the JDK's two.
     */
    List<String> IMPLS = List.of("iocp4j", "iocp4j-skip", "iocp4j-op", "FileChannel", "AsynchronousFileChannel");

    /** The size and alignment of every read. */
    int BLOCK = 4096;

    /**
     * Opens {@code file} for reading with {@code inFlight} reads at a time.
     *
     * @param file a file of at least {@link #BLOCK} bytes ({@link BenchFile#create} makes one)
     */
    void open(Path file, int inFlight) throws IOException;

    /**
     * Completes {@code total} reads, {@code inFlight} at a time, and returns.
     *
     * @param latencies where each read's time goes, or null; {@link Latencies#INTERVAL}: from the moment the
     *                  read is issued (waiting for a thread or a slot included) to its completion
     */
    void reads(int total, Latencies latencies) throws Exception;

    /** What was measured, for reports: the API and, on this platform, what stands under it. */
    String describe();

    /**
     * The stack for a name in {@link #IMPLS}.
     *
     * @throws IllegalArgumentException for any other name
     */
    static FileReadStack of(String impl) {
        switch (impl) {
            case "iocp4j": return new IocpFileReads(false);
            case "iocp4j-skip": return new IocpFileReads(true);
            case "iocp4j-op": return new IocpOperationFileReads();
            case "FileChannel": return new FileChannelReads();
            case "AsynchronousFileChannel": return new AsyncFileChannelReads();
            default: throw new IllegalArgumentException("unknown file read stack '" + impl + "'; one of " + IMPLS);
        }
    }
}
