package io.octvex.edge.handler;

/** The step failed for a reason worth showing in its timeline (bad input, target refused, timeout). */
public class StepFailure extends Exception {
    public StepFailure(String message) {
        super(message);
    }

    public StepFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
