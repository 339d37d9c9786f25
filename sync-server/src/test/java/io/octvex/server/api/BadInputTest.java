package io.octvex.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.RunView;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.ServerTest;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.oauth.OAuthFixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Sends every endpoint what a careless or hostile client would: each must answer 4xx with a problem body a
 * person can read, no stack trace, and write nothing at all.
 */
@ServerTest
class BadInputTest {
    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;
    @Autowired
    JdbcClient jdbc;

    String token;
    Map<String, String> ids;

    @BeforeEach
    void workspace() {
        OctvexClient anonymous = OctvexClient.connect("http://127.0.0.1:" + port);
        token = anonymous.login("admin", ServerTest.ADMIN_PASSWORD).token();
        OctvexClient admin = anonymous.withToken(token);
        UUID ws = admin.createWorkspace("bad-input-" + UUID.randomUUID()).id();
        ApprovalFixtures approvals = new ApprovalFixtures(port);
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        RunView run = admin.submitRun(ws, new SubmitRun("target", null, List.of(new StepSpec("a", "http", "x", null, null))));
        Map<String, String> values = new HashMap<>(Map.of("workspaceId", ws.toString(), "runId", run.id().toString(),
                "stepId", run.steps().getFirst().id().toString(), "tokenId", UUID.randomUUID().toString(),
                "principalId", admin.me().id().toString()));
        values.putAll(new FleetFixtures(port).fleetIds(ws, run)); // edgeId, enrollmentId, artifactId
        values.put("version", "1");
        values.put("approvalId", approvals.pending(ws).id().toString());
        values.put("registrationId", UUID.randomUUID().toString()); // security keys: the caller's own
        values.put("credentialId", UUID.randomUUID().toString());
        values.put("leaseId", UUID.randomUUID().toString()); // credential leases: edge-only, refused before any lookup
        values.put("secretName", admin.createSecret(ws, new CreateSecret("bad-input-secret", SecretKind.BEARER, null,
                null, null, null, "t0ken".toCharArray())).name());
        values.put("connectionName", new OAuthFixtures(port, token).connect(ws, "bad-input-connection"));
        values.put("serverId", io.octvex.server.mcpclient.McpClientFixtures.register(io.octvex.server.identity.TestApi.on(port), token, ws,
                "bad-input-mcp", "https://mcp.example.test/mcp").id().toString());
        ids = Map.copyOf(values);
    }

    private static final List<String> HOSTILE_BODIES = List.of(
            "{\"name\": ",                                   // truncated
            "not json at all",
            "[1, 2, 3]",                                     // wrong shape
            "{\"unknownField\": 1}",                         // unknown field
            "{\"name\": {\"nested\": true}, \"title\": 42, \"steps\": \"x\", \"roles\": 7, \"scopes\": 1, \"status\": []}",
            "{\"name\": \"x\"} trailing",
            "{\"status\": \"exploded\", \"roles\": [\"emperor\"], \"scopes\": [\"root:all\"], \"kind\": \"god\"}");

    @Test
    void malformedBodiesAreRefusedWithAReadableProblemAndWriteNothing() {
        Map<String, Long> before = rowCounts();
        List<String> failures = new ArrayList<>();
        for (Endpoints.Endpoint endpoint : Endpoints.of(mapping).all()) {
            if (!endpoint.takesBody()) {
                continue;
            }
            for (String body : HOSTILE_BODIES) {
                Http.Answer answer = Http.send(port, endpoint.method().name(), endpoint.path(ids), token, body);
                check(endpoint + " <- " + body, answer, failures);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void invalidIdsInPathsAreRefused() {
        List<String> failures = new ArrayList<>();
        for (Endpoints.Endpoint endpoint : Endpoints.of(mapping).all()) {
            for (String variable : endpoint.variables()) {
                for (String bad : List.of("not-a-uuid", "1%27%20OR%20%271%27%3D%271", "%00")) {
                    Map<String, String> values = new HashMap<>(ids);
                    values.put(variable, bad);
                    Http.Answer answer = Http.send(port, endpoint.method().name(), endpoint.path(values), token,
                            endpoint.takesBody() ? "{}" : null);
                    check(endpoint + " with {" + variable + "}=" + bad, answer, failures);
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void oversizedBodiesAreRefusedBeforeTheyAreRead() {
        Map<String, Long> before = rowCounts();
        String huge = "{\"title\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
        Http.Answer answer = Http.send(port, "POST", "/api/v1/workspaces/" + ids.get("workspaceId") + "/runs",
                token, huge);
        assertThat(answer.status()).isEqualTo(413);
        assertThat(problem(answer).get("detail").asString()).contains("limit");
        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    void sqlIshStringsAreDataNotCode() {
        String name = "x'); DROP TABLE runs; -- " + UUID.randomUUID();
        Http.Answer answer = Http.send(port, "POST", "/api/v1/workspaces", token,
                Json.write(Map.of("name", name)));
        assertThat(answer.status()).isEqualTo(201);
        assertThat(Json.tree(answer.body()).get("name").asString()).isEqualTo(name);
        assertThat(jdbc.sql("SELECT count(*) FROM runs").query(Long.class).single()).isPositive();
    }

    @Test
    void unknownFieldsAreNamedInTheAnswer() {
        Http.Answer answer = Http.send(port, "POST", "/api/v1/workspaces/" + ids.get("workspaceId") + "/runs",
                token, "{\"title\": \"t\", \"stpes\": []}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(problem(answer).get("detail").asString()).contains("stpes").contains("steps");
    }

    @Test
    void aProtocolMajorWeDoNotSpeakIsRefused() throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/workspaces"))
                .header("Octvex-Protocol", "99").header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("protocol");
    }

    private void check(String what, Http.Answer answer, List<String> failures) {
        if (answer.status() < 400 || answer.status() >= 500) {
            failures.add(what + " answered " + answer.status() + ": " + answer.body());
            return;
        }
        if (!answer.contentType().contains("problem+json")) {
            failures.add(what + " answered without a problem body: " + answer.contentType());
            return;
        }
        JsonNode problem = problem(answer);
        for (String field : List.of("type", "title", "status", "detail")) {
            if (!problem.has(field)) {
                failures.add(what + " problem lacks '" + field + "': " + answer.body());
            }
        }
        if (answer.body().matches("(?s).*(Exception|\\bat [a-z]+\\.[a-z]+\\.|tools\\.jackson|io\\.octvex\\.).*")) {
            failures.add(what + " leaks internals: " + answer.body());
        }
    }

    private static JsonNode problem(Http.Answer answer) {
        return Json.tree(answer.body());
    }

    private Map<String, Long> rowCounts() {
        Map<String, Long> counts = new HashMap<>();
        for (String table : List.of("workspaces", "principals", "memberships", "tokens", "runs", "steps", "edges", "edge_enrollments", "artifacts",
                "approvals", "approval_votes", "policy_versions", "secrets", "vault_data_keys", "vault_keyrings",
                "mcp_servers")) {
            counts.put(table, jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
        }
        // token.used is written at most once a minute by authentication itself, whatever the request asked
        counts.put("events", jdbc.sql("SELECT count(*) FROM events WHERE type <> 'token.used'").query(Long.class).single());
        return counts;
    }
}
