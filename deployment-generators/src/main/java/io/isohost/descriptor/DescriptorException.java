package io.isohost.descriptor;

import java.util.List;
import java.util.stream.Collectors;

/** A descriptor was refused. Every problem found is listed, each with its line and column. */
public class DescriptorException extends Exception {
    private final List<DescriptorProblem> problems;

    public DescriptorException(List<DescriptorProblem> problems) {
        super(problems.stream().map(DescriptorProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a descriptor exception needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<DescriptorProblem> problems() {
        return problems;
    }
}
