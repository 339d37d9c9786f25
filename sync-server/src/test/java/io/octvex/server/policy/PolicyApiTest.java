package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServerTest
class PolicyApiTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    TestApi api;
    UUID ws;
    String admin;

    private static final String AGENTS_EXAMPLE_ONLY = """
            grants:
              - id: agents-example
                to: {kinds: [agent]}
                actions: [http.request]
                resources: ["https://*.example.com/**"]
            tests:
              - name: agents reach example.com
                as: {name: bot, kind: agent, roles: [agent]}
                input: {action: http.request, resource: "https://api.example.com/v1", method: GET}
                expect: allow
              - name: agents do not reach elsewhere
                as: {name: bot, kind: agent, roles: [agent]}
                input: {action: http.request, resource: "https://api.example.org/v1", method: GET}
                expect: deny
            """;

    @BeforeEach
    void workspace() {
        api = TestApi.on(port);
        ws = api.newWorkspace("policy").id();
        admin = api.admin().login("admin", ServerTest.ADMIN_PASSWORD).token();
    }

    private TestApi.Response save(String document, Boolean activate) {
        return api.send("POST", "/api/v1/workspaces/" + ws + "/policy/versions", admin,
                activate == null ? Map.of("document", document) : Map.of("document", document, "activate", activate));
    }

    @Test
    void savingCreatesVersionsAndActivatingAnOlderOneRollsBack() {
        // a new workspace starts with the starter policy as its active version 1
        TestApi.Response starter = api.get("/api/v1/workspaces/" + ws + "/policy", admin);
        assertThat(Json.tree(starter.body()).get("version").asInt()).isEqualTo(1);
        assertThat(Json.tree(starter.body()).get("document").asString()).contains("members-may-run-anything");

        assertThat(save(AGENTS_EXAMPLE_ONLY, null).status()).isEqualTo(201);
        TestApi.Response inactive = save("grants: []\n", false);
        assertThat(inactive.status()).as(inactive.body()).isEqualTo(201);
        assertThat(Json.tree(inactive.body()).get("active").asBoolean()).isFalse();

        TestApi.Response active = api.get("/api/v1/workspaces/" + ws + "/policy", admin);
        assertThat(Json.tree(active.body()).get("version").asInt()).isEqualTo(2);
        assertThat(Json.tree(active.body()).get("active").asBoolean()).isTrue();

        String v2 = "grants:\n  - id: everyone\n    to: {roles: [owner]}\n    actions: [\"*\"]\n";
        assertThat(save(v2, true).status()).isEqualTo(201);
        int latest = Json.tree(api.get("/api/v1/workspaces/" + ws + "/policy", admin).body()).get("version").asInt();
        assertThat(latest).isEqualTo(4);

        TestApi.Response rollback = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/versions/2/activate", admin, null);
        assertThat(rollback.status()).isEqualTo(200);
        assertThat(Json.tree(api.get("/api/v1/workspaces/" + ws + "/policy", admin).body()).get("version").asInt())
                .isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'policy.activated'")
                .param(ws).query(Long.class).single()).isEqualTo(4); // starter, v2, v4, the rollback to v2
    }

    @Test
    void aPolicyWhoseOwnTestsFailIsNotSaved() {
        String wrong = AGENTS_EXAMPLE_ONLY.replace("expect: deny", "expect: allow");
        TestApi.Response answer = save(wrong, null);
        assertThat(answer.status()).isEqualTo(422);
        assertThat(answer.detail()).contains("agents do not reach elsewhere").contains("expected allow");
        assertThat(jdbc.sql("SELECT count(*) FROM policy_versions WHERE workspace_id = ?").param(ws)
                .query(Long.class).single()).isEqualTo(1); // only the starter
    }

    @Test
    void aPolicyThatDoesNotCompileIsRefusedWithItsLine() {
        TestApi.Response answer = save("rules:\n  - id: r\n    when: 'action =='\n    effect: deny\n", null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.detail()).contains("line 3");
        assertThat(jdbc.sql("SELECT count(*) FROM policy_versions WHERE workspace_id = ?").param(ws)
                .query(Long.class).single()).isEqualTo(1); // only the starter
    }

    @Test
    void explainSaysWhatDecidesForTheCallerOrANamedMember() {
        save(AGENTS_EXAMPLE_ONLY, null);
        api.admin().createPrincipal(ws, new io.octvex.protocol.CreatePrincipal(io.octvex.protocol.PrincipalKind.AGENT,
                "bot-7", null, null, java.util.List.of(Role.AGENT)));
        TestApi.Response asBot = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/explain", admin,
                Map.of("principal", "bot-7", "action", "http.request", "resource", "https://api.example.com/x",
                        "method", "GET"));
        assertThat(asBot.status()).isEqualTo(200);
        assertThat(Json.tree(asBot.body()).get("effect").asString()).isEqualTo("allow");
        assertThat(Json.tree(asBot.body()).get("decidedBy").asString()).isEqualTo("agents-example");

        TestApi.Response asAdmin = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/explain", admin,
                Map.of("action", "http.request", "resource", "https://api.example.com/x"));
        assertThat(Json.tree(asAdmin.body()).get("effect").asString()).isEqualTo("deny");
        assertThat(Json.tree(asAdmin.body()).get("reason").asString()).contains("default deny");
    }

    @Test
    void onlyWorkspaceAdminsSavePolicies() {
        String reader = api.adminToken(ws, Scope.WORKSPACE_READ).secret();
        TestApi.Response answer = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/versions", reader,
                Map.of("document", AGENTS_EXAMPLE_ONLY));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(api.get("/api/v1/workspaces/" + ws + "/policy/versions", reader).status()).isEqualTo(200);
    }
}
