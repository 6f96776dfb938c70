package io.isohost.daemon.service;

import io.isohost.container.FileTrees;
import io.isohost.descriptor.DescriptorException;
import io.isohost.descriptor.DescriptorParser;
import io.isohost.descriptor.DescriptorProblem;
import io.isohost.descriptor.ServiceDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;

/**
 * What a host keeps of each service, under {@code DATA/services/NAME/}: the descriptor as it was
 * submitted ({@code descriptor.xml}), copies of its artifacts and replica trees
 * ({@code artifacts/}, named by content), its state ({@code service.properties}: generator,
 * allocation, parameters) and its components' directories ({@code components/},
 * {@code replicas/}). A service is restored from these alone, so moving or deleting the submitted
 * files changes nothing; only {@link #delete} removes them.
 *
 * <p>Artifacts are refused before anything is copied when they are missing, are neither a jar nor
 * a directory of classes, or lie outside the places allowed: the descriptor's own directory (not
 * escaping it) and the configured artifact roots, never the host's data directory.
 */
final class ServiceStore {
    private static final Logger log = LoggerFactory.getLogger(ServiceStore.class);
    private static final String DESCRIPTOR = "descriptor.xml";
    private static final String STATE = "service.properties";
    private static final String ARTIFACT_MAP = "artifacts.properties";
    private static final String ARTIFACTS = "artifacts";

    /** What was last decided about a service besides its descriptor. */
    record State(String generator, int allocation, Map<String, String> parameters) {
    }

    /** A service read back from the store: its descriptor (naming the stored copies) and state. */
    record Restored(ServiceDescriptor descriptor, State state) {
    }

    private final Path hostData;
    private final Path root;
    private final List<Path> artifactRoots;
    private final long descriptorLimit;

    /**
     * @param hostData         the host's data directory
     * @param artifactRoots    directories besides the descriptor's own that artifacts may come from
     * @param descriptorLimit  the largest descriptor accepted, in bytes
     */
    ServiceStore(Path hostData, List<Path> artifactRoots, long descriptorLimit) {
        this.hostData = hostData.toAbsolutePath().normalize();
        this.root = this.hostData.resolve("services");
        this.artifactRoots = artifactRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.descriptorLimit = descriptorLimit;
    }

    /** A service's own directory, relative to the host's data directory; its components' directories are below it. */
    static Path dataDirectory(String service) {
        return Path.of("services", service);
    }

    /** Where a service's files are, absolute. */
    Path directoryOf(String service) {
        return hostData.resolve(dataDirectory(service));
    }

    /** A descriptor file's bytes as they are, refused over this host's limit before it is read whole. */
    byte[] read(Path file) throws DescriptorException {
        return DescriptorParser.read(file, descriptorLimit);
    }

    /** Parses descriptor bytes under this host's size limit. */
    ServiceDescriptor parse(byte[] xml, String source, Path directory) throws DescriptorException {
        return DescriptorParser.parse(xml, source, Optional.of(directory), descriptorLimit);
    }

    /** A submission's artifacts copied into the store; {@link #discard()} takes back what it added. */
    final class Staged {
        private final String service;
        private final ServiceDescriptor descriptor;
        private final Map<Path, String> copies;
        private final List<Path> added;
        private final boolean newService;

        private Staged(String service, ServiceDescriptor descriptor, Map<Path, String> copies, List<Path> added,
                       boolean newService) {
            this.service = service;
            this.descriptor = descriptor;
            this.copies = copies;
            this.added = added;
            this.newService = newService;
        }

        /** The descriptor naming the stored copies instead of the submitted files. */
        ServiceDescriptor descriptor() {
            return descriptor;
        }

        /** Writes the descriptor and its artifacts' map. */
        void keep(byte[] xml, Path sourceDirectory) throws IOException {
            Path dir = directoryOf(service);
            Properties map = new Properties();
            map.setProperty("directory", sourceDirectory.toString());
            int i = 0;
            for (Map.Entry<Path, String> e : copies.entrySet()) {
                map.setProperty("artifact." + i + ".from", e.getKey().toString());
                map.setProperty("artifact." + i + ".copy", e.getValue());
                i++;
            }
            writeAtomically(dir.resolve(DESCRIPTOR), xml);
            writeAtomically(dir.resolve(ARTIFACT_MAP), properties(map, "the artifacts of " + service));
        }

        /** Deletes the copies a previous version named and this one does not. */
        void dropOthers() {
            Set<String> named = new TreeSet<>(copies.values());
            try (var files = Files.list(directoryOf(service).resolve(ARTIFACTS))) {
                files.filter(f -> !named.contains(f.getFileName().toString())).forEach(FileTrees::delete);
            } catch (IOException e) {
                log.warn("service {}: old artifact copies stay: {}", service, e.toString());
            }
        }

