package org.iocp4j.internal.dispatch;

import static org.iocp4j.internal.dispatch.DispatcherLog.LOG;

import java.lang.management.ManagementFactory;
import java.util.Hashtable;
import java.util.Map;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * A dispatcher's MBean in the platform MBean server, {@code org.iocp4j:type=IoDispatcher,name="<name>"}:
 * registered while the dispatcher runs. A registration that fails is logged and leaves the dispatcher
 * without one; its stats still work.
 */
public final class JmxRegistration {

    /** No MBean: what a dispatcher built with {@code jmx(false)} holds. */
    public static final JmxRegistration NONE = new JmxRegistration("", null);

    private final String dispatcher;
    private final ObjectName name;

    private JmxRegistration(String dispatcher, ObjectName name) {
        this.dispatcher = dispatcher;
        this.name = name;
    }

    /**
     * @param dispatcher the dispatcher's name
     * @param mbean      its MXBean implementation
     * @return the registration, or {@link #NONE} if the server refused it (logged)
     */
    public static JmxRegistration register(String dispatcher, Object mbean) {
        try {
            ObjectName on = new ObjectName("org.iocp4j", new Hashtable<>(
                    Map.of("type", "IoDispatcher", "name", ObjectName.quote(dispatcher))));
            ManagementFactory.getPlatformMBeanServer().registerMBean(mbean, on);
            return new JmxRegistration(dispatcher, on);
        } catch (JMException | RuntimeException e) {
            LOG.warn("dispatcher {}: no JMX MBean ({}); stats() still works", dispatcher, e.toString());
            return NONE;
        }
    }

    /** Takes the MBean out of the server (at termination). */
    void unregister() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("dispatcher {}: MBean already gone", dispatcher, e);
            }
        }
    }
}
