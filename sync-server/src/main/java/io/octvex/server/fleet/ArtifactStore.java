package io.octvex.server.fleet;

import static io.octvex.server.fleet.Rows.at;

import io.octvex.protocol.ArtifactView;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Artifacts in PostgreSQL ({@code bytea}), always read by workspace and run. */
@Component
class ArtifactStore {
    private final JdbcClient jdbc;

    ArtifactStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Stored(ArtifactView view, byte[] content) {}

    void insert(UUID workspaceId, UUID edgeId, ArtifactView view, byte[] content) {
        jdbc.sql("""
                INSERT INTO artifacts (id, workspace_id, run_id, step_id, edge_id, name, content_type, size, sha256,
                                       content, created_at)
                VALUES (:id, :ws, :run, :step, :edge, :name, :type, :size, :sha, :content, :at)""")
                .param("id", view.id()).param("ws", workspaceId).param("run", view.runId()).param("step", view.stepId())
                .param("edge", edgeId).param("name", view.name()).param("type", view.contentType())
                .param("size", view.size()).param("sha", view.sha256()).param("content", content)
                .param("at", at(view.createdAt())).update();
    }

    Optional<Stored> find(UUID workspaceId, UUID runId, UUID artifactId) {
        return jdbc.sql("SELECT * FROM artifacts WHERE workspace_id = :ws AND run_id = :run AND id = :id")
                .param("ws", workspaceId).param("run", runId).param("id", artifactId)
                .query((rs, n) -> new Stored(new ArtifactView(rs.getObject("id", UUID.class),
                        rs.getObject("run_id", UUID.class), rs.getObject("step_id", UUID.class), rs.getString("name"),
                        rs.getString("content_type"), rs.getLong("size"), rs.getString("sha256"),
                        Rows.instant(rs, "created_at")), rs.getBytes("content")))
                .optional();
    }
}
