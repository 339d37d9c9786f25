package io.octvex.edge.handler;

/**
 * Thrown by {@link StepContext#artifact} when the server refuses the upload (too large, malformed) or cannot
 * be reached. Left to propagate, it fails the step with its message; a handler may catch it and carry on.
 */
public class ReportRejected extends RuntimeException {
    public ReportRejected(String message, Throwable cause) {
        super(message, cause);
    }
}
