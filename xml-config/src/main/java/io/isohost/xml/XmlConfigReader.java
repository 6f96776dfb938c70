package io.isohost.xml;

import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one reader of isohost's XML files: host configuration, balancer, triad, service descriptor and
 * deployment map. One pass checks that a file is well formed, validates it against its XSD and builds
 * a tree of {@link XmlElement}s that remember where they started.
 *
 * <p>Hardened the same way for every kind of file: a DOCTYPE is refused (so no entity is declared,
 * expanded or fetched: no XXE, no billion laughs), secure processing is on, neither the parser nor the
 * schema may reach anything outside (a schema's {@code xs:include} is resolved only next to the schema
 * itself, on the class path), and a file larger than the size limit is refused before it is read
 * whole. Every problem is reported as {@code FILE:LINE:COLUMN: message}, quoting at most a short
 * excerpt of the file; a file with any problem yields no tree at all. Safe for concurrent use.
 */
public final class XmlConfigReader {
    /** The size limit unless another is given: far above any hand-written configuration. */
    public static final long DEFAULT_SIZE_LIMIT = 1024 * 1024;

    private static final String DISALLOW_DOCTYPE = "http://apache.org/xml/features/disallow-doctype-decl";

    private final Schema schema;
    private final String namespace;
    private final String rootElement;
    private final long sizeLimit;

    private XmlConfigReader(Schema schema, String namespace, String rootElement, long sizeLimit) {
        this.schema = schema;
        this.namespace = namespace;
        this.rootElement = rootElement;
        this.sizeLimit = sizeLimit;
    }

    /**
     * A reader of documents whose root is {@code rootElement} in {@code namespace}, valid against the
     * schema at {@code xsd} (a class-path resource). A schema that does not load is a build defect.
     */
    public static XmlConfigReader forSchema(URL xsd, String namespace, String rootElement) {
        Objects.requireNonNull(xsd, "the schema resource is missing from the class path");
        try (InputStream in = xsd.openStream()) {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setResourceResolver(new NextToSchema(xsd));
            Schema schema = factory.newSchema(new StreamSource(in, xsd.toExternalForm()));
            return new XmlConfigReader(schema, namespace, rootElement, DEFAULT_SIZE_LIMIT);
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("the schema " + xsd + " does not load: " + e.getMessage(), e);
        }
    }

