package io.octvex.server.run;

import io.octvex.protocol.StepStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** One row of {@code steps}. */
record StepRow(UUID id, UUID workspaceId, UUID runId, String key, int position, String handler, String action,
               JsonNode input, List<String> dependsOn, StepStatus status, int attempt, JsonNode result,
               String error, Instant createdAt, Instant updatedAt, long version) {

    boolean dependsOn(String otherKey) {
        return dependsOn.contains(otherKey);
    }
}
