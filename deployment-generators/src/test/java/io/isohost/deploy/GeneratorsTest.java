package io.isohost.deploy;

import io.isohost.descriptor.ServiceDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static io.isohost.deploy.Services.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorsTest {
    static final String PROVIDER = """
            package example;

            import io.isohost.deploy.*;
            import java.util.List;

            /** Puts nothing anywhere: enough to tell it from the built-ins. */
            public class Nothing implements DeploymentGeneratorProvider {
                public String name() { return "nothing"; }
                public String description() { return "places nothing"; }
                public DeploymentGenerator create(GeneratorSettings settings) {
                    return input -> new Deployment(input.service().name(), List.of());
                }
            }
            """;

    @Test
    void builtInGeneratorsAreRegisteredByName() {
        assertEquals(List.of("per-component", "replicate-all", "static", "threshold-autoscale"),
                List.copyOf(Generators.available().keySet()));
        assertEquals("replicate-all", Generators.load("replicate-all").name());
    }

    @Test
    void unknownGeneratorNameIsAClearError() {
        GeneratorException e = assertThrows(GeneratorException.class, () -> Generators.load("round-robin"));
        assertEquals("unknown deployment generator 'round-robin'; known: per-component, replicate-all, static, "
                + "threshold-autoscale, or the path of a jar that provides one", e.getMessage());
    }

    @Test
    void thirdPartyGeneratorLoadsFromJar(@TempDir Path dir) throws Exception {
        Path jar = compileJar(dir, true);
        DeploymentGeneratorProvider provider = Generators.load(jar.toString());
        assertEquals("nothing", provider.name());
        ServiceDescriptor hello = Services.hello(2);
        Deployment d = provider.create(GeneratorSettings.of(hello)).generate(GeneratorInput.initial(hello, T0));
        assertEquals(Deployment.empty("hello"), d);
        assertEquals("nothing", Generators.load(jar + "!nothing").name());
    }

    @Test
    void jarWithoutAProviderIsAClearError(@TempDir Path dir) throws Exception {
        Path jar = compileJar(dir, false);
        GeneratorException e = assertThrows(GeneratorException.class, () -> Generators.load(jar.toString()));
        assertTrue(e.getMessage().contains("declares no deployment generator: it needs META-INF/services/"
                + "io.isohost.deploy.DeploymentGeneratorProvider"), e.getMessage());
    }

    @Test
    void missingJarIsAClearError(@TempDir Path dir) {
        GeneratorException e = assertThrows(GeneratorException.class,
                () -> Generators.load(dir.resolve("absent.jar").toString()));
        assertTrue(e.getMessage().endsWith("absent.jar does not exist or is not a file"), e.getMessage());
    }

    /** Compiles {@link #PROVIDER} against this module's classes into a jar, with or without its service entry. */
    static Path compileJar(Path dir, boolean declareProvider) throws IOException {
        Path src = dir.resolve("src/example/Nothing.java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, PROVIDER);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                src.toString());
        assertEquals(0, rc, "the test provider compiles");
        Path jar = dir.resolve("nothing.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            if (declareProvider) {
                out.putNextEntry(new JarEntry("META-INF/services/" + DeploymentGeneratorProvider.class.getName()));
                write(out, "example.Nothing\n");
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
