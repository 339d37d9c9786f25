package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record EnrollmentView(UUID id, String name, List<UUID> workspaceIds, int maxUses, int uses,
                             Instant createdAt, Instant expiresAt, Instant revokedAt) {}
