package io.isohost.descriptor.internal;

import io.isohost.descriptor.DescriptorProblem;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an XML document in one pass: checks it is well formed, validates it against a schema, and
 * builds a tree of {@link XmlElement}s that remember their line and column. DOCTYPEs are refused,
 * so no external entity is ever fetched.
 */
public final class ValidatingReader {
    private final Schema schema;
    private final String namespace;
    private final String rootElement;

    /** What a read produced: the root when the document is valid, and every problem found. */
    public record Result(XmlElement root, List<DescriptorProblem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    public ValidatingReader(String schemaResource, String namespace, String rootElement) {
        this.namespace = namespace;
        this.rootElement = rootElement;
        URL xsd = Objects.requireNonNull(ValidatingReader.class.getResource(schemaResource), schemaResource);
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            this.schema = factory.newSchema(xsd);
        } catch (SAXException e) {
            throw new IllegalStateException("the schema " + schemaResource + " shipped in the jar does not load", e);
        }
    }

    public Result read(InputStream in, String source) throws IOException {
        List<DescriptorProblem> problems = new ArrayList<>();
        TreeBuilder builder = new TreeBuilder(source, problems);
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setSchema(schema);
            SAXParser parser = factory.newSAXParser();
            InputSource input = new InputSource(in);
            input.setSystemId(source);
            parser.parse(input, builder);
        } catch (SAXParseException e) {
            // already reported through fatalError
        } catch (SAXException | ParserConfigurationException e) {
            problems.add(new DescriptorProblem(source, 0, 0, e.getMessage()));
        }
        builder.flushPendingFacet();
        if (problems.isEmpty() && builder.root != null && !(namespace.equals(builder.rootNamespace))) {
            problems.add(new DescriptorProblem(source, builder.root.line(), builder.root.column(),
                    "the root element must be '" + rootElement + "' in namespace " + namespace));
        }
        return new Result(problems.isEmpty() ? builder.root : null, List.copyOf(problems));
    }

    private final class TreeBuilder extends DefaultHandler {
        private final String source;
        private final List<DescriptorProblem> problems;
        private final Deque<XmlElement> open = new ArrayDeque<>();
        private Locator locator;
        private XmlElement root;
        private String rootNamespace;
        private SAXParseException pendingFacet;

        TreeBuilder(String source, List<DescriptorProblem> problems) {
            this.source = source;
            this.problems = problems;
        }

        @Override
        public void setDocumentLocator(Locator documentLocator) {
            this.locator = documentLocator;
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attrs) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < attrs.getLength(); i++) {
                values.put(attrs.getLocalName(i).isEmpty() ? attrs.getQName(i) : attrs.getLocalName(i), attrs.getValue(i));
            }
            int line = locator == null ? 0 : locator.getLineNumber();
            int column = locator == null ? 0 : locator.getColumnNumber();
            XmlElement element = new XmlElement(localName, values, line, column);
            if (open.isEmpty()) {
                root = element;
                rootNamespace = uri;
            } else {
                open.peek().add(element);
            }
            open.push(element);
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            open.pop();
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (!open.isEmpty()) {
                open.peek().appendText(ch, start, length);
            }
        }

        @Override
        public void warning(SAXParseException e) {
            // warnings do not make a descriptor wrong
        }

        @Override
        public void error(SAXParseException e) {
            // a bad value is reported twice: first which facet it breaks, then which attribute holds it
            if (SchemaMessages.isFacetMessage(e.getMessage())) {
                flushPendingFacet();
                pendingFacet = e;
                return;
            }
            String facet = pendingFacet != null && samePlace(pendingFacet, e) ? pendingFacet.getMessage() : null;
            if (facet == null) {
                flushPendingFacet();
            }
            pendingFacet = null;
            add(e, SchemaMessages.describe(e.getMessage(), facet));
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            flushPendingFacet();
            add(e, SchemaMessages.describeMalformed(e.getMessage()));
            throw e;
        }

        void flushPendingFacet() {
            if (pendingFacet != null) {
                add(pendingFacet, SchemaMessages.describe(pendingFacet.getMessage(), null));
                pendingFacet = null;
            }
        }

        private void add(SAXParseException e, String message) {
            problems.add(new DescriptorProblem(source, Math.max(e.getLineNumber(), 0), Math.max(e.getColumnNumber(), 0), message));
        }

        private static boolean samePlace(SAXParseException a, SAXParseException b) {
            return a.getLineNumber() == b.getLineNumber() && a.getColumnNumber() == b.getColumnNumber();
        }
    }
}
