package io.octvex.protocol;

/**
 * How often a step is offered again after its edge was lost (lease expired), and how long to wait before
 * each new offer: {@code backoffSeconds × 2^(attempt-1)}, capped at one hour.
 */
public record RetryPolicy(int maxAttempts, int backoffSeconds) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, 5);
}
