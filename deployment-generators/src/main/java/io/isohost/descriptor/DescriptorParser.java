package io.isohost.descriptor;

import io.isohost.descriptor.internal.DescriptorReader;
import io.isohost.xml.XmlConfigException;
import io.isohost.xml.XmlConfigReader;
import io.isohost.xml.XmlElement;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Reads service descriptors: checks that the XML is well formed, validates it against the schema
 * ({@link #SCHEMA_RESOURCE}), then checks the model's own rules. A descriptor with any problem is
 * refused as a whole with a {@link DescriptorException} listing every problem found, each with its
 * line and column. Safe for concurrent use.
 */
public final class DescriptorParser {
    public static final String NAMESPACE = "urn:isohost:service:1";
    /** The XSD on the class path. */
    public static final String SCHEMA_RESOURCE = "/io/isohost/descriptor/service-1.xsd";

    private static final XmlConfigReader READER =
            XmlConfigReader.forSchema(DescriptorParser.class.getResource(SCHEMA_RESOURCE), NAMESPACE, "service");

    /** The largest descriptor accepted unless a host sets another limit. */
    public static final long DEFAULT_SIZE_LIMIT = XmlConfigReader.DEFAULT_SIZE_LIMIT;

    private DescriptorParser() {
    }

    /**
     * A descriptor file's bytes as they are (for a host that keeps the descriptor it was given),
     * refused when larger than {@code sizeLimit} without reading past it.
     */
    public static byte[] read(Path file, long sizeLimit) throws DescriptorException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // opening a named pipe waits for a writer, and the host reads while it holds its services
            throw new DescriptorException(List.of(new DescriptorProblem(sourceName(file), 0, 0,
                    "not a regular file; a descriptor is read from a file")));
        }
        try {
            return READER.withSizeLimit(sizeLimit).readBytes(file, sourceName(file));
        } catch (XmlConfigException e) {
            throw refused(e);
        }
    }

    /** Parses descriptor bytes of at most {@code sizeLimit}; relative paths resolve against {@code directory} if given. */
    public static ServiceDescriptor parse(byte[] xml, String source, Optional<Path> directory, long sizeLimit)
            throws DescriptorException {
        try {
            return model(READER.withSizeLimit(sizeLimit).read(xml, source), source, directory);
        } catch (XmlConfigException e) {
            throw refused(e);
        }
    }

    /** Parses a file; relative artifact and tree paths resolve against its directory. */
    public static ServiceDescriptor parse(Path file) throws DescriptorException {
        String source = sourceName(file);
        try {
            return model(READER.read(file, source), source, Optional.ofNullable(file.toAbsolutePath().getParent()));
        } catch (XmlConfigException e) {
            throw refused(e);
        }
    }

    /** Parses a descriptor given as text, {@code source} naming it in messages; paths stay as written. */
    public static ServiceDescriptor parse(String xml, String source) throws DescriptorException {
        return parse(xml.getBytes(StandardCharsets.UTF_8), source, Optional.empty(), DEFAULT_SIZE_LIMIT);
    }

    /** Parses a stream, {@code source} naming it in messages; relative paths resolve against {@code directory} if given. */
    public static ServiceDescriptor parse(InputStream in, String source, Optional<Path> directory)
            throws DescriptorException, IOException {
        try {
            return model(READER.read(in, source), source, directory);
        } catch (XmlConfigException e) {
            throw refused(e);
        }
    }

    private static ServiceDescriptor model(XmlElement root, String source, Optional<Path> directory) throws DescriptorException {
        DescriptorReader reader = new DescriptorReader(source, directory);
        ServiceDescriptor descriptor = reader.read(root);
        if (descriptor == null) {
            throw new DescriptorException(reader.problems());
        }
        return descriptor;
    }

    /** Problems name a descriptor file by its name alone. */
    private static String sourceName(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    private static DescriptorException refused(XmlConfigException e) {
        return new DescriptorException(e.problems().stream().map(DescriptorProblem::of).toList());
    }
}
