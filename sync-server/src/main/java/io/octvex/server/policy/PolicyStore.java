package io.octvex.server.policy;

import io.octvex.protocol.PolicyVersionView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Policy versions and each workspace's head (latest and active version); every query takes the workspace. */
@Component
class PolicyStore {
    private static final String COLUMNS = """
            v.version, v.document, v.author_id, v.created_at, v.test_count,
            (h.active_version IS NOT DISTINCT FROM v.version) AS active""";
    private final JdbcClient jdbc;

    PolicyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Head(Integer active, int latest) {}

    /** Locks the workspace's head (creating it) so concurrent saves get consecutive versions. */
    Head lockHead(UUID workspaceId) {
        jdbc.sql("""
                INSERT INTO policy_heads (workspace_id, active_version, latest_version) VALUES (:ws, NULL, 0)
                ON CONFLICT DO NOTHING""").param("ws", workspaceId).update();
        return jdbc.sql("SELECT active_version, latest_version FROM policy_heads WHERE workspace_id = :ws FOR UPDATE")
                .param("ws", workspaceId)
                .query((rs, n) -> new Head((Integer) rs.getObject("active_version"), rs.getInt("latest_version")))
                .single();
    }

    void insert(UUID workspaceId, int version, String document, UUID author, Instant at, int tests) {
        jdbc.sql("""
                INSERT INTO policy_versions (workspace_id, version, document, author_id, created_at, test_count)
                VALUES (:ws, :version, :document, :author, :at, :tests)""")
                .param("ws", workspaceId).param("version", version).param("document", document)
                .param("author", author).param("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC)).param("tests", tests)
                .update();
        jdbc.sql("UPDATE policy_heads SET latest_version = :v, version = version + 1 WHERE workspace_id = :ws")
                .param("v", version).param("ws", workspaceId).update();
    }

    void activate(UUID workspaceId, int version) {
        jdbc.sql("UPDATE policy_heads SET active_version = :v, version = version + 1 WHERE workspace_id = :ws")
                .param("v", version).param("ws", workspaceId).update();
    }

    Optional<PolicyVersionView> find(UUID workspaceId, int version) {
        return jdbc.sql("SELECT " + COLUMNS + """
                 FROM policy_versions v LEFT JOIN policy_heads h ON h.workspace_id = v.workspace_id
                WHERE v.workspace_id = :ws AND v.version = :version""")
                .param("ws", workspaceId).param("version", version).query(PolicyStore::row).optional();
    }

    /** The number of the workspace's active version; empty when none is active. */
    Optional<Integer> activeVersion(UUID workspaceId) {
        return jdbc.sql("SELECT active_version FROM policy_heads WHERE workspace_id = :ws AND active_version IS NOT NULL")
                .param("ws", workspaceId).query(Integer.class).optional();
    }

    Optional<PolicyVersionView> active(UUID workspaceId) {
        return jdbc.sql("SELECT " + COLUMNS + """
                 FROM policy_versions v JOIN policy_heads h
                  ON h.workspace_id = v.workspace_id AND h.active_version = v.version
                WHERE v.workspace_id = :ws""").param("ws", workspaceId).query(PolicyStore::row).optional();
    }

    List<PolicyVersionView> list(UUID workspaceId) {
        return jdbc.sql("SELECT " + COLUMNS + """
                 FROM policy_versions v LEFT JOIN policy_heads h ON h.workspace_id = v.workspace_id
                WHERE v.workspace_id = :ws ORDER BY v.version DESC""")
                .param("ws", workspaceId).query(PolicyStore::row).list();
    }

    private static PolicyVersionView row(ResultSet rs, int n) throws SQLException {
        return new PolicyVersionView(rs.getInt("version"), rs.getString("document"),
                rs.getObject("author_id", UUID.class), rs.getTimestamp("created_at").toInstant(),
                rs.getBoolean("active"), rs.getInt("test_count"));
    }
}
