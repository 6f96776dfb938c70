package io.isohost.xml;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the JDK validator's messages ("cvc-complex-type.4: Attribute 'name' must appear on element
 * 'component'.") into sentences an operator reads without knowing XML Schema. Messages it does not
 * know keep their text without the cvc code.
 */
final class SchemaMessages {
    private static final Pattern CODE = Pattern.compile("^cvc-[A-Za-z0-9.\\-]+: ");
    private static final Pattern QUALIFIED = Pattern.compile("\\{?\"[^\"]*\":([^,}\\s]+)}?");

    private static final Pattern MISSING_ATTRIBUTE =
            Pattern.compile("cvc-complex-type\\.4: Attribute '([^']+)' must appear on element '([^']+)'\\.");
    private static final Pattern UNKNOWN_ATTRIBUTE =
            Pattern.compile("cvc-complex-type\\.3\\.2\\.2: Attribute '([^']+)' is not allowed to appear in element '([^']+)'\\.");
    private static final Pattern UNEXPECTED_ELEMENT = Pattern.compile(
            "cvc-complex-type\\.2\\.4\\.a: Invalid content was found starting with element '(.+?)'\\. One of '(.+)' is expected\\.");
    private static final Pattern NO_MORE_CHILDREN = Pattern.compile(
            "cvc-complex-type\\.2\\.4\\.d: Invalid content was found starting with element '(.+?)'\\. No child element.*");
    private static final Pattern INCOMPLETE = Pattern.compile(
            "cvc-complex-type\\.2\\.4\\.b: The content of element '([^']+)' is not complete\\. One of '(.+)' is expected\\.");
    private static final Pattern BAD_ATTRIBUTE_VALUE = Pattern.compile(
            "cvc-attribute\\.3: The value '(.*)' of attribute '([^']+)' on element '([^']+)' is not valid.*", Pattern.DOTALL);
    private static final Pattern BAD_ELEMENT_VALUE = Pattern.compile(
            "cvc-type\\.3\\.1\\.3: The value '(.*)' of element '([^']+)' is not valid.*", Pattern.DOTALL);
    private static final Pattern UNKNOWN_ROOT = Pattern.compile("cvc-elt\\.1(\\.a)?: Cannot find the declaration of element '([^']+)'\\.");
    private static final Pattern NO_TEXT = Pattern.compile("cvc-complex-type\\.2\\.[13]: Element '([^']+)' (must have no|cannot have) character.*");

    private static final Pattern PATTERN_FACET = Pattern.compile("cvc-pattern-valid: Value '.*' is not facet-valid with respect to pattern '(.*)' for type '([^']*)'\\.", Pattern.DOTALL);
    private static final Pattern ENUMERATION_FACET = Pattern.compile("cvc-enumeration-valid: Value '.*' is not facet-valid with respect to enumeration '\\[(.*)]'.*", Pattern.DOTALL);
    private static final Pattern BOUND_FACET = Pattern.compile("cvc-(min|max)(Inclusive|Exclusive)-valid: Value '.*' is not facet-valid with respect to \\w+ '([^']*)'.*", Pattern.DOTALL);
    private static final Pattern LENGTH_FACET = Pattern.compile("cvc-(min|max)Length-valid: .*", Pattern.DOTALL);
    private static final Pattern DATATYPE_FACET = Pattern.compile("cvc-datatype-valid\\.1\\.2\\.[0-9]: '.*' is not a valid value for '([^']+)'\\.", Pattern.DOTALL);

    private static final int EXCERPT = 40;
    private static final int MESSAGE = 400;
    private static final Pattern QUOTED = Pattern.compile("(['\"])(.*?)\\1", Pattern.DOTALL);

    private SchemaMessages() {
    }

    static boolean isFacetMessage(String message) {
        return message.startsWith("cvc-pattern-valid") || message.startsWith("cvc-enumeration-valid")
                || message.matches("(?s)cvc-(min|max)(Inclusive|Exclusive|Length)-valid.*")
                || message.startsWith("cvc-datatype-valid");
    }

