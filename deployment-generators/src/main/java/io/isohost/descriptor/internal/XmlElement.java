package io.isohost.descriptor.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An element of a parsed document with the place it started, so that model rules can say where they failed. */
public final class XmlElement {
    private final String name;
    private final Map<String, String> attributes;
    private final int line;
    private final int column;
    private final List<XmlElement> children = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();

    XmlElement(String name, Map<String, String> attributes, int line, int column) {
        this.name = name;
        this.attributes = new LinkedHashMap<>(attributes);
        this.line = line;
        this.column = column;
    }

    public String name() {
        return name;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public Optional<String> attribute(String attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }

    /** An attribute the schema requires or defaults, so it is present once the document is valid. */
    public String required(String attributeName) {
        String value = attributes.get(attributeName);
        if (value == null) {
            throw new IllegalStateException("validated element '" + name + "' lacks attribute '" + attributeName + "'");
        }
        return value;
    }

    public List<XmlElement> children() {
        return List.copyOf(children);
    }

    public List<XmlElement> children(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).toList();
    }

    public Optional<XmlElement> child(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).findFirst();
    }

    public String text() {
        return text.toString().strip();
    }

    void add(XmlElement child) {
        children.add(child);
    }

    void appendText(char[] chars, int start, int length) {
        text.append(chars, start, length);
    }
}
