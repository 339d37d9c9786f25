package io.octvex.edge.identity;

import io.octvex.protocol.Json;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.core.JacksonException;

/** The identity's stored layout; {@code format} lets a later edge read what an older one wrote. */
record StoredIdentity(int format, UUID edgeId, String edgeToken, String server, List<UUID> workspaceIds,
                      String name, int capacity, String sealingPublicKey, String sealingPrivateKey,
                      Instant enrolledAt) {
    static final int FORMAT = 1;

    static String write(EdgeIdentity id) {
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(new StoredIdentity(FORMAT,
                id.edgeId(), id.edgeToken(), id.server().toString(), id.workspaceIds(), id.name(), id.capacity(),
                id.sealingPublicKey(), id.sealingPrivateKey(), id.enrolledAt()));
    }

    /** Messages name {@code source} and the exception's type only: Jackson's messages may quote the text. */
    static EdgeIdentity read(String text, String source) {
        StoredIdentity stored;
        try {
            stored = Json.read(text, StoredIdentity.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not an edge identity (" + e.getClass().getSimpleName()
                    + "); move it away and enrol again", e);
        }
        if (stored == null) {
            throw new IllegalStateException(source + " is not an edge identity (empty); move it away and enrol again");
        }
        if (stored.format() != FORMAT) {
            throw new IllegalStateException(source + " has format " + stored.format() + "; this edge reads format "
                    + FORMAT);
        }
        try {
            return stored.toIdentity();
        } catch (RuntimeException e) {
            throw new IllegalStateException(source + " is incomplete: " + e.getMessage()
                    + "; move it away and enrol again", e);
        }
    }

    private EdgeIdentity toIdentity() {
        if (server == null) {
            throw new IllegalArgumentException("no server");
        }
        return new EdgeIdentity(edgeId, edgeToken, URI.create(server), workspaceIds, name, capacity,
                sealingPublicKey, sealingPrivateKey, enrolledAt);
    }

    @Override
    public String toString() {
        return "StoredIdentity[edgeId=" + edgeId + ", ***]";
    }
}
