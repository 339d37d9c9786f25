package io.octvex.server.policy;

import io.octvex.protocol.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Reads back the gate decisions that {@link Policies#decide} recorded in the audit log. Only reads: the log
 * itself is written by the audit feature alone.
 */
@Component
class RecordedDecisions {
    /** Newest first: a backward scan of one type in {@code events_type} (workspace_id, type, seq). */
    static final String LATEST = "SELECT seq, at, run_id, step_id, data FROM events"
            + " WHERE workspace_id = :ws AND type = '" + Policies.DECIDED + "' ORDER BY seq DESC LIMIT :limit";
    private final JdbcClient jdbc;

    RecordedDecisions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A {@code policy.decided} event: where it sits in the log, when, for which step, and its data. */
    record Recorded(long seq, Instant at, UUID runId, UUID stepId, JsonNode data) {}

    /** The workspace's {@code limit} latest decisions, newest first. */
    List<Recorded> latest(UUID workspaceId, int limit) {
        return jdbc.sql(LATEST).param("ws", workspaceId).param("limit", limit)
                .query((rs, n) -> new Recorded(rs.getLong("seq"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                        rs.getObject("run_id", UUID.class), rs.getObject("step_id", UUID.class),
                        Json.tree(rs.getString("data"))))
                .list();
    }
}
