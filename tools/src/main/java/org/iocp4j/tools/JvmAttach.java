package org.iocp4j.tools;

import java.io.IOException;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * The attach API, alone in its class: a runtime without the {@code jdk.attach} module (a jlinked JRE) fails
 * to link this class only, when {@code diagnose --pid} first needs it, and {@link DispatcherMBeans} says why.
 */
final class JvmAttach {

    private JvmAttach() {
    }

    /**
     * Starts the local JMX agent of JVM {@code pid} (a no-op if it runs) and returns its address.
     *
     * @throws IOException if {@code pid} is not a JVM the attach API lists, or refuses the attach
     */
    static String localManagementAgent(long pid) throws IOException {
        // Only a JVM the attach API lists: on Linux, attaching to anything else sends it SIGQUIT, which
        // kills a process that does not handle it (and dumps its core).
        String id = Long.toString(pid);
        if (VirtualMachine.list().stream().noneMatch(d -> d.id().equals(id))) {
            throw new IOException("process " + pid + " is not a JVM the attach API can see (not Java, another"
                    + " user's, or started with -XX:-UsePerfData)");
        }
        try {
            VirtualMachine vm = VirtualMachine.attach(id);
            try {
                return vm.startLocalManagementAgent();
            } finally {
                vm.detach();
            }
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to process " + pid + " (another user's, or attach disabled"
                    + " there): " + e.getMessage(), e);
        }
    }
}
