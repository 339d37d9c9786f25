package io.octvex.server.oauth;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The brokerage's rows: clients, started authorisations, connections. Tokens are not here; they are in the vault. */
@Component
class OAuthStore {
    private static final String CONNECTION = """
            SELECT c.*, k.name AS client_name, k.provider FROM oauth_connections c JOIN oauth_clients k ON k.id = c.client
            """;
    private final JdbcClient jdbc;
    private final JsonMapper json;

    OAuthStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    record Client(UUID id, UUID workspaceId, String name, String provider, String clientId, String clientSecretName,
                  String authorizationEndpoint, String tokenEndpoint, String revocationEndpoint, String clientAuth,
                  List<String> scopes, Map<String, String> extraParams, Instant createdAt, UUID createdBy) {}

    record Authorization(UUID workspaceId, UUID client, UUID principalId, String connectionName, String codeVerifier,
                         String redirectUri, List<String> scopes, Instant expiresAt) {}

    record Connection(UUID id, UUID workspaceId, String name, UUID client, String clientName, String provider,
                      UUID secretId, String status, List<String> scopes, boolean hasRefresh, Instant expiresAt,
                      Instant refreshAt, int failures, String failure, UUID authorizedBy, Instant createdAt,
                      Instant refreshedAt) {}

    // --- clients -------------------------------------------------------------------------------------------------

    void insertClient(Client c) {
        jdbc.sql("""
                INSERT INTO oauth_clients (id, workspace_id, name, provider, client_id, client_secret_name,
                    authorization_endpoint, token_endpoint, revocation_endpoint, client_auth, scopes, extra_params,
                    created_at, created_by)
                VALUES (:id, :ws, :name, :provider, :clientId, :secretName, :authz, :token, :revocation, :auth,
                    CAST(:scopes AS text[]), CAST(:extra AS jsonb), :at, :by)""")
                .param("id", c.id()).param("ws", c.workspaceId()).param("name", c.name()).param("provider", c.provider())
                .param("clientId", c.clientId()).param("secretName", c.clientSecretName())
                .param("authz", c.authorizationEndpoint()).param("token", c.tokenEndpoint())
                .param("revocation", c.revocationEndpoint()).param("auth", c.clientAuth())
                .param("scopes", c.scopes().toArray(String[]::new)).param("extra", json.writeValueAsString(c.extraParams()))
                .param("at", at(c.createdAt())).param("by", c.createdBy()).update();
    }

    boolean clientExists(UUID workspaceId, String name) {
        return jdbc.sql("SELECT count(*) FROM oauth_clients WHERE workspace_id = :ws AND name = :name")
                .param("ws", workspaceId).param("name", name).query(Long.class).single() > 0;
    }

    Optional<Client> client(UUID workspaceId, String name) {
        return jdbc.sql("SELECT * FROM oauth_clients WHERE workspace_id = :ws AND name = :name")
                .param("ws", workspaceId).param("name", name).query(this::client).optional();
    }

    Optional<Client> client(UUID workspaceId, UUID id) {
        return jdbc.sql("SELECT * FROM oauth_clients WHERE workspace_id = :ws AND id = :id")
                .param("ws", workspaceId).param("id", id).query(this::client).optional();
    }

    List<Client> clients(UUID workspaceId) {
        return jdbc.sql("SELECT * FROM oauth_clients WHERE workspace_id = :ws ORDER BY name")
                .param("ws", workspaceId).query(this::client).list();
    }

    // --- authorisations --------------------------------------------------------------------------------------------

    void insertAuthorization(byte[] stateHash, Authorization a, Instant now) {
        jdbc.sql("""
                INSERT INTO oauth_authorizations (state_hash, workspace_id, client, principal_id, connection_name,
                    code_verifier, redirect_uri, scopes, created_at, expires_at)
                VALUES (:hash, :ws, :client, :principal, :name, :verifier, :redirect, CAST(:scopes AS text[]), :now,
                    :expires)""")
                .param("hash", stateHash).param("ws", a.workspaceId()).param("client", a.client())
                .param("principal", a.principalId()).param("name", a.connectionName()).param("verifier", a.codeVerifier())
                .param("redirect", a.redirectUri()).param("scopes", a.scopes().toArray(String[]::new))
                .param("now", at(now)).param("expires", at(a.expiresAt())).update();
    }

