package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;

/**
 * A workspace's vault: the term of its current data key (0 before the first secret), when that key was made,
 * how many values it has sealed, and how many secrets still wait for the re-encrypt job to move them off an
 * older term.
 */
public record VaultStatus(UUID workspaceId, int keyTerm, Instant keyCreatedAt, long encryptions, long secrets,
                          long secretsOnOlderTerms) {}
