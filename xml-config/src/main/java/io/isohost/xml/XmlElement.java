package io.isohost.xml;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An element of a validated document with the file and place it started, so that the rules a schema
 * cannot express can say where they are broken ({@link #problem}). Attributes the schema defaults are
 * present. Children are looked up by local name: the schema has already checked their namespace.
 */
public final class XmlElement {
    private final String source;
    private final String namespace;
    private final String name;
    private final Map<String, String> attributes;
    private final int line;
    private final int column;
    private final List<XmlElement> children = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();

    XmlElement(String source, String namespace, String name, Map<String, String> attributes, int line, int column) {
        this.source = source;
        this.namespace = namespace;
        this.name = name;
        this.attributes = new LinkedHashMap<>(attributes);
        this.line = line;
        this.column = column;
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    /** The file (or other source) the element was read from, as named in problems. */
    public String source() {
        return source;
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

    /** The attribute's value, or {@code otherwise} when it is absent. */
    public String attribute(String attributeName, String otherwise) {
        return attributes.getOrDefault(attributeName, otherwise);
    }

    /** An attribute the schema requires or defaults, so it is present once the document is valid. */
    public String required(String attributeName) {
        String value = attributes.get(attributeName);
        if (value == null) {
            throw new IllegalStateException("validated element '" + name + "' lacks attribute '" + attributeName + "'");
        }
        return value;
    }

    /** An integer attribute, or {@code otherwise} when it is absent; the schema has checked its form. */
    public int integer(String attributeName, int otherwise) {
        String value = attributes.get(attributeName);
        if (value == null) {
            return otherwise;
        }
        long v = Long.parseLong(value);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("attribute '" + attributeName + "' of element '" + name + "': " + v + " is too large");
        }
        return (int) v;
    }

    /** A duration attribute ({@link #parseDuration}), empty when it is absent. */
    public Optional<Duration> duration(String attributeName) {
        return attribute(attributeName).map(XmlElement::parseDuration);
    }

    /** A duration as isohost's schemas write it: digits and a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}. */
    public static Duration parseDuration(String text) {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long v = Long.parseLong(text.substring(0, i));
        return switch (text.substring(i)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            case "h" -> Duration.ofHours(v);
            case "d" -> Duration.ofDays(v);
            default -> throw new IllegalArgumentException("not a duration: " + text);
        };
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

    /** The text content without surrounding whitespace. */
    public String text() {
        return text.toString().strip();
    }

    /** A problem located at this element's start. */
    public XmlProblem problem(String message) {
        return new XmlProblem(source, line, column, message);
    }

    void add(XmlElement child) {
        children.add(child);
    }

    void appendText(char[] chars, int start, int length) {
        text.append(chars, start, length);
    }
}
