package io.isohost.container.internal;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * A component's own class loader. Its parent is the host's loader, so platform and library
 * classes (the JDK, Jakarta Servlet, the isohost component API, SLF4J) are shared and loaded once,
 * while the component's own classes exist only here and vanish with the isolate.
 */
final class IsolateClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    IsolateClassLoader(String isolateId, URL[] urls, ClassLoader parent) {
        super("isolate:" + isolateId, urls, parent);
    }
}