        void discard() {
            for (Path p : added) {
                FileTrees.delete(p);
            }
            if (newService) {
                FileTrees.delete(directoryOf(service));
            }
        }
    }

    /**
     * Checks every artifact and replica tree of a parsed descriptor and copies them into the store.
     * Any problem refuses the whole submission with nothing copied.
     */
    Staged stage(ServiceDescriptor parsed, Path descriptorDirectory, String source) throws DescriptorException, IOException {
        Path base = descriptorDirectory.toAbsolutePath().normalize();
        List<DescriptorProblem> problems = new ArrayList<>();
        for (Path a : parsed.artifacts()) {
            checkPlace(a, base, "artifact", source, problems).ifPresent(p -> checkCode(p, source, problems));
        }
        for (Path t : parsed.replicaTrees()) {
            checkPlace(t, base, "replica tree", source, problems).ifPresent(p -> {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    problems.add(new DescriptorProblem(source, 0, 0, "replica tree " + p + " is not a directory"));
                }
            });
        }
        if (!problems.isEmpty()) {
            throw new DescriptorException(problems);
        }
        String service = parsed.name();
        Path dir = directoryOf(service);
        boolean newService = !Files.exists(dir);
        Path artifacts = dir.resolve(ARTIFACTS);
        Map<Path, String> copies = new LinkedHashMap<>();
        List<Path> added = new ArrayList<>();
        Set<Path> all = new java.util.LinkedHashSet<>(parsed.artifacts());
        all.addAll(parsed.replicaTrees());
        try {
            for (Path from : all) {
                Path copy = copyIn(service, from, added);
                copies.put(from.toAbsolutePath().normalize(), copy.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            added.forEach(FileTrees::delete);
            if (newService) {
                FileTrees.delete(dir);
            }
            throw e;
        }
        ServiceDescriptor stored = parsed.withPaths(p -> artifacts.resolve(copies.get(p.toAbsolutePath().normalize())));
        return new Staged(service, stored, copies, added, newService);
    }

    /** Copies a file or tree into the service's artifacts, named by its content, unless that copy is there already. */
    private Path copyIn(String service, Path from, List<Path> added) throws IOException {
        Path source = from.toAbsolutePath().normalize();
        Path artifacts = directoryOf(service).resolve(ARTIFACTS);
        Files.createDirectories(artifacts);
        String name = digest(source) + "-" + source.getFileName();
        Path copy = artifacts.resolve(name);
        if (!Files.exists(copy)) {
            Path tmp = artifacts.resolve("." + name + ".tmp");
            FileTrees.delete(tmp);
            FileTrees.copy(source, tmp);
            Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
            added.add(copy);
        }
        return copy;
    }

    /**
     * A generator named by jar ({@code path/gen.jar} or {@code path/gen.jar!name}) as the service's
     * own copy of that jar, so that the service finds it at the next start; a built-in name as it is.
     */
    String keepGenerator(String service, String nameOrJar) throws IOException {
        int bang = nameOrJar.indexOf(".jar!");
        String jar = bang >= 0 ? nameOrJar.substring(0, bang + 4) : nameOrJar.endsWith(".jar") ? nameOrJar : null;
        if (jar == null) {
            return nameOrJar;
        }
        Path copy = copyIn(service, Path.of(jar), new ArrayList<>());
        return copy + (bang >= 0 ? nameOrJar.substring(bang + 4) : "");
    }

    /** The artifact's path if it lies in an allowed place; otherwise a problem saying where it may be. */
    private Optional<Path> checkPlace(Path path, Path descriptorDirectory, String what, String source,
                                      List<DescriptorProblem> problems) {
        Path p = path.toAbsolutePath().normalize();
        List<Path> allowed = new ArrayList<>();
        allowed.add(descriptorDirectory);
        allowed.addAll(artifactRoots);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(new DescriptorProblem(source, 0, 0, what + " " + p + " does not exist"));
            return Optional.empty();
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            problems.add(new DescriptorProblem(source, 0, 0, what + " " + p + " cannot be read: " + e.getMessage()));
            return Optional.empty();
        }
        boolean inside = allowed.stream().anyMatch(r -> p.startsWith(r) && real.startsWith(realOrSelf(r)));
        if (!inside || p.startsWith(hostData) || real.startsWith(realOrSelf(hostData))) {
            problems.add(new DescriptorProblem(source, 0, 0, what + " " + p + " is outside the places artifacts may come from: "
                    + "the descriptor's directory " + descriptorDirectory
                    + (artifactRoots.isEmpty() ? "" : " and the artifact roots " + artifactRoots)
                    + " (never the host's data directory)"));
            return Optional.empty();
        }
        return Optional.of(p);
    }

