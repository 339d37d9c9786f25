package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.DryRunReport;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PolicyInput;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.SavePolicy;
import io.octvex.protocol.Scope;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Recorded gate decisions replayed under a draft: exactly the flipped ones are reported, and nothing is written. */
@ServerTest
class PolicyDryRunTest {
    @LocalServerPort
    int port;
    @Autowired
    Policies policies;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    TestApi api;
    OctvexClient admin;
    String token;
    UUID ws;

    private static final String ACTIVE = """
            grants:
              - id: agents-example
                to: {kinds: [agent]}
                actions: [http.request]
                resources: ["https://*.example.com/**"]
            rules:
              - id: no-deletes
                when: 'request.method == "DELETE"'
                effect: deny
              - id: billing-signoff
                when: 'request.method == "POST" && request.host.endsWith(".billing.example.com")'
                effect: require_approval
                approval: {role: approver}
            rateLimits:
              - id: greedy-once
                when: 'principal.name == "greedy"'
                key: principal.id
                limit: 1
                window: PT1H
            """;

    /** Allows example.org and deletes; denies greedy anything but /b; no rate limit. */
    private static final String DRAFT = """
            grants:
              - id: agents-example
                to: {kinds: [agent]}
                actions: [http.request]
                resources: ["https://*.example.com/**", "https://*.example.org/**"]
            rules:
              - id: billing-signoff
                when: 'request.method == "POST" && request.host.endsWith(".billing.example.com")'
                effect: require_approval
                approval: {role: approver}
              - id: greedy-b-only
                when: 'principal.name == "greedy" && request.path != "/b"'
                effect: deny
            """;

    @BeforeEach
    void workspace() {
        api = TestApi.on(port);
        admin = api.admin();
        token = admin.login("admin", ServerTest.ADMIN_PASSWORD).token();
        ws = api.newWorkspace("dry-run").id();
    }

    /** One recorded decision of an agent's HTTP request, through the real gate. */
    private GateDecision decide(UUID workspace, String agent, String method, String url) {
        DecisionInput input = Inputs.of(new DecisionInput.Principal(
                        UUID.nameUUIDFromBytes(agent.getBytes(StandardCharsets.UTF_8)), agent, PrincipalKind.AGENT,
                        List.of(Role.AGENT)),
                new PolicyInput(null, "http.request", url, method, null, null, null, null, null),
                new DecisionInput.Workspace(workspace, "dry-run"), Instant.now());
        return new TransactionTemplate(transactions).execute(s -> policies.decide(workspace, input, null, null));
    }

    /** The seqs of the workspace's recorded decisions, oldest first. */
    private List<Long> decisionSeqs(UUID workspace) {
        return jdbc.sql("SELECT seq FROM events WHERE workspace_id = ? AND type = 'policy.decided' ORDER BY seq")
                .param(workspace).query(Long.class).list();
    }

    /** Seven decisions under ACTIVE; DRAFT flips the 2nd, 3rd and 6th. */
    private List<Long> recordSeven() {
        policies.save(ws, admin.me().id(), new SavePolicy(ACTIVE, true));
        assertThat(decide(ws, "bot", "GET", "https://api.example.com/a").effect()).isEqualTo(Effect.ALLOW);
        assertThat(decide(ws, "bot", "DELETE", "https://api.example.com/a").effect()).isEqualTo(Effect.DENY);
        assertThat(decide(ws, "bot", "GET", "https://api.example.org/a").effect()).isEqualTo(Effect.DENY);
        assertThat(decide(ws, "bot", "POST", "https://pay.billing.example.com/x").effect())
                .isEqualTo(Effect.REQUIRE_APPROVAL);
        assertThat(decide(ws, "greedy", "GET", "https://api.example.com/b").effect()).isEqualTo(Effect.ALLOW);
        assertThat(decide(ws, "greedy", "GET", "https://api.example.com/c").rateLimited()).isTrue();
        assertThat(decide(ws, "greedy", "GET", "https://api.example.com/b").rateLimited()).isTrue();
        List<Long> seqs = decisionSeqs(ws);
        assertThat(seqs).hasSize(7);
        return seqs;
    }

