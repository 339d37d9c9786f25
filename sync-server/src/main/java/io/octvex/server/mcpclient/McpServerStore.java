package io.octvex.server.mcpclient;

import io.octvex.protocol.Json;
import io.octvex.protocol.McpServerAuth;
import io.octvex.protocol.McpToolView;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;

/** The {@code mcp_servers} rows. Every statement names the workspace. */
@Component
class McpServerStore {
    private final JdbcClient jdbc;

    McpServerStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Row(UUID id, UUID workspaceId, McpServerSettings settings, List<McpToolView> tools, UUID discoveryRunId,
               UUID toolsRunId, Instant toolsDiscoveredAt, Instant createdAt, Instant updatedAt) {}

    void insert(UUID id, UUID workspaceId, McpServerSettings s, Instant now) {
        jdbc.sql("""
                INSERT INTO mcp_servers (id, workspace_id, name, transport, url, command, args, auth, edge_labels,
                    allowed_tools, created_at, updated_at)
                VALUES (:id, :ws, :name, :transport, :url, :command, CAST(:args AS jsonb), CAST(:auth AS jsonb),
                    CAST(:labels AS jsonb), CAST(:allowed AS jsonb), :now, :now)""")
                .param("id", id).param("ws", workspaceId).params(settings(s)).param("now", at(now)).update();
    }

    boolean update(UUID workspaceId, UUID id, McpServerSettings s, Instant now) {
        return jdbc.sql("""
                UPDATE mcp_servers SET name = :name, transport = :transport, url = :url, command = :command,
                    args = CAST(:args AS jsonb), auth = CAST(:auth AS jsonb), edge_labels = CAST(:labels AS jsonb),
                    allowed_tools = CAST(:allowed AS jsonb), updated_at = :now
                WHERE workspace_id = :ws AND id = :id""")
                .param("id", id).param("ws", workspaceId).params(settings(s)).param("now", at(now)).update() == 1;
    }

    boolean delete(UUID workspaceId, UUID id) {
        return jdbc.sql("DELETE FROM mcp_servers WHERE workspace_id = :ws AND id = :id")
                .param("ws", workspaceId).param("id", id).update() == 1;
    }

    boolean nameTaken(UUID workspaceId, String name, UUID except) {
        return jdbc.sql("SELECT count(*) FROM mcp_servers WHERE workspace_id = :ws AND name = :name AND id <> :id")
                .param("ws", workspaceId).param("name", name).param("id", except == null ? new UUID(0, 0) : except)
                .query(Long.class).single() > 0;
    }

    Optional<Row> find(UUID workspaceId, UUID id) {
        return jdbc.sql("SELECT * FROM mcp_servers WHERE workspace_id = :ws AND id = :id")
                .param("ws", workspaceId).param("id", id).query(McpServerStore::row).optional();
    }

    Optional<Row> findByName(UUID workspaceId, String name) {
        return jdbc.sql("SELECT * FROM mcp_servers WHERE workspace_id = :ws AND name = :name")
                .param("ws", workspaceId).param("name", name).query(McpServerStore::row).optional();
    }

    List<Row> list(UUID workspaceId) {
        return jdbc.sql("SELECT * FROM mcp_servers WHERE workspace_id = :ws ORDER BY name")
                .param("ws", workspaceId).query(McpServerStore::row).list();
    }

    void discoveryStarted(UUID workspaceId, UUID id, UUID runId) {
        jdbc.sql("UPDATE mcp_servers SET discovery_run_id = :run WHERE workspace_id = :ws AND id = :id")
                .param("run", runId).param("ws", workspaceId).param("id", id).update();
    }

    /** Stores a completed discovery's tools, unless a newer discovery's tools are already there. */
    void toolsDiscovered(UUID workspaceId, UUID id, UUID runId, List<McpToolView> tools, Instant now) {
        jdbc.sql("""
                UPDATE mcp_servers SET tools = CAST(:tools AS jsonb), tools_run_id = :run, tools_discovered_at = :now
                WHERE workspace_id = :ws AND id = :id AND discovery_run_id = :run""")
                .param("tools", Json.write(tools)).param("run", runId).param("now", at(now))
                .param("ws", workspaceId).param("id", id).update();
    }

    private static Map<String, Object> settings(McpServerSettings s) {
        Map<String, Object> params = new HashMap<>(); // HashMap: url, command and auth may be null
        params.put("name", s.name());
        params.put("transport", s.transport());
        params.put("url", s.url());
        params.put("command", s.command());
        params.put("args", Json.write(s.args()));
        params.put("auth", s.auth() == null ? null : Json.write(s.auth()));
        params.put("labels", Json.write(s.edgeLabels()));
        params.put("allowed", Json.write(s.allowedTools()));
        return params;
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        McpServerSettings settings = new McpServerSettings(rs.getString("name"), rs.getString("transport"),
                rs.getString("url"), rs.getString("command"),
                Json.mapper().readValue(rs.getString("args"), new TypeReference<List<String>>() {}),
                rs.getString("auth") == null ? null : Json.mapper().readValue(rs.getString("auth"), McpServerAuth.class),
                Json.mapper().readValue(rs.getString("edge_labels"), new TypeReference<Map<String, String>>() {}),
                Json.mapper().readValue(rs.getString("allowed_tools"), new TypeReference<List<String>>() {}));
        return new Row(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class), settings,
                Json.mapper().readValue(rs.getString("tools"), new TypeReference<List<McpToolView>>() {}),
                rs.getObject("discovery_run_id", UUID.class), rs.getObject("tools_run_id", UUID.class),
                instant(rs, "tools_discovered_at"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
