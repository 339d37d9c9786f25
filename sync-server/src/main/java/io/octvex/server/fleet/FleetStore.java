package io.octvex.server.fleet;

import static io.octvex.server.fleet.Rows.at;
import static io.octvex.server.fleet.Rows.instant;

import io.octvex.protocol.EdgeState;
import io.octvex.protocol.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Data access for enrolments and edges. Edges are not workspace data themselves (one edge may serve several
 * workspaces), so every read an operator can trigger takes the workspace id and joins {@code edge_workspaces};
 * only the edge's own requests (authenticated by its token) read it by id alone.
 */
@Component
class FleetStore {
    private static final String EDGE_COLUMNS = """
            e.*, (SELECT array_agg(w.workspace_id ORDER BY w.workspace_id) FROM edge_workspaces w
                  WHERE w.edge_id = e.id) AS workspace_ids""" + " ";

    private final JdbcClient jdbc;

    FleetStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    // --- enrolments ------------------------------------------------------------------------------------------

    record EnrollmentRow(UUID id, String name, List<UUID> workspaceIds, int maxUses, int uses, Instant createdAt,
                         Instant expiresAt, Instant revokedAt) {}

    void insertEnrollment(EnrollmentRow row, byte[] tokenHash, UUID createdBy) {
        jdbc.sql("""
                INSERT INTO edge_enrollments (id, name, token_hash, max_uses, uses, created_by, created_at, expires_at)
                VALUES (:id, :name, :hash, :maxUses, 0, :by, :at, :expires)""")
                .param("id", row.id()).param("name", row.name()).param("hash", tokenHash)
                .param("maxUses", row.maxUses()).param("by", createdBy).param("at", at(row.createdAt()))
                .param("expires", at(row.expiresAt())).update();
        for (UUID ws : row.workspaceIds()) {
            jdbc.sql("INSERT INTO edge_enrollment_workspaces (enrollment_id, workspace_id) VALUES (:id, :ws)")
                    .param("id", row.id()).param("ws", ws).update();
        }
    }

    private static final String ENROLLMENT_SELECT = """
            SELECT n.*, (SELECT array_agg(x.workspace_id ORDER BY x.workspace_id) FROM edge_enrollment_workspaces x
                         WHERE x.enrollment_id = n.id) AS workspace_ids
            FROM edge_enrollments n""" + " ";

    List<EnrollmentRow> enrollments(UUID workspaceId) {
        return jdbc.sql(ENROLLMENT_SELECT + """
                 JOIN edge_enrollment_workspaces w ON w.enrollment_id = n.id AND w.workspace_id = :ws
                ORDER BY n.created_at DESC, n.id""").param("ws", workspaceId).query(FleetStore::enrollment).list();
    }

    Optional<EnrollmentRow> enrollment(UUID workspaceId, UUID id) {
        return jdbc.sql(ENROLLMENT_SELECT + """
                 JOIN edge_enrollment_workspaces w ON w.enrollment_id = n.id AND w.workspace_id = :ws
                WHERE n.id = :id""").param("ws", workspaceId).param("id", id).query(FleetStore::enrollment).optional();
    }

    /** The enrolment a presented secret belongs to, locked until the transaction ends (uses are counted). */
    Optional<EnrollmentRow> lockEnrollment(byte[] tokenHash) {
        return jdbc.sql(ENROLLMENT_SELECT + " WHERE n.token_hash = :hash FOR UPDATE OF n")
                .param("hash", tokenHash).query(FleetStore::enrollment).optional();
    }

    void useEnrollment(UUID id) {
        jdbc.sql("UPDATE edge_enrollments SET uses = uses + 1 WHERE id = :id").param("id", id).update();
    }

    boolean revokeEnrollment(UUID id, Instant now) {
        return jdbc.sql("UPDATE edge_enrollments SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                .param("now", at(now)).param("id", id).update() == 1;
    }

    /** Of {@code ids}, the workspaces that are active (neither archived nor the instance's own). */
    List<UUID> activeWorkspaces(Collection<UUID> ids) {
        return jdbc.sql("SELECT id FROM workspaces WHERE id = ANY(:ids) AND status = 'active' ORDER BY id")
                .param("ids", ids.toArray(UUID[]::new)).query(UUID.class).list();
    }

    static EnrollmentRow enrollment(ResultSet rs, int n) throws SQLException {
        return new EnrollmentRow(rs.getObject("id", UUID.class), rs.getString("name"), Rows.uuids(rs, "workspace_ids"),
                rs.getInt("max_uses"), rs.getInt("uses"), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "revoked_at"));
    }

    // --- edges -----------------------------------------------------------------------------------------------

