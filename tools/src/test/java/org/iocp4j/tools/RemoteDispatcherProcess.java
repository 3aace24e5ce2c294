package org.iocp4j.tools;

import java.io.IOException;

import org.iocp4j.IoDispatcher;
import org.iocp4j.PreAllocatedOverlapped;

/**
 * A JVM for {@link DiagnoseRemoteTest} to watch: one dispatcher, registered in JMX, holding a known number
 * of outstanding operations (pre-allocated OVERLAPPEDs, never freed) until its standard input closes.
 */
public final class RemoteDispatcherProcess {

    /** The outstanding operations the test expects to read from outside. */
    static final int HELD = 7;

    private RemoteDispatcherProcess() {
    }

    public static void main(String[] args) throws IOException {
        try (IoDispatcher d = IoDispatcher.builder().name("watched-from-outside").jmx(true).build()) {
            PreAllocatedOverlapped[] held = new PreAllocatedOverlapped[HELD];
            for (int i = 0; i < HELD; i++) {
                held[i] = d.preAllocate((error, bytes, overlapped) -> { }, null);
            }
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input (or dies, which closes it too)
            }
            for (PreAllocatedOverlapped o : held) {
                o.free();
            }
        }
    }
}
