package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;

public record ArtifactView(UUID id, UUID runId, UUID stepId, String name, String contentType, long size,
                           String sha256, Instant createdAt) {}
