package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** An edge as operators see it in one workspace. */
public record EdgeView(UUID id, String name, EdgeState state, Map<String, String> labels, List<String> capabilities,
                       int capacity, int activeLeases, Instant enrolledAt, Instant lastHeartbeatAt,
                       Long latencyMillis, int consecutiveFailures, boolean healthy, String version) {}
