package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PolicyDiff;
import io.octvex.protocol.Scope;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Diffs between saved policy versions: entries by id with the fields that changed, tests by name, and text. */
@ServerTest
class PolicyDiffTest {
    @LocalServerPort
    int port;

    TestApi api;
    OctvexClient admin;
    String token;
    UUID ws;

    private static final String V1 = """
            grants:
              - id: agents-example
                to: {kinds: [agent]}
                actions: [http.request]
                resources: ["https://*.example.com/**"]
              - id: operators-anything
                to: {roles: [operator]}
                actions: ["*"]
            rules:
              - id: no-deletes
                when: 'request.method == "DELETE"'
                effect: deny
              - id: deep-runs
                when: 'run.depth > 3'
                effect: deny
            rateLimits:
              - id: http-per-agent
                when: 'principal.kind == "agent"'
                key: principal.id
                limit: 100
                window: PT1M
            tests:
              - name: agents reach example.com
                as: {name: bot, kind: agent, roles: [agent]}
                input: {action: http.request, resource: "https://api.example.com/v1", method: GET}
                expect: allow
              - name: deletes are refused
                as: {name: bot, kind: agent, roles: [agent]}
                input: {action: http.request, resource: "https://api.example.com/v1", method: DELETE}
                expect: deny
            """;

    private static final String V2 = """
            grants:
              - id: agents-example
                to: {kinds: [agent]}
                actions: [http.request]
                resources: ["https://*.example.com/**", "https://*.example.org/**"]
              - id: viewers-read
                to: {roles: [viewer]}
                actions: [http.request]
            rules:
              - id: no-deletes
                when: 'request.method == "DELETE"'
                effect: require_approval
                message: deletes need an approver
                approval: {role: approver}
              - id: billing
                when: 'request.host.endsWith(".billing.example.com")'
                effect: deny
            rateLimits:
              - id: http-per-agent
                when: 'principal.kind == "agent"'
                key: principal.id
                limit: 50
                window: PT1M
                burst: 10
            tests:
              - name: agents reach example.com
                as: {name: bot, kind: agent, roles: [agent]}
                input: {action: http.request, resource: "https://api.example.com/v1", method: GET}
                expect: allow
              - name: deletes need approval
                as: {name: bot, kind: agent, roles: [agent]}
                input: {action: http.request, resource: "https://api.example.com/v1", method: DELETE}
                expect: require_approval
            """;

    @BeforeEach
    void workspace() {
        api = TestApi.on(port);
        admin = api.admin();
        token = admin.login("admin", ServerTest.ADMIN_PASSWORD).token();
        ws = api.newWorkspace("diff").id(); // version 1 is the starter policy
        admin.savePolicy(ws, V1, true);     // version 2
        admin.savePolicy(ws, V2, false);    // version 3
    }

    @Test
    void grantsRulesAndRateLimitsAreComparedByIdWithTheFieldsThatChanged() {
        PolicyDiff diff = admin.policyDiff(ws, 3, null);

        assertThat(diff.version()).isEqualTo(3);
        assertThat(diff.against()).as("the version before, by default").isEqualTo(2);

        assertThat(diff.grants().added()).extracting(PolicyDiff.Entry::id).containsExactly("viewers-read");
        assertThat(diff.grants().added().getFirst().value()).isEqualTo(Json.tree(
                "{\"id\": \"viewers-read\", \"to\": {\"roles\": [\"viewer\"]}, \"actions\": [\"http.request\"]}"));
        assertThat(diff.grants().removed()).extracting(PolicyDiff.Entry::id).containsExactly("operators-anything");
        assertThat(diff.grants().changed()).singleElement().satisfies(changed -> {
            assertThat(changed.id()).isEqualTo("agents-example");
            assertThat(changed.fields()).singleElement().satisfies(field -> {
                assertThat(field.name()).isEqualTo("resources");
                assertThat(field.before()).isEqualTo(Json.tree("[\"https://*.example.com/**\"]"));
                assertThat(field.after()).isEqualTo(
                        Json.tree("[\"https://*.example.com/**\", \"https://*.example.org/**\"]"));
            });
        });

        assertThat(diff.rules().added()).extracting(PolicyDiff.Entry::id).containsExactly("billing");
        assertThat(diff.rules().removed()).extracting(PolicyDiff.Entry::id).containsExactly("deep-runs");
        assertThat(diff.rules().changed()).singleElement().satisfies(changed -> {
            assertThat(changed.id()).isEqualTo("no-deletes");
            assertThat(changed.fields()).extracting(PolicyDiff.Field::name)
                    .containsExactly("effect", "message", "approval");
            PolicyDiff.Field effect = changed.fields().getFirst();
            assertThat(effect.before().asString()).isEqualTo("deny");
            assertThat(effect.after().asString()).isEqualTo("require_approval");
            PolicyDiff.Field message = changed.fields().get(1);
            assertThat(message.before()).as("absent before").isNull();
            assertThat(message.after().asString()).isEqualTo("deletes need an approver");
        });

        assertThat(diff.rateLimits().added()).isEmpty();
        assertThat(diff.rateLimits().removed()).isEmpty();
        assertThat(diff.rateLimits().changed()).singleElement().satisfies(changed -> {
            assertThat(changed.id()).isEqualTo("http-per-agent");
            assertThat(changed.fields()).extracting(PolicyDiff.Field::name).containsExactly("limit", "burst");
            assertThat(changed.fields().getFirst().before().asInt()).isEqualTo(100);
            assertThat(changed.fields().getFirst().after().asInt()).isEqualTo(50);
            assertThat(changed.fields().get(1).before()).isNull();
            assertThat(changed.fields().get(1).after().asInt()).isEqualTo(10);
        });

        assertThat(diff.tests().added()).containsExactly("deletes need approval");
        assertThat(diff.tests().removed()).containsExactly("deletes are refused");
    }