    record EdgeRow(UUID id, String name, EdgeState state, Map<String, String> labels, List<String> capabilities,
                   int capacity, String softwareVersion, Instant enrolledAt, Instant lastSeenAt,
                   Instant lastHeartbeatAt, Long latencyMillis, int consecutiveFailures, List<UUID> workspaceIds,
                   long version) {}

    void insertEdge(EdgeRow edge, byte[] tokenHash, byte[] sealingKey, UUID enrollmentId) {
        jdbc.sql("""
                INSERT INTO edges (id, name, token_hash, state, labels, capabilities, capacity, sealing_key,
                                   software_version, enrollment_id, enrolled_at, last_seen_at)
                VALUES (:id, :name, :hash, :state, CAST(:labels AS jsonb), :caps, :capacity, :key, :version,
                        :enrollment, :at, :at)""")
                .param("id", edge.id()).param("name", edge.name()).param("hash", tokenHash)
                .param("state", edge.state().wire()).param("labels", Json.write(edge.labels()))
                .param("caps", edge.capabilities().toArray(String[]::new)).param("capacity", edge.capacity())
                .param("key", sealingKey).param("version", edge.softwareVersion()).param("enrollment", enrollmentId)
                .param("at", at(edge.enrolledAt())).update();
        for (UUID ws : edge.workspaceIds()) {
            jdbc.sql("INSERT INTO edge_workspaces (workspace_id, edge_id, added_at) VALUES (:ws, :id, :at)")
                    .param("ws", ws).param("id", edge.id()).param("at", at(edge.enrolledAt())).update();
        }
    }

    /** The edge a presented token belongs to, whatever its state (the caller decides what a state allows). */
    Optional<EdgeRow> edgeByToken(byte[] tokenHash) {
        return jdbc.sql("SELECT " + EDGE_COLUMNS + " FROM edges e WHERE e.token_hash = :hash")
                .param("hash", tokenHash).query(FleetStore::edge).optional();
    }

    /** The edge itself (for its own requests only). */
    /** The raw X25519 key the edge registered at enrolment: what its credentials are sealed to. */
    Optional<byte[]> sealingKey(UUID edgeId) {
        return jdbc.sql("SELECT sealing_key FROM edges WHERE id = :id").param("id", edgeId).query(byte[].class)
                .optional();
    }

    Optional<EdgeRow> edge(UUID edgeId) {
        return jdbc.sql("SELECT " + EDGE_COLUMNS + " FROM edges e WHERE e.id = :id")
                .param("id", edgeId).query(FleetStore::edge).optional();
    }

    /** The edge as seen from one workspace: empty when it does not serve that workspace. */
    Optional<EdgeRow> edge(UUID workspaceId, UUID edgeId) {
        return jdbc.sql("SELECT " + EDGE_COLUMNS + """
                 FROM edges e JOIN edge_workspaces w ON w.edge_id = e.id AND w.workspace_id = :ws
                WHERE e.id = :id""").param("ws", workspaceId).param("id", edgeId).query(FleetStore::edge).optional();
    }

    /** Locks the edge's row (state changes and failure counts are serialised per edge). */
    Optional<EdgeRow> lockEdge(UUID edgeId) {
        return jdbc.sql("SELECT " + EDGE_COLUMNS + " FROM edges e WHERE e.id = :id FOR NO KEY UPDATE OF e")
                .param("id", edgeId).query(FleetStore::edge).optional();
    }

    /** An edge with the running steps leased to it. */
    record Loaded(EdgeRow edge, int activeLeases) {}

    private static final String ACTIVE_LEASES = """
            (SELECT count(*) FROM steps s WHERE s.edge_id = e.id AND s.lease_expires_at IS NOT NULL
                                            AND s.status = 'running') AS active_leases""";

    /**
     * {@link #lockEdge}, marking it seen, and its {@link #activeLeases} in one statement: the start of every claim
     * (the update locks the row as {@code FOR NO KEY UPDATE} would).
     */
    Optional<Loaded> touch(UUID edgeId, Instant now) {
        return jdbc.sql("UPDATE edges e SET last_seen_at = greatest(e.last_seen_at, :now) WHERE e.id = :id RETURNING "
                        + EDGE_COLUMNS + ", " + ACTIVE_LEASES)
                .param("now", at(now)).param("id", edgeId)
                .query((rs, n) -> new Loaded(edge(rs, n), rs.getInt("active_leases"))).optional();
    }

