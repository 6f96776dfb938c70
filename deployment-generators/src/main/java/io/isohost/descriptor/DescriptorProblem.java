package io.isohost.descriptor;

/** One thing wrong with a descriptor, where it is (1-based line and column; 0 when unknown) and what. */
public record DescriptorProblem(String source, int line, int column, String message) {
    /** The problem the XML reader found (not well formed, not valid, too large). */
    public static DescriptorProblem of(io.isohost.xml.XmlProblem p) {
        return new DescriptorProblem(p.source(), p.line(), p.column(), p.message());
    }

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column + ": " + message : source + ": " + message;
    }
}