    @Test
    void theTextDiffIsUnified() {
        String text = admin.policyDiff(ws, 3, null).unified();

        List<String> lines = text.lines().toList();
        assertThat(lines.subList(0, 2)).containsExactly("--- version 2", "+++ version 3");
        assertThat(lines.get(2)).matches("@@ -\\d+,\\d+ \\+\\d+,\\d+ @@");
        assertThat(lines).contains(
                "-  - id: operators-anything",
                "+  - id: viewers-read",
                "-    effect: deny",
                "+    effect: require_approval",
                "-    limit: 100",
                "+    limit: 50",
                "+    burst: 10",
                "     to: {kinds: [agent]}"); // context, unchanged
        assertThat(text).endsWith("\n");
    }

    @Test
    void anyTwoVersionsCanBeComparedAndAVersionWithItselfGivesNothing() {
        admin.savePolicy(ws, V1, false); // version 4: the text of version 2 again

        PolicyDiff backAgain = admin.policyDiff(ws, 4, 2);
        assertThat(backAgain.against()).isEqualTo(2);
        assertThat(backAgain.unified()).isEmpty();
        assertThat(backAgain.grants().changed()).isEmpty();

        PolicyDiff reverse = admin.policyDiff(ws, 4, 3);
        assertThat(reverse.grants().added()).extracting(PolicyDiff.Entry::id).containsExactly("operators-anything");
        assertThat(reverse.tests().added()).containsExactly("deletes are refused");

        PolicyDiff same = admin.policyDiff(ws, 3, 3);
        assertThat(same.version()).isEqualTo(3);
        assertThat(same.against()).isEqualTo(3);
        for (PolicyDiff.Section section : List.of(same.grants(), same.rules(), same.rateLimits())) {
            assertThat(section.added()).isEmpty();
            assertThat(section.removed()).isEmpty();
            assertThat(section.changed()).isEmpty();
        }
        assertThat(same.tests().added()).isEmpty();
        assertThat(same.tests().removed()).isEmpty();
        assertThat(same.unified()).isEmpty();
    }

    @Test
    void unknownVersionsAreNotFound() {
        assertThatThrownBy(() -> admin.policyDiff(ws, 9, null)).isInstanceOfSatisfying(OctvexApiException.class,
                e -> assertThat(e.status()).isEqualTo(404));
        TestApi.Response unknown = api.get("/api/v1/workspaces/" + ws + "/policy/versions/3/diff?against=7", token);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.detail()).isEqualTo("policy version 7 was not found");
        TestApi.Response first = api.get("/api/v1/workspaces/" + ws + "/policy/versions/1/diff", token);
        assertThat(first.status()).isEqualTo(404);
        assertThat(first.detail()).contains("version 1 is the first").contains("against");
        TestApi.Response notANumber = api.get("/api/v1/workspaces/" + ws + "/policy/versions/3/diff?against=x", token);
        assertThat(notANumber.status()).isEqualTo(400);
    }

    @Test
    void readersMayDiff() {
        String reader = api.adminToken(ws, Scope.WORKSPACE_READ).secret();
        TestApi.Response answer = api.get("/api/v1/workspaces/" + ws + "/policy/versions/3/diff", reader);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(Json.tree(answer.body()).path("tests").path("added").get(0).asString())
                .isEqualTo("deletes need approval");
    }
}
