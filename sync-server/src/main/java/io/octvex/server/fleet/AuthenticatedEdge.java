package io.octvex.server.fleet;

import io.octvex.protocol.EdgeState;
import java.util.List;
import java.util.UUID;

/** The edge behind a request to {@code /api/v1/edge/**}, as its token said when the request arrived. */
record AuthenticatedEdge(UUID id, String name, EdgeState state, List<UUID> workspaceIds) {}
