package io.isohost.descriptor;

import io.isohost.descriptor.internal.DescriptorReader;
import io.isohost.xml.XmlConfigException;
import io.isohost.xml.XmlConfigReader;
import io.isohost.xml.XmlElement;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    private DescriptorParser() {
    }

    /** Parses a file; relative artifact and tree paths resolve against its directory. */
    public static ServiceDescriptor parse(Path file) throws DescriptorException {
        String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        try {
            return model(READER.read(file, source), source, Optional.ofNullable(file.toAbsolutePath().getParent()));
        } catch (XmlConfigException e) {
            throw refused(e);
        }
    }

    /** Parses a descriptor given as text, {@code source} naming it in messages; paths stay as written. */
    public static ServiceDescriptor parse(String xml, String source) throws DescriptorException {
        try {
            return parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), source, Optional.empty());
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory failed", e);
        }
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

    private static DescriptorException refused(XmlConfigException e) {
        return new DescriptorException(e.problems().stream().map(DescriptorProblem::of).toList());
    }
}
