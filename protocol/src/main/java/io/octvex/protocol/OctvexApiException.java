package io.octvex.protocol;

import java.time.Duration;
import java.util.Optional;

/** An error answer from the server, carrying its problem details. */
public class OctvexApiException extends RuntimeException {
    private final Problem problem;
    private final Duration retryAfter;

    public OctvexApiException(Problem problem) {
        this(problem, null);
    }

    /** With the answer's {@code Retry-After} (null when it had none), e.g. a 503 while the database restarts. */
    public OctvexApiException(Problem problem, Duration retryAfter) {
        super(problem.status() + " " + problem.title() + (problem.detail() == null ? "" : ": " + problem.detail()));
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    /** How long the server asked the client to wait before trying again, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
