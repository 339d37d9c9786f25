package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A token's metadata. The secret itself is never shown again after {@link IssuedToken}. */
public record TokenView(UUID id, UUID workspaceId, UUID principalId, String name, List<Scope> scopes,
                        Instant createdAt, Instant expiresAt, Instant revokedAt, Instant lastUsedAt) {}
