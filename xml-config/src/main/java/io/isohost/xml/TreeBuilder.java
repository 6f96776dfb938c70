package io.isohost.xml;

import org.xml.sax.Attributes;
import org.xml.sax.Locator;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the element tree from the parser's events and turns its errors into located problems. */
final class TreeBuilder extends DefaultHandler {
    private final String source;
    private final List<XmlProblem> problems;
    private final Deque<XmlElement> open = new ArrayDeque<>();
    private Locator locator;
    private XmlElement root;
    private SAXParseException pendingFacet;

    TreeBuilder(String source, List<XmlProblem> problems) {
        this.source = source;
        this.problems = problems;
    }

    XmlElement root() {
        return root;
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
        XmlElement element = new XmlElement(source, uri, localName, values, line, column);
        if (open.isEmpty()) {
            root = element;
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
        // warnings do not make a file wrong
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
        problems.add(new XmlProblem(source, Math.max(e.getLineNumber(), 0), Math.max(e.getColumnNumber(), 0),
                SchemaMessages.shorten(message)));
    }

    private static boolean samePlace(SAXParseException a, SAXParseException b) {
        return a.getLineNumber() == b.getLineNumber() && a.getColumnNumber() == b.getColumnNumber();
    }
}
