package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A workspace as the caller sees it, with the caller's own roles in it. */
public record WorkspaceView(UUID id, String name, WorkspaceStatus status, Instant createdAt, Instant updatedAt,
                            List<Role> roles) {}