    /** {@link #candidates} with the running steps leased to each, in one statement. */
    List<Loaded> loadedCandidates(Collection<UUID> workspaceIds) {
        return jdbc.sql("SELECT " + EDGE_COLUMNS + ", " + ACTIVE_LEASES + " " + """
                 FROM edges e WHERE e.state <> 'revoked' AND EXISTS (SELECT 1 FROM edge_workspaces w
                        WHERE w.edge_id = e.id AND w.workspace_id = ANY(:ws))""")
                .param("ws", workspaceIds.toArray(UUID[]::new))
                .query((rs, n) -> new Loaded(edge(rs, n), rs.getInt("active_leases"))).list();
    }

    List<EdgeRow> edges(UUID workspaceId) {
        return jdbc.sql("SELECT " + EDGE_COLUMNS + """
                 FROM edges e JOIN edge_workspaces w ON w.edge_id = e.id AND w.workspace_id = :ws
                ORDER BY e.enrolled_at, e.id""").param("ws", workspaceId).query(FleetStore::edge).list();
    }

    /**
     * Every edge that serves any of {@code workspaceIds} and is not revoked: the candidates placement scores
     * against each other.
     */
    List<EdgeRow> candidates(Collection<UUID> workspaceIds) {
        return jdbc.sql("SELECT " + EDGE_COLUMNS + """
                 FROM edges e WHERE e.state <> 'revoked' AND EXISTS (SELECT 1 FROM edge_workspaces w
                        WHERE w.edge_id = e.id AND w.workspace_id = ANY(:ws))""")
                .param("ws", workspaceIds.toArray(UUID[]::new)).query(FleetStore::edge).list();
    }

    /** Running steps leased to the edge, per edge; in one workspace when {@code workspaceId} is given. */
    Map<UUID, Integer> activeLeases(Collection<UUID> edgeIds, UUID workspaceId) {
        if (edgeIds.isEmpty()) {
            return Map.of();
        }
        var rows = jdbc.sql("""
                SELECT edge_id, count(*) AS n FROM steps
                WHERE edge_id = ANY(:edges) AND lease_expires_at IS NOT NULL AND status = 'running'
                  AND (CAST(:ws AS uuid) IS NULL OR workspace_id = :ws)
                GROUP BY edge_id""")
                .param("edges", edgeIds.toArray(UUID[]::new)).param("ws", workspaceId)
                .query((rs, n) -> Map.entry(rs.getObject("edge_id", UUID.class), rs.getInt("n"))).list();
        Map<UUID, Integer> counts = new java.util.HashMap<>();
        rows.forEach(e -> counts.put(e.getKey(), e.getValue()));
        return counts;
    }

    boolean setState(UUID edgeId, EdgeState from, EdgeState to, Instant now) {
        return jdbc.sql("""
                UPDATE edges SET state = :to, version = version + 1,
                                 revoked_at = CASE WHEN :to = 'revoked' THEN CAST(:now AS timestamptz) ELSE revoked_at END,
                                 consecutive_failures = CASE WHEN :to = 'active' THEN 0 ELSE consecutive_failures END
                WHERE id = :id AND state = :from""")
                .param("to", to.wire()).param("now", at(now)).param("id", edgeId).param("from", from.wire())
                .update() == 1;
    }

    void heartbeat(UUID edgeId, Instant now, Long latencyMillis) {
        jdbc.sql("""
                UPDATE edges SET last_seen_at = greatest(last_seen_at, :now), last_heartbeat_at = :now,
                                 latency_millis = COALESCE(:latency, latency_millis)
                WHERE id = :id""")
                .param("now", at(now)).param("latency", latencyMillis).param("id", edgeId).update();
    }

    /** Adds one consecutive failure and answers the new count. */
    int failed(UUID edgeId) {
        return jdbc.sql("UPDATE edges SET consecutive_failures = consecutive_failures + 1 WHERE id = :id "
                        + "RETURNING consecutive_failures")
                .param("id", edgeId).query(Integer.class).single();
    }

    void succeeded(UUID edgeId) {
        jdbc.sql("UPDATE edges SET consecutive_failures = 0 WHERE id = :id AND consecutive_failures <> 0")
                .param("id", edgeId).update();
    }

    static EdgeRow edge(ResultSet rs, int n) throws SQLException {
        return new EdgeRow(rs.getObject("id", UUID.class), rs.getString("name"),
                EdgeState.fromWire(rs.getString("state")), Rows.labels(rs, "labels"), Rows.strings(rs, "capabilities"),
                rs.getInt("capacity"), rs.getString("software_version"), instant(rs, "enrolled_at"),
                instant(rs, "last_seen_at"), instant(rs, "last_heartbeat_at"), Rows.nullableLong(rs, "latency_millis"),
                rs.getInt("consecutive_failures"), Rows.uuids(rs, "workspace_ids"), rs.getLong("version"));
    }
}
