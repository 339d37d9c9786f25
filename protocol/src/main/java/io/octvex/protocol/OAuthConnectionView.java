package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An OAuth connection: its tokens are the vault secret {@code name} (kind {@code oauth}) and are never returned.
 * {@code status} is {@code active} or {@code failed} (a refresh failed: {@code failure} says why, and it stays
 * failed until re-authorised). {@code refreshAt} is when the refresh job will refresh it (absent when it cannot
 * or will not).
 */
public record OAuthConnectionView(UUID id, UUID workspaceId, String name, String client, String provider,
                                  String status, List<String> scopes, boolean refreshable, Instant expiresAt,
                                  Instant refreshAt, Instant refreshedAt, int failures, String failure,
                                  UUID authorizedBy, Instant createdAt) {}
