package io.octvex.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.SavePolicy;
import io.octvex.server.ServerTest;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.fuzz.Fuzz;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Random and mutated JSON bodies against the endpoints that decode the richest requests (submit a run, save a
 * policy, explain a decision, answer an approval, enrol an edge). Whatever arrives: never a 5xx, a refusal is a
 * problem body, and a refused request writes nothing in the workspace (runs, steps, policy versions, approvals,
 * audit events). The seed is printed with any failure; {@code -Doctvex.fuzz.seed=N} replays it.
 */
@ServerTest
class RequestFuzzTest {
    private static final int CASES = 300;
    private static final List<String> KEYS = List.of("title", "spec", "steps", "key", "handler", "action", "input",
            "dependsOn", "placement", "require", "prefer", "retry", "maxAttempts", "backoffSeconds", "labels",
            "document", "activate", "reason", "grantMinutes", "principal", "resource", "method", "headers", "token",
            "name", "capabilities", "capacity", "sealingKey", "version", "url", "sleepMillis", "actions", "goto");

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    @Test
    void randomBodiesNeverCauseA5xxAndRefusalsWriteNothing() {
        String token = OctvexClient.connect("http://127.0.0.1:" + port).login("admin", ServerTest.ADMIN_PASSWORD).token();
        OctvexClient admin = OctvexClient.connect("http://127.0.0.1:" + port).withToken(token);
        UUID ws = admin.createWorkspace("fuzz-" + UUID.randomUUID()).id();
        ApprovalFixtures approvals = new ApprovalFixtures(port);
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        String approval = approvals.pending(ws).id().toString();
        Map<String, String> valid = Map.of(
                "/api/v1/workspaces/" + ws + "/runs", """
                        {"title": "t", "spec": {"labels": {"a": "b"}}, "steps": [{"key": "a", "handler": "noop",
                         "action": "run", "input": {"sleepMillis": 1}, "dependsOn": [], "retry": {"maxAttempts": 2,
                         "backoffSeconds": 0}}, {"key": "b", "handler": "http", "action": "x", "dependsOn": ["a"]}]}""",
                "/api/v1/workspaces/" + ws + "/policy/versions",
                Json.write(new SavePolicy(ApprovalFixtures.POLICY, false)),
                "/api/v1/workspaces/" + ws + "/policy/explain",
                "{\"action\": \"http.request\", \"resource\": \"https://example.com/\", \"method\": \"GET\"}",
                "/api/v1/workspaces/" + ws + "/approvals/" + approval + "/deny", "{\"reason\": \"no\"}",
                "/api/v1/edge/enroll", "{\"token\": \"ovx_enr_x\", \"name\": \"e\", \"capabilities\": [\"noop\"]}");
        List<String> paths = List.copyOf(valid.keySet());

        Fuzz fuzz = Fuzz.seeded();
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < CASES && failures.size() < 5; i++) {
            String path = fuzz.pick(paths);
            String body = switch (fuzz.below(3)) {
                case 0 -> fuzz.mutate(valid.get(path));
                case 1 -> fuzz.json(KEYS, 4);
                default -> path.endsWith("/policy/versions") ? Json.write(new SavePolicy(fuzz.mutate(
                        ApprovalFixtures.POLICY), fuzz.chance(0.5))) : fuzz.garbage(64);
            };
            Map<String, Long> before = rows(ws);
            Http.Answer answer = Http.send(port, "POST", path, path.contains("/edge/") ? null : token, body);
            String what = "POST " + path + " <- " + abbreviated(body) + " answered " + answer.status();
            if (answer.status() >= 500) {
                failures.add(what + ": " + answer.body());
            } else if (answer.status() >= 400) {
                if (!answer.contentType().contains("problem+json")) {
                    failures.add(what + " without a problem body");
                }
                if (!rows(ws).equals(before)) {
                    failures.add(what + " but wrote " + before + " -> " + rows(ws));
                }
            } else {
                accepted++;
            }
        }
        assertThat(failures).as(fuzz.reproduce()).isEmpty();
        System.out.printf("RequestFuzzTest: %d requests, %d accepted, the rest refused with 4xx (%s)%n", CASES,
                accepted, fuzz.reproduce());
    }

    /**
     * What a request could write in the workspace. Not counted: token.used (written by authentication itself),
     * approval.refused (the audited refusal of an answer, by design; ADR 0012), and what the server's sweepers
     * write on their own schedule while the fuzzing runs (a run an earlier case submitted waits for an edge:
     * step.unplaced, lease.expired, approval.expired, fleet.scaled_*).
     */
    private Map<String, Long> rows(UUID ws) {
        return Map.of(
                "runs", count("SELECT count(*) FROM runs WHERE workspace_id = :ws", ws),
                "steps", count("SELECT count(*) FROM steps WHERE workspace_id = :ws", ws),
                "policy", count("SELECT count(*) FROM policy_versions WHERE workspace_id = :ws", ws),
                "approvals", count("SELECT count(*) FROM approvals WHERE workspace_id = :ws AND status = 'pending'", ws),
                "events", count("SELECT count(*) FROM events WHERE workspace_id = :ws"
                        + " AND type NOT IN ('token.used', 'approval.refused', 'step.unplaced', 'lease.expired',"
                        + " 'approval.expired', 'fleet.scaled_up', 'fleet.scaled_down')", ws),
                "edges", count("SELECT count(*) FROM edges", null));
    }

    private long count(String sql, UUID ws) {
        var statement = jdbc.sql(sql);
        return (ws == null ? statement : statement.param("ws", ws)).query(Long.class).single();
    }

    private static String abbreviated(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
