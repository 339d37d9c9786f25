package io.octvex.server.identity;

import static io.octvex.server.identity.Sql.at;
import static io.octvex.server.identity.Sql.instant;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Scope;
import io.octvex.protocol.TokenView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The tokens table. Workspace-scoped reads take the workspace id. */
@Component
class TokenStore {
    /** last_used_at is written at most this often per token. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final JdbcClient jdbc;

    TokenStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A token with its principal, as authentication needs them. */
    record Presented(UUID tokenId, String tokenName, UUID workspaceId, Set<Scope> scopes, Instant expiresAt,
                     Instant revokedAt, Instant lastUsedAt, UUID principalId, PrincipalKind kind,
                     String principalName, boolean instanceAdmin, boolean disabled) {}

    Optional<Presented> findBySecretHash(byte[] hash) {
        return jdbc.sql("""
                SELECT t.id, t.name AS token_name, t.workspace_id, t.scopes, t.expires_at, t.revoked_at, t.last_used_at,
                       p.id AS principal_id, p.kind, p.name AS principal_name, p.instance_admin, p.disabled
                FROM tokens t JOIN principals p ON p.id = t.principal_id
                WHERE t.token_hash = :hash""")
                .param("hash", hash)
                .query((rs, n) -> new Presented(rs.getObject("id", UUID.class), rs.getString("token_name"),
                        rs.getObject("workspace_id", UUID.class), scopes(rs), instant(rs, "expires_at"),
                        instant(rs, "revoked_at"), instant(rs, "last_used_at"),
                        rs.getObject("principal_id", UUID.class), PrincipalKind.fromWire(rs.getString("kind")),
                        rs.getString("principal_name"), rs.getBoolean("instance_admin"), rs.getBoolean("disabled")))
                .optional();
    }

    /** Sets last_used_at unless it was set less than a minute ago; true when this call wrote it. */
    boolean touch(UUID tokenId, Instant now) {
        return jdbc.sql("""
                UPDATE tokens SET last_used_at = :now
                WHERE id = :id AND (last_used_at IS NULL OR last_used_at <= :threshold)""")
                .param("now", at(now)).param("id", tokenId).param("threshold", at(now.minus(TOUCH_INTERVAL)))
                .update() == 1;
    }

    void insertSession(UUID id, UUID principalId, String name, byte[] hash, Instant now, Instant expiresAt) {
        jdbc.sql("""
                INSERT INTO tokens (id, kind, workspace_id, principal_id, name, token_hash, scopes, created_at, expires_at)
                VALUES (:id, 'session', NULL, :principal, :name, :hash, '{}', :now, :expires)""")
                .param("id", id).param("principal", principalId).param("name", name).param("hash", hash)
                .param("now", at(now)).param("expires", at(expiresAt)).update();
    }

    void insertApi(UUID id, UUID workspaceId, UUID principalId, String name, byte[] hash, Set<Scope> scopes,
                   Instant now, Instant expiresAt) {
        jdbc.sql("""
                INSERT INTO tokens (id, kind, workspace_id, principal_id, name, token_hash, scopes, created_at, expires_at)
                VALUES (:id, 'api', :ws, :principal, :name, :hash, CAST(:scopes AS text[]), :now, :expires)""")
                .param("id", id).param("ws", workspaceId).param("principal", principalId).param("name", name)
                .param("hash", hash).param("scopes", Inputs.wire(scopes)).param("now", at(now))
                .param("expires", at(expiresAt)).update();
    }

    Optional<Instant> expiresAt(UUID tokenId) {
        return jdbc.sql("SELECT expires_at FROM tokens WHERE id = :id").param("id", tokenId)
                .query((rs, n) -> instant(rs, "expires_at")).optional();
    }

    /** API tokens of one workspace, newest first; only {@code principalId}'s when it is not null. */
    List<TokenView> list(UUID workspaceId, UUID principalId) {
        return jdbc.sql("""
                SELECT * FROM tokens WHERE workspace_id = :ws AND kind = 'api'
                  AND (CAST(:principal AS uuid) IS NULL OR principal_id = :principal)
                ORDER BY created_at DESC, id LIMIT 1000""")
                .param("ws", workspaceId).param("principal", principalId)
                .query(TokenStore::view).list();
    }

    Optional<TokenView> find(UUID workspaceId, UUID tokenId) {
        return jdbc.sql("SELECT * FROM tokens WHERE workspace_id = :ws AND id = :id AND kind = 'api'")
                .param("ws", workspaceId).param("id", tokenId).query(TokenStore::view).optional();
    }

    /** Revokes one token unless already revoked; true when this call revoked it. */
    /** Ends every live session of a principal but one; returns how many ended. */
    int revokeOtherSessions(UUID principalId, UUID keep, Instant now) {
        return jdbc.sql("""
                UPDATE tokens SET revoked_at = :now
                WHERE principal_id = :principal AND kind = 'session' AND id <> :keep AND revoked_at IS NULL""")
                .param("now", Sql.at(now)).param("principal", principalId).param("keep", keep).update();
    }

    boolean revoke(UUID tokenId, Instant now) {
        return jdbc.sql("UPDATE tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .param("now", at(now)).param("id", tokenId).update() == 1;
    }

    /** Revokes every live API token a principal holds in a workspace; returns how many. */
    int revokeAll(UUID workspaceId, UUID principalId, Instant now) {
        return jdbc.sql("""
                UPDATE tokens SET revoked_at = :now
                WHERE workspace_id = :ws AND principal_id = :principal AND revoked_at IS NULL""")
                .param("now", at(now)).param("ws", workspaceId).param("principal", principalId).update();
    }

    private static Set<Scope> scopes(ResultSet rs) throws SQLException {
        List<Scope> list = Sql.array(rs, "scopes", Scope::fromWire);
        return list.isEmpty() ? Set.of() : EnumSet.copyOf(list);
    }

    private static TokenView view(ResultSet rs, int n) throws SQLException {
        return new TokenView(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                rs.getObject("principal_id", UUID.class), rs.getString("name"),
                List.copyOf(scopes(rs)), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "revoked_at"), instant(rs, "last_used_at"));
    }
}