    /** The same reader refusing files larger than {@code bytes}. */
    public XmlConfigReader withSizeLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the size limit must be positive: " + bytes);
        }
        return new XmlConfigReader(schema, namespace, rootElement, bytes);
    }

    public long sizeLimit() {
        return sizeLimit;
    }

    /** Reads a file, named in problems as given. */
    public XmlElement read(Path file) throws XmlConfigException {
        return read(file, file.toString());
    }

    /** Reads a file, named {@code source} in problems. */
    public XmlElement read(Path file, String source) throws XmlConfigException {
        try {
            long size = Files.size(file);
            if (size > sizeLimit) {
                throw tooLarge(source);
            }
            try (InputStream in = Files.newInputStream(file)) {
                return read(in, source);
            }
        } catch (IOException e) {
            throw new XmlConfigException(new XmlProblem(source, 0, 0, "cannot read the file: " + e));
        }
    }

    /**
     * A file's bytes, for a caller that keeps the file as it was read: refused like a document read
     * here when larger than the size limit, without reading past it.
     */
    public byte[] readBytes(Path file, String source) throws XmlConfigException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, sizeLimit + 1));
            if (bytes.length > sizeLimit) {
                throw tooLarge(source);
            }
            return bytes;
        } catch (IOException e) {
            throw new XmlConfigException(new XmlProblem(source, 0, 0, "cannot read the file: " + e));
        }
    }

    /** Reads a document from memory, {@code source} naming it in problems. */
    public XmlElement read(byte[] document, String source) throws XmlConfigException {
        if (document.length > sizeLimit) {
            throw tooLarge(source);
        }
        try {
            return read(new java.io.ByteArrayInputStream(document), source);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from memory failed", e);
        }
    }

    /**
     * Reads a stream, {@code source} naming it in problems; more than the size limit is refused as
     * soon as it has been read, not after. The stream is not closed.
     */
    public XmlElement read(InputStream in, String source) throws XmlConfigException, IOException {
        List<XmlProblem> problems = new ArrayList<>();
        TreeBuilder builder = new TreeBuilder(source, problems);
        Bounded bounded = new Bounded(in, sizeLimit);
        try {
            SAXParser parser = parserFactory().newSAXParser();
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            parser.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            InputSource input = new InputSource(bounded);
            input.setSystemId(source);
            parser.parse(input, builder);
        } catch (SAXParseException e) {
            // already reported through fatalError
        } catch (SAXException | ParserConfigurationException e) {
            problems.add(new XmlProblem(source, 0, 0, SchemaMessages.shorten(String.valueOf(e.getMessage()))));
        } catch (IOException e) {
            if (bounded.exceeded) {
                throw tooLarge(source);
            }
            throw e;
        }
        if (bounded.exceeded) {
            throw tooLarge(source);
        }
        builder.flushPendingFacet();
        if (problems.isEmpty() && builder.root() != null
                && !(namespace.equals(builder.root().namespace()) && rootElement.equals(builder.root().name()))) {
            problems.add(builder.root().problem("the root element must be '" + rootElement + "' in namespace " + namespace));
        }
        if (!problems.isEmpty()) {
            throw new XmlConfigException(problems);
        }
        return builder.root();
    }

    private XmlConfigException tooLarge(String source) {
        return new XmlConfigException(new XmlProblem(source, 0, 0,
                "the file is larger than " + sizeLimit + " bytes, the limit for this kind of file; nothing of it was used"));
    }

    private SAXParserFactory parserFactory() throws ParserConfigurationException, SAXException {
        SAXParserFactory factory = SAXParserFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setXIncludeAware(false);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature(DISALLOW_DOCTYPE, true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setSchema(schema);
        return factory;
    }

    /** Counts what is read and stops at the limit, so that an endless stream is never read whole. */
    private static final class Bounded extends FilterInputStream {
        private final long limit;
        private long count;
        private boolean exceeded;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, (int) Math.min(len, limit + 1 - count));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            count += n;
            if (count > limit) {
                exceeded = true;
                throw new IOException("size limit exceeded");
            }
        }

        @Override
        public void close() {
            // the caller owns the stream
        }
    }

    /**
     * Resolves a schema's {@code xs:include} to a resource beside the schema (the shared load-balancer
     * type) and refuses everything else, so loading a schema never leaves the class path.
     */
    private record NextToSchema(URL schema) implements LSResourceResolver {
        @Override
        public LSInput resolveResource(String type, String namespaceURI, String publicId, String systemId, String baseURI) {
            if (systemId == null || !systemId.matches("[A-Za-z0-9][A-Za-z0-9._-]*\\.xsd")) {
                throw new IllegalArgumentException("a schema may include only a schema beside it, not " + systemId);
            }
            String location = schema.toExternalForm();
            try {
                // by text: a jar: URL is opaque to URI.resolve
                URL beside = URI.create(location.substring(0, location.lastIndexOf('/') + 1) + systemId).toURL();
                return new Input(beside.toExternalForm(), beside.openStream());
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("the schema " + systemId + " beside " + schema + " does not load", e);
            }
        }
    }

    private record Input(String systemId, InputStream byteStream) implements LSInput {
        @Override public java.io.Reader getCharacterStream() { return null; }
        @Override public void setCharacterStream(java.io.Reader characterStream) { }
        @Override public InputStream getByteStream() { return byteStream; }
        @Override public void setByteStream(InputStream stream) { }
        @Override public String getStringData() { return null; }
        @Override public void setStringData(String stringData) { }
        @Override public String getSystemId() { return systemId; }
        @Override public void setSystemId(String id) { }
        @Override public String getPublicId() { return null; }
        @Override public void setPublicId(String publicId) { }
        @Override public String getBaseURI() { return systemId; }
        @Override public void setBaseURI(String baseURI) { }
        @Override public String getEncoding() { return null; }
        @Override public void setEncoding(String encoding) { }
        @Override public boolean getCertifiedText() { return false; }
        @Override public void setCertifiedText(boolean certifiedText) { }
    }
}
