package io.octvex.protocol;

/** An error answer from the server, carrying its problem details. */
public class OctvexApiException extends RuntimeException {
    private final Problem problem;

    public OctvexApiException(Problem problem) {
        super(problem.status() + " " + problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()));
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }
}
