package io.octvex.server.identity;

import static io.octvex.server.identity.Sql.at;
import static io.octvex.server.identity.Sql.instant;

import io.octvex.protocol.MemberView;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The principals and memberships tables. No method returns a password hash except the one login uses; views
 * handed to controllers never carry it.
 */
@Component
class PrincipalStore {
    private static final String VIEW_COLUMNS = "p.id, p.kind, p.name, p.display_name, p.instance_admin, p.created_at";

    private final JdbcClient jdbc;

    PrincipalStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What a login attempt needs, with the row locked so concurrent attempts on one account are serialised. */
    record LoginRow(PrincipalView view, String passwordHash, int failedLogins, Instant lockedUntil, boolean disabled) {}

    /** A principal's identity, kind and home, enough to decide whether it may join a workspace. */
    record Ref(UUID id, PrincipalKind kind, UUID homeWorkspaceId) {}

    Optional<LoginRow> lockUserForLogin(String username) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + """
                , p.password_hash, p.failed_logins, p.locked_until, p.disabled
                FROM principals p WHERE p.kind = 'user' AND lower(p.name) = lower(:name) FOR UPDATE""")
                .param("name", username)
                .query((rs, n) -> new LoginRow(view(rs), rs.getString("password_hash"), rs.getInt("failed_logins"),
                        instant(rs, "locked_until"), rs.getBoolean("disabled")))
                .optional();
    }

    /** The user's password hash, row locked for a change; empty for agents, services and unknown ids. */
    Optional<String> lockPasswordHash(UUID id) {
        return jdbc.sql("SELECT password_hash FROM principals WHERE id = :id AND kind = 'user' FOR UPDATE")
                .param("id", id).query(String.class).optional();
    }

    void setPasswordHash(UUID id, String hash) {
        jdbc.sql("UPDATE principals SET password_hash = :hash, version = version + 1 WHERE id = :id AND kind = 'user'")
                .param("hash", hash).param("id", id).update();
    }

    void recordFailures(UUID id, int failedLogins, Instant lockedUntil) {
        jdbc.sql("UPDATE principals SET failed_logins = :n, locked_until = :until, version = version + 1 WHERE id = :id")
                .param("n", failedLogins).param("until", at(lockedUntil)).param("id", id).update();
    }

    void clearFailures(UUID id) {
        jdbc.sql("""
                UPDATE principals SET failed_logins = 0, locked_until = NULL, version = version + 1
                WHERE id = :id AND (failed_logins <> 0 OR locked_until IS NOT NULL)""")
                .param("id", id).update();
    }

    Optional<PrincipalView> find(UUID id) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + " FROM principals p WHERE p.id = :id").param("id", id)
                .query((rs, n) -> view(rs)).optional();
    }

    Optional<Ref> ref(UUID id) {
        return jdbc.sql("SELECT id, kind, home_workspace_id FROM principals WHERE id = :id").param("id", id)
                .query((rs, n) -> new Ref(rs.getObject("id", UUID.class), PrincipalKind.fromWire(rs.getString("kind")),
                        rs.getObject("home_workspace_id", UUID.class)))
                .optional();
    }

    boolean userNamed(String name) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM principals WHERE kind = 'user' AND lower(name) = lower(:name))")
                .param("name", name).query(Boolean.class).single();
    }

    boolean principalNamedIn(UUID workspaceId, String name) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM principals
                               WHERE kind <> 'user' AND home_workspace_id = :ws AND lower(name) = lower(:name))""")
                .param("ws", workspaceId).param("name", name).query(Boolean.class).single();
    }

    boolean anyUser() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM principals WHERE kind = 'user')").query(Boolean.class).single();
    }

    PrincipalView insert(PrincipalKind kind, String name, String displayName, UUID homeWorkspaceId,
                         String passwordHash, boolean instanceAdmin, Instant now) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO principals (id, kind, name, display_name, home_workspace_id, password_hash, instance_admin, created_at)
                VALUES (:id, :kind, :name, :display, :home, :hash, :admin, :now)""")
                .param("id", id).param("kind", kind.wire()).param("name", name).param("display", displayName)
                .param("home", homeWorkspaceId).param("hash", passwordHash).param("admin", instanceAdmin)
                .param("now", at(now)).update();
        return new PrincipalView(id, kind, name, displayName, instanceAdmin, now);
    }

    // --- memberships ---------------------------------------------------------------------------------------

    List<MemberView> members(UUID workspaceId) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + """
                , m.roles, m.created_at AS since
                FROM memberships m JOIN principals p ON p.id = m.principal_id
                WHERE m.workspace_id = :ws ORDER BY lower(p.name), p.id""")
                .param("ws", workspaceId).query(PrincipalStore::member).list();
    }

    Optional<MemberView> member(UUID workspaceId, UUID principalId) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + """
                , m.roles, m.created_at AS since
                FROM memberships m JOIN principals p ON p.id = m.principal_id
                WHERE m.workspace_id = :ws AND m.principal_id = :principal""")
                .param("ws", workspaceId).param("principal", principalId).query(PrincipalStore::member).optional();
    }

    /** {@link #member} for several principals of one workspace; those who are not members are absent. */
    List<MemberView> members(UUID workspaceId, java.util.Collection<UUID> principalIds) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + """
                , m.roles, m.created_at AS since
                FROM memberships m JOIN principals p ON p.id = m.principal_id
                WHERE m.workspace_id = :ws AND m.principal_id = ANY(:principals)""")
                .param("ws", workspaceId).param("principals", principalIds.toArray(UUID[]::new))
                .query(PrincipalStore::member).list();
    }

    /** The principal's roles in each workspace it belongs to (the system workspace included, if ever). */
    Map<UUID, List<Role>> membershipsOf(UUID principalId) {
        Map<UUID, List<Role>> result = new LinkedHashMap<>();
        jdbc.sql("SELECT workspace_id, roles FROM memberships WHERE principal_id = :principal")
                .param("principal", principalId)
                .query(rs -> {
                    result.put(rs.getObject("workspace_id", UUID.class), Sql.array(rs, "roles", Role::fromWire));
                });
        return result;
    }

    void insertMembership(UUID workspaceId, UUID principalId, Set<Role> roles, Instant now) {
        jdbc.sql("""
                INSERT INTO memberships (workspace_id, principal_id, roles, created_at)
                VALUES (:ws, :principal, CAST(:roles AS text[]), :now)""")
                .param("ws", workspaceId).param("principal", principalId).param("roles", Inputs.wire(roles))
                .param("now", at(now)).update();
    }

    void updateRoles(UUID workspaceId, UUID principalId, Set<Role> roles) {
        jdbc.sql("UPDATE memberships SET roles = CAST(:roles AS text[]) WHERE workspace_id = :ws AND principal_id = :principal")
                .param("roles", Inputs.wire(roles)).param("ws", workspaceId).param("principal", principalId).update();
    }

    void deleteMembership(UUID workspaceId, UUID principalId) {
        jdbc.sql("DELETE FROM memberships WHERE workspace_id = :ws AND principal_id = :principal")
                .param("ws", workspaceId).param("principal", principalId).update();
    }

    /**
     * The workspace's owners, their membership rows locked: two concurrent demotions of the last two owners
     * are serialised, and the second sees only one owner left.
     */
    List<UUID> lockOwners(UUID workspaceId) {
        return jdbc.sql("""
                SELECT principal_id FROM memberships WHERE workspace_id = :ws AND 'owner' = ANY (roles)
                ORDER BY principal_id FOR UPDATE""")
                .param("ws", workspaceId).query(UUID.class).list();
    }

    private static MemberView member(ResultSet rs, int n) throws SQLException {
        List<Role> roles = Sql.array(rs, "roles", Role::fromWire);
        return new MemberView(view(rs), List.copyOf(roles.isEmpty() ? roles : EnumSet.copyOf(roles)),
                instant(rs, "since"));
    }

    private static PrincipalView view(ResultSet rs) throws SQLException {
        return new PrincipalView(rs.getObject("id", UUID.class), PrincipalKind.fromWire(rs.getString("kind")),
                rs.getString("name"), rs.getString("display_name"), rs.getBoolean("instance_admin"),
                instant(rs, "created_at"));
    }
}