    /** Marks the authorisation used and answers it, in one statement: a state is consumed exactly once. */
    Optional<Authorization> consume(byte[] stateHash, Instant now) {
        return jdbc.sql("""
                UPDATE oauth_authorizations SET used_at = :now, code_verifier = ''
                WHERE state_hash = :hash AND used_at IS NULL
                RETURNING workspace_id, client, principal_id, connection_name, code_verifier, redirect_uri, scopes,
                    expires_at""")
                .param("now", at(now)).param("hash", stateHash)
                .query((rs, n) -> new Authorization(rs.getObject("workspace_id", UUID.class),
                        rs.getObject("client", UUID.class), rs.getObject("principal_id", UUID.class),
                        rs.getString("connection_name"), null, rs.getString("redirect_uri"), strings(rs, "scopes"),
                        instant(rs, "expires_at")))
                .optional();
    }

    /** The code verifier of an authorisation about to be consumed; read before {@link #consume} blanks it. */
    Optional<String> verifier(byte[] stateHash) {
        return jdbc.sql("SELECT code_verifier FROM oauth_authorizations WHERE state_hash = :hash AND used_at IS NULL FOR UPDATE")
                .param("hash", stateHash).query(String.class).optional();
    }

    boolean authorizationExists(byte[] stateHash) {
        return jdbc.sql("SELECT count(*) FROM oauth_authorizations WHERE state_hash = :hash").param("hash", stateHash)
                .query(Long.class).single() > 0;
    }

    /** Forgets authorisations that expired a day ago (used or not); the audit log keeps that they happened. */
    int purgeAuthorizations(Instant before) {
        return jdbc.sql("DELETE FROM oauth_authorizations WHERE expires_at < :before").param("before", at(before)).update();
    }

    // --- connections ---------------------------------------------------------------------------------------------

    Optional<Connection> connection(UUID workspaceId, String name) {
        return jdbc.sql(CONNECTION + " WHERE c.workspace_id = :ws AND c.name = :name")
                .param("ws", workspaceId).param("name", name).query(OAuthStore::connection).optional();
    }

    Optional<Connection> lockConnection(UUID workspaceId, String name) {
        return jdbc.sql(CONNECTION + " WHERE c.workspace_id = :ws AND c.name = :name FOR UPDATE OF c")
                .param("ws", workspaceId).param("name", name).query(OAuthStore::connection).optional();
    }

    Optional<Connection> lockActive(UUID id) {
        return jdbc.sql(CONNECTION + " WHERE c.id = :id AND c.status = 'active' FOR UPDATE OF c")
                .param("id", id).query(OAuthStore::connection).optional();
    }

    List<Connection> connections(UUID workspaceId) {
        return jdbc.sql(CONNECTION + " WHERE c.workspace_id = :ws ORDER BY c.name")
                .param("ws", workspaceId).query(OAuthStore::connection).list();
    }

    /**
     * One active connection due for refresh, locked; rows other replicas hold are skipped, so each connection is
     * refreshed by exactly one replica at a time (its refresh token is used once).
     */
    Optional<Connection> claimDue(Instant now) {
        return jdbc.sql(CONNECTION + """
                 WHERE c.id = (SELECT id FROM oauth_connections WHERE status = 'active' AND refresh_at <= :now
                               ORDER BY refresh_at LIMIT 1 FOR UPDATE SKIP LOCKED)""")
                .param("now", at(now)).query(OAuthStore::connection).optional();
    }

