package io.isohost.container;

import javax.tools.JavaCompiler;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a component's sources into a directory of its own, outside the test class path, so that
 * its classes are visible only through the isolate's class loader.
 */
public final class ComponentCompiler {
    private ComponentCompiler() {
    }

    public static Path compile(Path into, Map<String, String> sourcesByClassName) throws IOException {
        Files.createDirectories(into);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<SimpleJavaFileObject> units = new ArrayList<>();
        sourcesByClassName.forEach((name, src) -> units.add(
                new SimpleJavaFileObject(URI.create("string:///" + name.replace('.', '/') + ".java"),
                        javax.tools.JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return src;
                    }
                }));
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(out, null, null,
                List.of("-d", into.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"),
                null, units).call();
        if (!ok) {
            throw new IllegalStateException("component sources do not compile:\n" + out);
        }
        return into;
    }

    /**
     * Compiles one class into a jar that declares it as a provider of {@code service} (for
     * {@link java.util.ServiceLoader}), as a generator jar does.
     */
    public static Path providerJar(Path jar, String service, String className, String source) throws IOException {
        Path classes = compile(jar.resolveSibling(jar.getFileName() + ".classes"), Map.of(className, source));
        java.nio.file.Files.createDirectories(classes.resolve("META-INF/services"));
        java.nio.file.Files.writeString(classes.resolve("META-INF/services/" + service), className + "\n");
        return jar(classes, jar);
    }

    /** Packs a directory of classes (and resources) into a jar. */
    public static Path jar(Path classes, Path jar) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar));
             var files = java.nio.file.Files.walk(classes)) {
            for (Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(java.nio.file.Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }
}