    @Test
    void exactlyTheDecisionsTheDraftFlipsAreReportedNewestFirst() {
        List<Long> seqs = recordSeven();

        DryRunReport report = admin.dryRunPolicy(ws, DRAFT, null);

        assertThat(report.evaluated()).isEqualTo(7);
        assertThat(report.changed()).extracting(DryRunReport.ChangedDecision::seq)
                .containsExactly(seqs.get(5), seqs.get(2), seqs.get(1));
        assertThat(report.unchanged()).isEqualTo(4);
        assertThat(report.rateLimited()).isEqualTo(2);

        DryRunReport.ChangedDecision limited = report.changed().getFirst();
        assertThat(limited.principal()).isEqualTo("greedy");
        assertThat(limited.resource()).isEqualTo("https://api.example.com/c");
        assertThat(limited.before()).isEqualTo(new DryRunReport.Before("deny", "greedy-once", true, 2)); // 1 is the starter
        assertThat(limited.after().effect()).isEqualTo("deny");
        assertThat(limited.after().decidedBy()).isEqualTo("greedy-b-only");

        DryRunReport.ChangedDecision org = report.changed().get(1);
        assertThat(org.action()).isEqualTo("http.request");
        assertThat(org.resource()).isEqualTo("https://api.example.org/a");
        assertThat(org.before()).isEqualTo(new DryRunReport.Before("deny", null, false, 2));
        assertThat(org.after()).isEqualTo(new DryRunReport.After("allow", "agents-example", "granted by 'agents-example'"));
        assertThat(org.at()).isNotNull();

        DryRunReport.ChangedDecision delete = report.changed().get(2);
        assertThat(delete.before().effect()).isEqualTo("deny");
        assertThat(delete.before().decidedBy()).isEqualTo("no-deletes");
        assertThat(delete.after().effect()).isEqualTo("allow");
    }

    @Test
    void lastBoundsHowManyDecisionsAreReplayed() {
        List<Long> seqs = recordSeven();

        DryRunReport report = admin.dryRunPolicy(ws, DRAFT, 2);

        assertThat(report.evaluated()).isEqualTo(2);
        assertThat(report.changed()).extracting(DryRunReport.ChangedDecision::seq).containsExactly(seqs.get(5));
        assertThat(report.unchanged()).isEqualTo(1);
    }

    @Test
    void theActivePolicyItselfChangesNothing() {
        recordSeven();

        DryRunReport report = admin.dryRunPolicy(ws, ACTIVE, null);

        assertThat(report.changed()).isEmpty();
        assertThat(report.unchanged()).isEqualTo(7);
    }

    @Test
    void aDryRunWritesNothing() {
        recordSeven();
        Map<String, Object> before = state();

        admin.dryRunPolicy(ws, DRAFT, 1000);
        // a draft whose rate limit covers every call still takes no token
        admin.dryRunPolicy(ws, DRAFT + "rateLimits:\n  - id: every-call\n    when: 'true'\n"
                + "    key: principal.id\n    limit: 1\n    window: PT1H\n", null);

        assertThat(state()).isEqualTo(before);
    }

    @Test
    void anotherWorkspacesDecisionsAreNeverRead() {
        UUID other = api.newWorkspace("dry-run-other").id();
        policies.save(other, admin.me().id(), new SavePolicy(ACTIVE, true));
        for (int i = 0; i < 3; i++) {
            decide(other, "victim-bot", "GET", "https://victim.example.org/" + i); // DRAFT would allow these
        }
        List<Long> seqs = recordSeven();

        DryRunReport report = admin.dryRunPolicy(ws, DRAFT, 1000);

        assertThat(report.evaluated()).isEqualTo(7);
        assertThat(report.changed()).extracting(DryRunReport.ChangedDecision::seq)
                .containsExactly(seqs.get(5), seqs.get(2), seqs.get(1));
        assertThat(report.changed()).noneMatch(c -> "victim-bot".equals(c.principal()));

        DryRunReport theirs = admin.dryRunPolicy(other, DRAFT, 1000);
        assertThat(theirs.evaluated()).isEqualTo(3);
        assertThat(theirs.changed()).allMatch(c -> c.principal().equals("victim-bot")).hasSize(3);
    }

    @Test
    void aWorkspaceWithoutDecisionsGivesAnEmptyReport() {
        DryRunReport report = admin.dryRunPolicy(ws, DRAFT, null);

        assertThat(report).isEqualTo(new DryRunReport(0, List.of(), 0, 0));
    }

