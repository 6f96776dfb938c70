package io.isohost.descriptor;

/** One thing wrong with a descriptor, where it is (1-based line and column; 0 when unknown) and what. */
public record DescriptorProblem(String source, int line, int column, String message) {
    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column + ": " + message : source + ": " + message;
    }
}
