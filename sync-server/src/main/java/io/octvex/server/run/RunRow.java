package io.octvex.server.run;

import io.octvex.protocol.RunStatus;
import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** One row of {@code runs}. */
record RunRow(UUID id, UUID workspaceId, UUID parentId, UUID rootId, int depth, RunStatus status, String title,
              JsonNode spec, UUID createdBy, Instant createdAt, Instant updatedAt, long version) {}
