package io.octvex.server.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** Test helpers: workspaces and principals written straight to the database, and readers of what was stored. */
final class RunFixtures {
    private RunFixtures() {}

    static UUID workspace(JdbcClient jdbc, String prefix) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO workspaces (id, name, status, created_at, updated_at) VALUES (:id, :name, 'active', now(), now())")
                .param("id", id).param("name", prefix + "-" + id.toString().substring(0, 8)).update();
        return id;
    }

    static UUID principal(JdbcClient jdbc, String prefix) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO principals (id, kind, name, created_at) VALUES (:id, 'user', :name, now())")
                .param("id", id).param("name", prefix + "-" + id.toString().substring(0, 8)).update();
        return id;
    }

    static StepSpec step(String key, String... dependsOn) {
        return new StepSpec(key, "http", "GET https://example.test/" + key, null, List.of(dependsOn));
    }

    static StepView step(RunView run, String key) {
        return run.steps().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }

    record Counts(long runs, long steps, long events) {}

    static Counts counts(JdbcClient jdbc, UUID workspaceId) {
        return new Counts(
                jdbc.sql("SELECT count(*) FROM runs WHERE workspace_id = :ws").param("ws", workspaceId).query(Long.class).single(),
                jdbc.sql("SELECT count(*) FROM steps WHERE workspace_id = :ws").param("ws", workspaceId).query(Long.class).single(),
                jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = :ws").param("ws", workspaceId).query(Long.class).single());
    }

    record StoredStep(String status, long version, int attempt, String error, String result) {}

    static StoredStep stored(JdbcClient jdbc, UUID stepId) {
        return jdbc.sql("SELECT status, version, attempt, error, result::text AS result FROM steps WHERE id = :id")
                .param("id", stepId)
                .query((rs, n) -> new StoredStep(rs.getString("status"), rs.getLong("version"), rs.getInt("attempt"),
                        rs.getString("error"), rs.getString("result")))
                .single();
    }

    record StoredRun(String status, long version) {}

    static StoredRun storedRun(JdbcClient jdbc, UUID runId) {
        return jdbc.sql("SELECT status, version FROM runs WHERE id = :id").param("id", runId)
                .query((rs, n) -> new StoredRun(rs.getString("status"), rs.getLong("version"))).single();
    }

    record Event(String type, UUID stepId, UUID principalId, JsonNode data) {
        /** "run.transitioned queued>running (reason)" or "step.transitioned a queued>running #1 (error)". */
        String line() {
            return switch (type) {
                case "run.created" -> "run.created " + data.get("title").asString();
                case "run.transitioned" -> "run " + data.get("from").asString() + ">" + data.get("to").asString()
                        + (data.has("reason") ? " (" + data.get("reason").asString() + ")" : "");
                case "step.transitioned" -> "step " + data.get("key").asString() + " " + data.get("from").asString()
                        + ">" + data.get("to").asString() + " #" + data.get("attempt").asInt()
                        + (data.has("error") ? " (" + data.get("error").asString() + ")" : "");
                default -> type;
            };
        }
    }

    static List<Event> events(JdbcClient jdbc, UUID workspaceId, UUID runId) {
        return jdbc.sql("SELECT type, step_id, principal_id, data::text AS data FROM events "
                        + "WHERE workspace_id = :ws AND run_id = :run ORDER BY seq")
                .param("ws", workspaceId).param("run", runId)
                .query((rs, n) -> new Event(rs.getString("type"), rs.getObject("step_id", UUID.class),
                        rs.getObject("principal_id", UUID.class), Json.tree(rs.getString("data"))))
                .list();
    }

    static List<String> lines(JdbcClient jdbc, UUID workspaceId, UUID runId) {
        return events(jdbc, workspaceId, runId).stream().map(Event::line).toList();
    }

    /**
     * The audit log alone must replay to the stored state: one event per version step of the run and of each
     * step, each transition starting where the previous ended, ending at the stored status and attempt.
     */
    static void assertAuditReplaysTo(JdbcClient jdbc, UUID workspaceId, RunView run) {
        List<Event> events = events(jdbc, workspaceId, run.id());
        assertThat(events.getFirst().type()).isEqualTo("run.created");
        String runStatus = RunStatus.PLANNING.wire();
        List<Event> runMoves = events.stream().filter(e -> e.type().equals("run.transitioned")).toList();
        for (Event e : runMoves) {
            assertThat(e.data().get("from").asString()).isEqualTo(runStatus);
            runStatus = e.data().get("to").asString();
        }
        assertThat(runMoves).hasSize((int) run.version());
        assertThat(runStatus).isEqualTo(run.status().wire());
        for (StepView step : run.steps()) {
            List<Event> moves = new ArrayList<>(events.stream()
                    .filter(e -> e.type().equals("step.transitioned") && step.id().equals(e.stepId())).toList());
            assertThat(moves).as("events of step " + step.key()).hasSize((int) step.version());
            String status = StepStatus.PENDING.wire();
            int attempt = 0;
            for (Event e : moves) {
                assertThat(e.data().get("key").asString()).isEqualTo(step.key());
                assertThat(e.data().get("from").asString()).isEqualTo(status);
                status = e.data().get("to").asString();
                attempt = e.data().get("attempt").asInt();
            }
            assertThat(status).as("replayed status of " + step.key()).isEqualTo(step.status().wire());
            assertThat(attempt).as("replayed attempt of " + step.key()).isEqualTo(step.attempt());
        }
    }
}
