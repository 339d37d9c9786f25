package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Asks for an enrolment token for the workspace in the path, plus any {@code alsoWorkspaces} (the caller must
 * administer each). {@code maxUses} defaults to 1; {@code expiresAt} to 24 hours.
 */
public record CreateEnrollment(String name, List<UUID> alsoWorkspaces, Integer maxUses, Instant expiresAt) {}
