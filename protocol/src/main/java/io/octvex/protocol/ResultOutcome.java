package io.octvex.protocol;

import java.util.UUID;

/**
 * What the server did with one result of a {@link ResultBatch}: {@code recorded}; {@code fenced} (the lease is
 * no longer the edge's at that epoch, as a single report's 409: stop working on it; {@code detail} says why);
 * or {@code unknown} (no such step is visible to the edge, as a single report's 404).
 */
public record ResultOutcome(UUID stepId, String outcome, String detail) {
    public static final String RECORDED = "recorded";
    public static final String FENCED = "fenced";
    public static final String UNKNOWN = "unknown";
}
