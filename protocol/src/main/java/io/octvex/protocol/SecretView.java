package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;

/**
 * A secret's metadata. There is no value here, nor anywhere else in the API: values are write-only.
 * {@code keyTerm} is the workspace data key its value is sealed under; {@code rotatedAt} is when its value
 * was last replaced (absent while it still holds the value it was created with).
 */
public record SecretView(UUID id, UUID workspaceId, String name, SecretKind kind, long version, int keyTerm,
                         Instant createdAt, UUID createdBy, Instant updatedAt, UUID updatedBy, Instant rotatedAt) {}
