package io.octvex.server.identity;

import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The one gate every workspace-scoped endpoint passes. A workspace the caller cannot see answers 404
 * (never revealing that it exists); one it can see but may not act on answers 403. Effective rights are the
 * rights of the caller's roles there, intersected with the token's scopes for an API token. The token itself
 * is checked again (not revoked, not expired, principal not disabled), so a long-lived stream that re-checks
 * is cut off when its token is revoked.
 */
@Service
public class WorkspaceAccess {
    private final JdbcClient jdbc;
    private final Clock clock;

    WorkspaceAccess(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Checks that the caller holds {@code scope} in the workspace, and returns its roles there. */
    public List<Role> require(Caller caller, UUID workspaceId, Scope scope) {
        Access access = check(caller, workspaceId);
        if (!access.rights().contains(scope)) {
            throw ApiException.forbidden("this needs the '" + scope.wire() + "' right in the workspace, which "
                    + (caller.isSession() ? "your roles " + wire(access.roles()) + " do not grant"
                    : "this token (or its principal's roles) does not grant"));
        }
        if (access.archived() && RoleRights.WRITES.contains(scope)) {
            throw ApiException.conflict("the workspace is archived: it can be read but not changed");
        }
        return access.roles();
    }

    /** The caller's roles and effective rights in a workspace it belongs to; 404 when it does not. */
    Access check(Caller caller, UUID workspaceId) {
        if (!caller.isSession() && !caller.tokenWorkspaceId().equals(workspaceId)) {
            throw ApiException.notFound("workspace " + workspaceId);
        }
        Row row = jdbc.sql("""
                SELECT m.roles, w.status,
                       (CAST(:token AS uuid) IS NULL OR EXISTS (SELECT 1 FROM tokens t JOIN principals p ON p.id = t.principal_id
                               WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > :now
                                 AND NOT p.disabled)) AS token_valid
                FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
                WHERE m.workspace_id = :ws AND m.principal_id = :principal AND w.status <> 'system'""")
                .param("ws", workspaceId).param("principal", caller.principalId()).param("token", caller.tokenId())
                .param("now", Sql.at(clock.instant()))
                .query((rs, n) -> new Row(Sql.array(rs, "roles", Role::fromWire), rs.getString("status"),
                        rs.getBoolean("token_valid")))
                .optional().orElseThrow(() -> ApiException.notFound("workspace " + workspaceId));
        if (!row.tokenValid()) {
            throw ApiException.unauthorized("the token is not valid: it is unknown, expired or revoked");
        }
        Set<Scope> rights = RoleRights.of(row.roles());
        if (!caller.isSession()) {
            rights.retainAll(caller.tokenScopes());
        }
        List<Role> roles = List.copyOf(row.roles().isEmpty() ? row.roles() : EnumSet.copyOf(row.roles()));
        return new Access(roles, rights, "archived".equals(row.status()));
    }

    record Access(List<Role> roles, Set<Scope> rights, boolean archived) {
        boolean has(Scope scope) {
            return rights.contains(scope);
        }
    }

    private static List<String> wire(List<Role> roles) {
        return roles.stream().map(Role::wire).toList();
    }

    private record Row(List<Role> roles, String status, boolean tokenValid) {}
}
