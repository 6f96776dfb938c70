package io.isohost.container.internal;

import io.isohost.container.IsolateExit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.security.CodeSource;
import java.security.cert.Certificate;

/**
 * A component's own class loader. Its parent is the host's loader, so platform and library
 * classes (the JDK, Jakarta Servlet, the isohost component API, SLF4J) are shared and loaded once,
 * while the component's own classes exist only here and vanish with the isolate.
 *
 * <p>Since JDK 24 nothing can forbid {@code System.exit}, so as each component class is loaded its
 * calls to {@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt} are rewritten to
 * {@link IsolateExit}, which ends the isolate instead of the host.
 */
final class IsolateClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private static final ClassDesc EXIT = ClassDesc.of(IsolateExit.class.getName());
    private static final ClassDesc RUNTIME = ClassDesc.of("java.lang.Runtime");
    private static final byte[] EXIT_NAME = "exit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HALT_NAME = "halt".getBytes(StandardCharsets.US_ASCII);

    IsolateClassLoader(String isolateId, URL[] urls, ClassLoader parent) {
        super("isolate:" + isolateId, urls, parent);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/') + ".class";
        URL url = findResource(path);
        if (url == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        CodeSource source;
        try {
            URLConnection conn = url.openConnection();
            conn.setUseCaches(false); // a cached jar would stay open after the isolate is gone
            try (InputStream in = conn.getInputStream()) {
                bytes = in.readAllBytes();
            }
            source = new CodeSource(codeBase(url, path), (Certificate[]) null);
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read " + url + ": " + e.getMessage(), e);
        }
        definePackageFor(name);
        byte[] rewritten = mentionsExit(bytes) ? rewriteExits(bytes) : bytes;
        return defineClass(name, rewritten, 0, rewritten.length, source);
    }

    private static URL codeBase(URL classUrl, String path) throws IOException {
        String s = classUrl.toString();
        if (s.startsWith("jar:")) {
            return new URL(s.substring(4, s.indexOf("!/")));
        }
        return new URL(s.substring(0, s.length() - path.length()));
    }

    private void definePackageFor(String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0) {
            String pkg = className.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException raced) {
                    // another thread defined it first
                }
            }
        }
    }

    /** A cheap pre-check: a class that never names "exit" or "halt" cannot call them. */
    private static boolean mentionsExit(byte[] bytes) {
        return contains(bytes, EXIT_NAME) || contains(bytes, HALT_NAME);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static byte[] rewriteExits(byte[] bytes) {
        CodeTransform redirect = (code, element) -> {
            if (element instanceof InvokeInstruction call) {
                String owner = call.owner().asInternalName();
                String method = call.name().stringValue();
                String type = call.type().stringValue();
                if (owner.equals("java/lang/System") && method.equals("exit") && type.equals("(I)V")) {
                    code.invokestatic(EXIT, "exit", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int));
                    return;
                }
                if (owner.equals("java/lang/Runtime") && (method.equals("exit") || method.equals("halt")) && type.equals("(I)V")) {
                    code.invokestatic(EXIT, method, MethodTypeDesc.of(ConstantDescs.CD_void, RUNTIME, ConstantDescs.CD_int));
                    return;
                }
            }
            code.with(element);
        };
        ClassFile cf = ClassFile.of();
        return cf.transformClass(cf.parse(bytes), ClassTransform.transformingMethodBodies(redirect));
    }
}