    /** A validation message, with the facet message that came just before it for the same value, if any. */
    static String describe(String message, String facet) {
        Matcher m;
        if ((m = MISSING_ATTRIBUTE.matcher(message)).matches()) {
            return "element '" + m.group(2) + "' is missing attribute '" + m.group(1) + "'";
        }
        if ((m = UNKNOWN_ATTRIBUTE.matcher(message)).matches()) {
            return "element '" + m.group(2) + "' has no attribute '" + m.group(1) + "'";
        }
        if ((m = UNEXPECTED_ELEMENT.matcher(message)).matches()) {
            return "element '" + local(m.group(1)) + "' is not expected here; expected " + local(m.group(2));
        }
        if ((m = NO_MORE_CHILDREN.matcher(message)).matches()) {
            return "element '" + local(m.group(1)) + "' is not expected here; nothing more may follow";
        }
        if ((m = INCOMPLETE.matcher(message)).matches()) {
            return "element '" + m.group(1) + "' is incomplete; it still needs " + local(m.group(2));
        }
        if ((m = BAD_ATTRIBUTE_VALUE.matcher(message)).matches()) {
            return "attribute '" + m.group(2) + "' of element '" + m.group(3) + "' has value '" + m.group(1)
                    + "', which is not valid" + reason(facet);
        }
        if ((m = BAD_ELEMENT_VALUE.matcher(message)).matches()) {
            return "element '" + m.group(2) + "' has value '" + m.group(1) + "', which is not valid" + reason(facet);
        }
        if ((m = UNKNOWN_ROOT.matcher(message)).matches()) {
            return "element '" + m.group(2) + "' is not known here; check the root element's name and namespace";
        }
        if ((m = NO_TEXT.matcher(message)).matches()) {
            return "element '" + m.group(1) + "' must not contain text";
        }
        if (isFacetMessage(message)) {
            return "a value is not valid" + reason(message);
        }
        return CODE.matcher(message).replaceFirst("");
    }

    /** A message about XML that is not well formed. */
    static String describeMalformed(String message) {
        if (message.contains("DOCTYPE is disallowed")) {
            return "a DOCTYPE is not allowed (configuration files may not declare entities or refer to outside documents)";
        }
        return "the XML is not well formed: " + message;
    }

    /**
     * The message with every quoted value longer than {@link #EXCERPT} characters cut short, and the
     * whole cut to {@link #MESSAGE} characters, so that a problem never repeats a large part of the file.
     */
    static String shorten(String message) {
        Matcher m = QUOTED.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = m.group(2);
            String cut = value.length() <= EXCERPT ? value : value.substring(0, EXCERPT) + "...";
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + cut + m.group(1)));
        }
        m.appendTail(out);
        return out.length() <= MESSAGE ? out.toString() : out.substring(0, MESSAGE) + "...";
    }

    private static String reason(String facet) {
        if (facet == null) {
            return "";
        }
        Matcher m;
        if ((m = ENUMERATION_FACET.matcher(facet)).matches()) {
            return ": it must be one of " + m.group(1);
        }
        if ((m = BOUND_FACET.matcher(facet)).matches()) {
            String bound = m.group(3);
            return switch (m.group(1) + m.group(2)) {
                case "minInclusive" -> ": it must be at least " + bound;
                case "minExclusive" -> ": it must be greater than " + bound;
                case "maxInclusive" -> ": it must be at most " + bound;
                default -> ": it must be less than " + bound;
            };
        }
        if (LENGTH_FACET.matcher(facet).matches()) {
            return ": it must not be empty";
        }
        if ((m = DATATYPE_FACET.matcher(facet)).matches()) {
            return ": it must be a valid " + m.group(1);
        }
        if ((m = PATTERN_FACET.matcher(facet)).matches()) {
            return ": it must match " + m.group(1);
        }
        return ": " + CODE.matcher(facet).replaceFirst("");
    }

    private static String local(String qualifiedNames) {
        return QUALIFIED.matcher(qualifiedNames).replaceAll("$1").replace("{", "").replace("}", "");
    }
}
