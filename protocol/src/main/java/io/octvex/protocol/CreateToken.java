package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Issues an API token in one workspace. {@code principalId} defaults to the caller; issuing for another
 * member (an agent, say) needs the {@code tokens:manage} right. {@code expiresAt} defaults to 90 days.
 */
public record CreateToken(String name, List<Scope> scopes, UUID principalId, Instant expiresAt) {}
