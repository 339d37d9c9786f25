package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** A run with its steps. {@code parentId}, {@code rootId} and {@code depth} place it in a fan-out tree. */
public record RunView(UUID id, UUID workspaceId, UUID parentId, UUID rootId, int depth, RunStatus status,
                      String title, JsonNode spec, UUID createdBy, Instant createdAt, Instant updatedAt,
                      long version, List<StepView> steps) {}