    @Test
    void badInputIsRefusedWithAClearMessage() {
        String path = "/api/v1/workspaces/" + ws + "/policy/dry-run";
        assertThat(api.send("POST", path, token, Map.of("last", 5)).detail()).contains("'document' is required");
        for (int last : List.of(0, -1, 1001)) {
            TestApi.Response answer = api.send("POST", path, token, Map.of("document", DRAFT, "last", last));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.detail()).contains("'last'").contains("1 to 1000");
        }
        TestApi.Response notJson = api.send("POST", path, token, "document: x");
        assertThat(notJson.status()).isEqualTo(400);
        TestApi.Response wrongType = api.send("POST", path, token, Map.of("document", DRAFT, "last", "many"));
        assertThat(wrongType.status()).isEqualTo(400);
        TestApi.Response tooLong = api.send("POST", path, token, Map.of("document", "#".repeat(300 * 1024)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.detail()).contains("longer than");
    }

    @Test
    void aDraftThatDoesNotCompileIsRefusedExactlyAsASaveWouldBe() {
        String broken = "rules:\n  - id: r\n    when: 'action =='\n    effect: deny\n";
        TestApi.Response dryRun = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/dry-run", token,
                Map.of("document", broken));
        TestApi.Response save = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/versions", token,
                Map.of("document", broken));

        assertThat(dryRun.status()).isEqualTo(400);
        assertThat(dryRun.detail()).contains("line 3").isEqualTo(save.detail());
        assertThat(dryRun.body()).isEqualTo(save.body().replace("/policy/versions", "/policy/dry-run"));
    }

    @Test
    void onlyWorkspaceAdminsWhoMayReadEventsDryRun() {
        String reader = api.adminToken(ws, Scope.WORKSPACE_READ, Scope.EVENTS_READ).secret();
        TestApi.Response answer = api.send("POST", "/api/v1/workspaces/" + ws + "/policy/dry-run", reader,
                Map.of("document", DRAFT));
        assertThat(answer.status()).isEqualTo(403);
        String adminOnly = api.adminToken(ws, Scope.WORKSPACE_ADMIN).secret();
        assertThat(api.send("POST", "/api/v1/workspaces/" + ws + "/policy/dry-run", adminOnly,
                Map.of("document", DRAFT)).status()).as("recorded decisions are events").isEqualTo(403);
        String adminToken = api.adminToken(ws, Scope.WORKSPACE_ADMIN, Scope.EVENTS_READ).secret();
        assertThat(api.send("POST", "/api/v1/workspaces/" + ws + "/policy/dry-run", adminToken,
                Map.of("document", DRAFT)).status()).isEqualTo(200);
    }

    @Test
    void decisionsAreReadNewestFirstThroughTheTypeIndex() {
        recordSeven();
        String plan = new TransactionTemplate(transactions).execute(s -> {
            jdbc.sql("SET LOCAL enable_seqscan = off").update(); // a small test table would rather be scanned
            return String.join("\n", jdbc.sql("EXPLAIN " + RecordedDecisions.LATEST).param("ws", ws)
                    .param("limit", 100).query(String.class).list());
        });
        assertThat(plan).contains("Index Scan Backward using events_type");
    }

    /** Everything a dry run could write: the workspace's log, its buckets and its policy versions. */
    private Map<String, Object> state() {
        return Map.of(
                "events", jdbc.sql("SELECT count(*) || '/' || max(seq) FROM events WHERE workspace_id = ?").param(ws)
                        .query(String.class).single(),
                "head", jdbc.sql("SELECT seq || '/' || hash FROM event_heads WHERE workspace_id = ?").param(ws)
                        .query(String.class).single(),
                "buckets", jdbc.sql("""
                        SELECT coalesce(string_agg(limit_id || '/' || key || '/' || tokens || '/' || updated_at, ','
                        ORDER BY limit_id, key), '') FROM rate_buckets WHERE workspace_id = ?""").param(ws)
                        .query(String.class).single(),
                "policies", jdbc.sql("""
                        SELECT count(*) || '/' || (SELECT active_version || '/' || latest_version || '/' || version
                        FROM policy_heads WHERE workspace_id = ?) FROM policy_versions WHERE workspace_id = ?""")
                        .params(ws, ws).query(String.class).single());
    }
}
