package io.isohost.xml;

/** One thing wrong with a file: where (1-based line and column; 0 when it concerns the whole file) and what. */
public record XmlProblem(String source, int line, int column, String message) {
    @Override
    public String toString() {
        return line > 0 ? source + ":" + line + ":" + column + ": " + message : source + ": " + message;
    }
}
