package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

public record StepView(UUID id, String key, String handler, String action, JsonNode input, List<String> dependsOn,
                       StepStatus status, int attempt, JsonNode result, String error, Instant updatedAt,
                       long version) {}