    void upsertConnection(Connection c) {
        jdbc.sql("""
                INSERT INTO oauth_connections (id, workspace_id, name, client, secret_id, status, scopes, has_refresh,
                    expires_at, refresh_at, failures, failure, authorized_by, created_at, refreshed_at)
                VALUES (:id, :ws, :name, :client, :secret, 'active', CAST(:scopes AS text[]), :hasRefresh, :expires,
                    :refreshAt, 0, NULL, :by, :at, NULL)
                ON CONFLICT (workspace_id, name) DO UPDATE SET client = EXCLUDED.client, secret_id = EXCLUDED.secret_id,
                    status = 'active', scopes = EXCLUDED.scopes, has_refresh = EXCLUDED.has_refresh,
                    expires_at = EXCLUDED.expires_at, refresh_at = EXCLUDED.refresh_at, failures = 0, failure = NULL,
                    authorized_by = EXCLUDED.authorized_by, refreshed_at = NULL""")
                .param("id", c.id()).param("ws", c.workspaceId()).param("name", c.name()).param("client", c.client())
                .param("secret", c.secretId()).param("scopes", c.scopes().toArray(String[]::new))
                .param("hasRefresh", c.hasRefresh()).param("expires", at(c.expiresAt()))
                .param("refreshAt", at(c.refreshAt())).param("by", c.authorizedBy()).param("at", at(c.createdAt()))
                .update();
    }

    void refreshed(UUID id, boolean hasRefresh, Instant expiresAt, Instant refreshAt, List<String> scopes, Instant now) {
        jdbc.sql("""
                UPDATE oauth_connections SET has_refresh = :hasRefresh, expires_at = :expires, refresh_at = :refreshAt,
                    scopes = CAST(:scopes AS text[]), failures = 0, failure = NULL, refreshed_at = :now
                WHERE id = :id""")
                .param("hasRefresh", hasRefresh).param("expires", at(expiresAt)).param("refreshAt", at(refreshAt))
                .param("scopes", scopes.toArray(String[]::new)).param("now", at(now)).param("id", id).update();
    }

    /** Records a failed refresh: retried at {@code retryAt}, or, when that is null, failed until re-authorised. */
    void refreshFailed(UUID id, int failures, String failure, Instant retryAt) {
        jdbc.sql("""
                UPDATE oauth_connections SET failures = :failures, failure = :failure, refresh_at = :retryAt,
                    status = CASE WHEN :failed THEN 'failed' ELSE status END
                WHERE id = :id""")
                .param("failures", failures).param("failure", failure).param("retryAt", at(retryAt))
                .param("failed", retryAt == null).param("id", id).update();
    }

    void deleteConnection(UUID id) {
        jdbc.sql("DELETE FROM oauth_connections WHERE id = :id").param("id", id).update();
    }

    // --- rows ----------------------------------------------------------------------------------------------------

    private Client client(ResultSet rs, int n) throws SQLException {
        Map<String, String> extra = json.readValue(rs.getString("extra_params"), new TypeReference<Map<String, String>>() {});
        return new Client(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class), rs.getString("name"),
                rs.getString("provider"), rs.getString("client_id"), rs.getString("client_secret_name"),
                rs.getString("authorization_endpoint"), rs.getString("token_endpoint"),
                rs.getString("revocation_endpoint"), rs.getString("client_auth"), strings(rs, "scopes"), extra,
                instant(rs, "created_at"), rs.getObject("created_by", UUID.class));
    }

    private static Connection connection(ResultSet rs, int n) throws SQLException {
        return new Connection(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                rs.getString("name"), rs.getObject("client", UUID.class), rs.getString("client_name"),
                rs.getString("provider"), rs.getObject("secret_id", UUID.class), rs.getString("status"),
                strings(rs, "scopes"), rs.getBoolean("has_refresh"), instant(rs, "expires_at"),
                instant(rs, "refresh_at"), rs.getInt("failures"), rs.getString("failure"),
                rs.getObject("authorized_by", UUID.class), instant(rs, "created_at"), instant(rs, "refreshed_at"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