    private static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    /** A jar (a readable zip file) or a directory holding classes, with no symbolic links inside. */
    private static void checkCode(Path p, String source, List<DescriptorProblem> problems) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            try (var zip = new ZipFile(p.toFile())) {
                zip.size();
            } catch (IOException e) {
                problems.add(new DescriptorProblem(source, 0, 0, "artifact " + p + " is not a jar: " + e.getMessage()));
            }
            return;
        }
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            problems.add(new DescriptorProblem(source, 0, 0, "artifact " + p + " is neither a jar nor a directory of classes"));
            return;
        }
        try (var files = Files.walk(p)) {
            List<Path> links = new ArrayList<>();
            boolean[] classes = {false};
            files.forEach(f -> {
                if (Files.isSymbolicLink(f)) {
                    links.add(f);
                } else if (f.getFileName().toString().endsWith(".class")) {
                    classes[0] = true;
                }
            });
            if (!links.isEmpty()) {
                problems.add(new DescriptorProblem(source, 0, 0, "artifact " + p + " holds a symbolic link (" + links.getFirst()
                        + "); a class directory is copied as it is, so give the files themselves"));
            } else if (!classes[0]) {
                problems.add(new DescriptorProblem(source, 0, 0, "artifact " + p + " is a directory without classes, not a class directory"));
            }
        } catch (IOException | UncheckedIOException e) {
            problems.add(new DescriptorProblem(source, 0, 0, "artifact " + p + " cannot be read: " + e.getMessage()));
        }
    }

    void saveState(String service, State state) throws IOException {
        Properties p = new Properties();
        p.setProperty("generator", state.generator());
        p.setProperty("allocation", Integer.toString(state.allocation()));
        state.parameters().forEach((k, v) -> p.setProperty("parameter." + k, v));
        writeAtomically(directoryOf(service).resolve(STATE), properties(p, "isohost service " + service));
    }

    /** The names of the services kept here. */
    List<String> names() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (var entries = Files.list(root)) {
            List<String> names = new ArrayList<>();
            for (Path p : entries.sorted().toList()) {
                if (Files.isRegularFile(p.resolve(STATE))) {
                    names.add(p.getFileName().toString());
                } else if (p.getFileName().toString().endsWith(".properties")) {
                    // an earlier version kept only the path of the submitted file
                    log.warn("{} names a service the way an earlier version kept it; submit that service again", p);
                }
            }
            return names;
        }
    }

    /** A kept service as it was last left. */
    Restored load(String service) throws IOException, DescriptorException {
        Path dir = directoryOf(service);
        Properties state = load(dir.resolve(STATE));
        Properties map = load(dir.resolve(ARTIFACT_MAP));
        Map<Path, Path> copies = new LinkedHashMap<>();
        for (int i = 0; map.containsKey("artifact." + i + ".from"); i++) {
            copies.put(Path.of(map.getProperty("artifact." + i + ".from")),
                    dir.resolve(ARTIFACTS).resolve(map.getProperty("artifact." + i + ".copy")));
        }
        ServiceDescriptor d = parse(Files.readAllBytes(dir.resolve(DESCRIPTOR)), service + "/" + DESCRIPTOR,
                Path.of(map.getProperty("directory")));
        ServiceDescriptor stored = d.withPaths(p -> {
            Path copy = copies.get(p.toAbsolutePath().normalize());
            if (copy == null) {
                throw new IllegalStateException("no stored copy of " + p);
            }
            return copy;
        });
        Map<String, String> parameters = new LinkedHashMap<>();
        state.stringPropertyNames().stream().filter(k -> k.startsWith("parameter."))
                .forEach(k -> parameters.put(k.substring("parameter.".length()), state.getProperty(k)));
        int allocation = Integer.parseInt(state.getProperty("allocation", Integer.toString(d.allocation().total())));
        return new Restored(stored.withAllocation(stored.allocation().withTotal(allocation)),
                new State(state.getProperty("generator", Services.DEFAULT_GENERATOR), allocation, parameters));
    }

    /** Deletes everything kept of a service: descriptor, artifacts, state and its components' data. */
    void delete(String service) {
        FileTrees.delete(directoryOf(service));
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    private static byte[] properties(Properties p, String comment) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        p.store(out, comment);
        return out.toByteArray();
    }

    private static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The first 16 hex digits of the SHA-256 of a file, or of a tree's relative names and contents. */
    private static String digest(Path p) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files;
        try (var walk = Files.walk(p)) {
            files = walk.filter(Files::isRegularFile).sorted(Comparator.comparing(f -> p.relativize(f).toString())).toList();
        }
        byte[] buffer = new byte[64 * 1024];
        for (Path f : files) {
            sha.update(p.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            try (InputStream in = Files.newInputStream(f)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    sha.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
