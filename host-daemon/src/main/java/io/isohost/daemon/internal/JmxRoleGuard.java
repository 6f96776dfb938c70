package io.isohost.daemon.internal;

import javax.management.MBeanServer;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Stands between remote JMX connections and the MBean server: a read-only user may query and read
 * attributes but not set them, invoke operations (quotas, {@code DiagnosticCommand}, heap dumps)
 * or create and remove beans. A call without an authenticated role is refused.
 */
final class JmxRoleGuard implements InvocationHandler {
    /** The MBeanServer methods that change something or run code. */
    private static final Set<String> WRITES = Set.of("setAttribute", "setAttributes", "invoke", "createMBean",
            "registerMBean", "unregisterMBean", "instantiate", "deserialize");
    /**
     * What the connector itself asks, outside any user's call, to load the classes of parameters;
     * a remote client cannot call these (a class loader does not travel over RMI).
     */
    private static final Set<String> CONNECTOR_OWN = Set.of("getClassLoaderRepository", "getClassLoader", "getClassLoaderFor");

    private MBeanServer target;

    private JmxRoleGuard() {
    }

    static MBeanServerForwarder create() {
        return (MBeanServerForwarder) Proxy.newProxyInstance(MBeanServerForwarder.class.getClassLoader(),
                new Class<?>[]{MBeanServerForwarder.class}, new JmxRoleGuard());
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "getMBeanServer" -> {
                return target;
            }
            case "setMBeanServer" -> {
                target = (MBeanServer) args[0];
                return null;
            }
            default -> {
                // hashCode, equals, toString of the proxy itself
                if (method.getDeclaringClass() == Object.class) {
                    return method.invoke(this, args);
                }
            }
        }
        JmxUsers.Role role = role();
        if (role == null && !CONNECTOR_OWN.contains(method.getName())) {
            throw new SecurityException("JMX access without an authenticated user");
        }
        if (role == JmxUsers.Role.READ_ONLY && WRITES.contains(method.getName())) {
            throw new SecurityException("a read-only JMX user cannot " + method.getName()
                    + "; connect as a readwrite user of jmx.password");
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static JmxUsers.Role role() {
        Subject subject = Subject.current();
        if (subject == null) {
            return null;
        }
        return subject.getPrincipals(JmxUsers.RolePrincipal.class).stream().map(JmxUsers.RolePrincipal::role)
                .findFirst().orElse(null);
    }
}
