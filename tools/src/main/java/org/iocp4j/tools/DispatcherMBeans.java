package org.iocp4j.tools;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.OptionalLong;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The iocp4j dispatchers of one JVM, read through their MBeans: this JVM's own, or another's through the
 * attach API, which starts that JVM's local JMX agent (the one {@code jconsole} uses) and connects to it.
 * What {@code diagnose} shows in its "outstanding" column.
 */
final class DispatcherMBeans implements AutoCloseable {

    private static final String PATTERN = "org.iocp4j:type=IoDispatcher,*";

    private final MBeanServerConnection server;
    private final JMXConnector connector;
    private final String source;

    private DispatcherMBeans(MBeanServerConnection server, JMXConnector connector, String source) {
        this.server = server;
        this.connector = connector;
        this.source = source;
    }

    /** This JVM's dispatchers. */
    static DispatcherMBeans local() {
        return new DispatcherMBeans(ManagementFactory.getPlatformMBeanServer(), null, "this JVM's dispatchers (JMX)");
    }

    /**
     * Another JVM's dispatchers: attaches to {@code pid}, starts its local management agent (a no-op if it
     * runs) and connects.
     *
     * @throws IOException with the reason when the process cannot be read this way: not a JVM, another
     *                     user's, attach disabled there, or no {@code jdk.attach} module here (a JRE); a
     *                     process that is not a listed JVM is never attached to
     */
    static DispatcherMBeans attach(long pid) throws IOException {
        String url;
        try {
            url = JvmAttach.localManagementAgent(pid);
        } catch (LinkageError e) {
            throw new IOException("this Java has no jdk.attach module (a JRE?): run diagnose with a JDK", e);
        }
        JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
        return new DispatcherMBeans(connector.getMBeanServerConnection(), connector,
                "process " + pid + "'s dispatchers (JMX through the attach API)");
    }

    /** @return where the figures come from, for the table's legend */
    String source() {
        return source;
    }

    /** @return how many dispatchers the JVM has registered now, or -1 if it cannot be read */
    int dispatchers() {
        try {
            return server.queryNames(new ObjectName(PATTERN), null).size();
        } catch (IOException | JMException e) {
            return -1;
        }
    }

    /** @return operations and tasks outstanding over every dispatcher, or empty if it cannot be read now */
    OptionalLong outstanding() {
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName(PATTERN), null);
            long sum = 0;
            for (ObjectName n : names) {
                sum += (Long) server.getAttribute(n, "OutstandingOperations") + (Long) server.getAttribute(n, "OutstandingTasks");
            }
            return OptionalLong.of(sum);
        } catch (IOException | JMException | RuntimeException e) {
            return OptionalLong.empty(); // the JVM went away, or a dispatcher closed between the query and the read
        }
    }

    @Override
    public void close() {
        if (connector != null) {
            try {
                connector.close();
            } catch (IOException e) {
                // the other JVM may be gone; nothing of ours is left open
            }
        }
    }
}
