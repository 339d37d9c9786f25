package io.octvex.protocol;

import java.util.List;
import java.util.UUID;

/** The edge's identity: its id and its own bearer token (shown once, kept by the edge with mode 0600). */
public record EdgeEnrolled(UUID edgeId, String edgeToken, List<UUID> workspaceIds) {
    @Override
    public String toString() {
        return "EdgeEnrolled[edgeId=" + edgeId + ", workspaceIds=" + workspaceIds + ", edgeToken=***]";
    }
}
