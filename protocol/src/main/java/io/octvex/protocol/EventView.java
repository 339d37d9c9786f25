package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One row of a workspace's append-only audit/event log. {@code seq} counts from 1 per workspace;
 * {@code hash} = SHA-256(prevHash + canonical content), so any altered row breaks the chain after it.
 */
public record EventView(UUID workspaceId, long seq, UUID id, String type, UUID runId, UUID stepId,
                        UUID principalId, Instant at, JsonNode data, String prevHash, String hash) {}
