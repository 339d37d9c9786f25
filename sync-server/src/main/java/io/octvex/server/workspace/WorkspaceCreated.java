package io.octvex.server.workspace;

import java.util.UUID;

/**
 * Published inside the transaction that creates a workspace, so that features which give every workspace a
 * starting point (the policy's starter version) add it in that same transaction, without this package
 * depending on them.
 */
public record WorkspaceCreated(UUID workspaceId, String name, UUID ownerId) {}
