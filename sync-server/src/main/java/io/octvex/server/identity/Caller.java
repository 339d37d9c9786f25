package io.octvex.server.identity;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Scope;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated principal behind a request. Controllers receive it as a parameter. A session (from a
 * login) has no token workspace and no scope limit: its reach is the principal's memberships. An API token
 * is confined to {@code tokenWorkspaceId} and to {@code tokenScopes}.
 */
public record Caller(UUID principalId, PrincipalKind kind, String name, boolean instanceAdmin, UUID tokenId,
                     UUID tokenWorkspaceId, Set<Scope> tokenScopes) {
    /** The request attribute under which the authentication filter stores the caller of a request. */
    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();

    public boolean isSession() {
        return tokenWorkspaceId == null;
    }
}
