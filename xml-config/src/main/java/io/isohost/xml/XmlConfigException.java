package io.isohost.xml;

import java.util.List;
import java.util.stream.Collectors;

/** A file that cannot be used, with every problem found; its message lists them one per line. */
public final class XmlConfigException extends Exception {
    private final transient List<XmlProblem> problems;

    public XmlConfigException(List<XmlProblem> problems) {
        super(problems.stream().map(XmlProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid file has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public XmlConfigException(XmlProblem problem) {
        this(List.of(problem));
    }

    public List<XmlProblem> problems() {
        return problems;
    }
}
