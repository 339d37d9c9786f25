package io.octvex.server.identity;

import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.WorkspaceStatus;
import io.octvex.server.web.ApiException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The one gate every workspace-scoped endpoint passes. A workspace the caller cannot see answers 404
 * (never revealing that it exists); one it can see but may not act on answers 403.
 */
@Service
public class WorkspaceAccess {
    private final JdbcClient jdbc;

    WorkspaceAccess(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Checks that the caller holds {@code scope} in the workspace, and returns its roles there. */
    public List<Role> require(Caller caller, UUID workspaceId, Scope scope) {
        if (!caller.isSession() && !caller.tokenWorkspaceId().equals(workspaceId)) {
            throw ApiException.notFound("workspace " + workspaceId);
        }
        Membership membership = jdbc.sql("""
                SELECT m.roles, w.status FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
                WHERE m.workspace_id = :ws AND m.principal_id = :principal AND w.status <> 'system'""")
                .param("ws", workspaceId).param("principal", caller.principalId())
                .query((rs, n) -> new Membership(
                        Arrays.stream((String[]) rs.getArray("roles").getArray()).map(Role::fromWire).toList(),
                        WorkspaceStatus.fromWire(rs.getString("status"))))
                .optional().orElseThrow(() -> ApiException.notFound("workspace " + workspaceId));
        Set<Scope> rights = EnumSet.copyOf(RoleRights.of(membership.roles()).isEmpty()
                ? EnumSet.noneOf(Scope.class) : RoleRights.of(membership.roles()));
        if (!caller.isSession()) {
            rights.retainAll(caller.tokenScopes());
        }
        if (!rights.contains(scope)) {
            throw ApiException.forbidden("this needs the '" + scope.wire() + "' right in the workspace, which "
                    + (caller.isSession() ? "your roles " + membership.roles() + " do not grant"
                    : "this token (or its principal's roles) does not grant"));
        }
        if (membership.status() == WorkspaceStatus.ARCHIVED && RoleRights.WRITES.contains(scope)) {
            throw ApiException.conflict("the workspace is archived: it can be read but not changed");
        }
        return membership.roles();
    }

    private record Membership(List<Role> roles, WorkspaceStatus status) {}
}
