package io.isohost.deploy;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Finds deployment generators: by name among those on the class path (the built-ins
 * {@code static}, {@code replicate-all}, {@code per-component} and {@code threshold-autoscale}, and
 * any other jar there that declares one), or in a jar loaded while the system runs.
 */
public final class Generators {
    private Generators() {
    }

    /**
     * A generator by name, or from a jar when the argument ends in {@code .jar}. A jar that declares
     * several generators is written {@code path/to/x.jar!name}.
     */
    public static DeploymentGeneratorProvider load(String nameOrJar) {
        String spec = nameOrJar == null ? "" : nameOrJar.strip();
        int bang = spec.indexOf(".jar!");
        if (bang >= 0) {
            return loadJar(Path.of(spec.substring(0, bang + 4)), spec.substring(bang + 5));
        }
        if (spec.endsWith(".jar")) {
            return loadJar(Path.of(spec), null);
        }
        DeploymentGeneratorProvider found = available().get(spec);
        if (found == null) {
            throw new GeneratorException("unknown deployment generator '" + spec + "'; known: "
                    + String.join(", ", available().keySet()) + ", or the path of a jar that provides one");
        }
        return found;
    }

    /** The only generator a jar declares. */
    public static DeploymentGeneratorProvider load(Path jar) {
        return loadJar(jar, null);
    }

    /** The generators on the class path, by name. */
    public static Map<String, DeploymentGeneratorProvider> available() {
        Map<String, DeploymentGeneratorProvider> byName = new TreeMap<>();
        for (DeploymentGeneratorProvider p : providers(ServiceLoader.load(DeploymentGeneratorProvider.class,
                Generators.class.getClassLoader()), "the class path")) {
            byName.putIfAbsent(p.name(), p);
        }
        return byName;
    }

    private static DeploymentGeneratorProvider loadJar(Path jar, String name) {
        if (!Files.isRegularFile(jar)) {
            throw new GeneratorException("generator jar " + jar + " does not exist or is not a file");
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("generator:" + jar.getFileName(), new URL[]{jar.toUri().toURL()},
                    Generators.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new GeneratorException("generator jar " + jar + " has no usable URL: " + e.getMessage(), e);
        }
        // the jar's own providers only, not the built-ins its loader also sees through its parent
        List<DeploymentGeneratorProvider> declared = providers(ServiceLoader.load(DeploymentGeneratorProvider.class, loader),
                "jar " + jar).stream().filter(p -> p.getClass().getClassLoader() == loader).toList();
        List<DeploymentGeneratorProvider> matching = name == null ? declared
                : declared.stream().filter(p -> p.name().equals(name)).toList();
        if (matching.size() == 1) {
            return matching.getFirst();
        }
        close(loader);
        String names = String.join(", ", declared.stream().map(DeploymentGeneratorProvider::name).toList());
        if (declared.isEmpty()) {
            throw new GeneratorException("jar " + jar + " declares no deployment generator: it needs "
                    + "META-INF/services/" + DeploymentGeneratorProvider.class.getName() + " naming its provider class");
        }
        if (name == null) {
            throw new GeneratorException("jar " + jar + " declares several deployment generators (" + names
                    + "); choose one as " + jar + "!NAME");
        }
        throw new GeneratorException("jar " + jar + " declares no deployment generator '" + name + "'; it declares " + names);
    }

    private static List<DeploymentGeneratorProvider> providers(ServiceLoader<DeploymentGeneratorProvider> loader, String where) {
        try {
            return loader.stream().map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new GeneratorException("a deployment generator in " + where + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    private static void close(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // nothing was loaded from it; an unclosed jar file is harmless
        }
    }
}
