package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A step leased to an edge until {@code expiresAt}. Every report about it must carry {@code epoch}: when the
 * lease is lost and the step re-offered, the epoch moves on and a late report with the old one is refused.
 * {@code credentials} are the credential leases granted with it (names and use, never material).
 */
public record Lease(UUID workspaceId, UUID runId, UUID stepId, String stepKey, String handler, String action,
                    JsonNode input, int attempt, long epoch, Instant expiresAt, Checkpoint lastCheckpoint,
                    List<CredentialRef> credentials) {
    public Lease {
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }
}
