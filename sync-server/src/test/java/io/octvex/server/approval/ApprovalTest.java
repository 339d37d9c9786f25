package io.octvex.server.approval;

import static io.octvex.server.approval.ApprovalFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.TestClock;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The gate and approvals end to end over HTTP: a real edge asks for work, the gate holds, refuses, defers or
 * admits; approvers answer; the same step resumes in place. The clock is the server's own (moved forward for
 * expiry and grants), and every outcome is checked in the database and the audit log.
 */
@ServerTest
class ApprovalTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TestClock clock;
    @Autowired
    ApprovalSweeper sweeper;

    ApprovalFixtures fixtures;
    FleetFixtures fleet;
    TestApi api;
    UUID ws;
    FleetFixtures.Edge edge;

    @BeforeEach
    void workspace() {
        fixtures = new ApprovalFixtures(port);
        fleet = fixtures.fleet();
        api = fleet.api();
        ws = fleet.workspace("approvals");
        edge = fleet.edge(ws);
    }

    @AfterEach
    void clockBack() {
        clock.reset();
    }

    private void policy(int quorum) {
        fixtures.savePolicy(ws, ApprovalFixtures.POLICY.replace("quorum: 1", "quorum: " + quorum));
    }

    private RunView run(UUID runId) {
        return Json.read(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/runs/" + runId).body(), RunView.class);
    }

    private static StepStatus status(RunView run, String key) {
        return run.steps().stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow().status();
    }

    private List<ApprovalView> approvals(UUID runId) {
        return List.of(Json.read(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/approvals?runId=" + runId).body(),
                ApprovalView[].class));
    }

    private TestApi.Response answer(String token, UUID approvalId, String verb, DecideApproval body) {
        return api.send("POST", "/api/v1/workspaces/" + ws + "/approvals/" + approvalId + "/" + verb, token, body);
    }

    private List<String> events(UUID runId) {
        return jdbc.sql("SELECT type FROM events WHERE workspace_id = ? AND run_id = ? ORDER BY seq")
                .params(ws, runId).query(String.class).list();
    }

    private long refusals() {
        return jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'approval.refused'")
                .param(ws).query(Long.class).single();
    }

    private List<Lease> lease() {
        return fleet.lease(edge, 5, 0).leases();
    }

    private void complete(Lease lease) {
        TestApi.Response done = fleet.report(edge, lease.stepId(), "result",
                new StepResult(lease.epoch(), StepStatus.COMPLETED, null, null));
        assertThat(done.status()).as(done.body()).isEqualTo(204);
    }

    @Test
    void requireApprovalBlocksTheStepAndTheRunWithEvidenceAndRecordsTheDecision() {
        policy(1);
        TestApi.User approver = api.newUser(ws, Role.APPROVER);
        StepSpec pay = call("pay", "POST", "https://approve.example/pay?amount=5&api_key=sk-canary-77");
        // a description that names the secret too: the approval shows it masked
        pay = new StepSpec(pay.key(), pay.handler(), "POST https://approve.example/pay?amount=5&api_key=sk-canary-77 now",
                pay.input(), pay.dependsOn());
        RunView run = fleet.submit(ws, pay, FleetFixtures.step("ok"));
        List<Lease> leased = lease();
        assertThat(leased).extracting(Lease::stepKey).containsExactly("ok"); // the other one waits for a person

        RunView after = run(run.id());
        assertThat(status(after, "pay")).isEqualTo(StepStatus.BLOCKED);
        assertThat(after.status()).isEqualTo(RunStatus.BLOCKED);
        ApprovalView approval = approvals(run.id()).getFirst();
        assertThat(approval.status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(approval.approverRole()).isEqualTo(Role.APPROVER);
        assertThat(approval.quorum()).isEqualTo(1);
        assertThat(Duration.between(approval.requestedAt(), approval.expiresAt())).isEqualTo(Duration.ofHours(1));
        JsonNode evidence = approval.evidence();
        assertThat(evidence.get("action").asString()).isEqualTo("http.request");
        assertThat(evidence.get("method").asString()).isEqualTo("POST");
        assertThat(evidence.get("host").asString()).isEqualTo("approve.example");
        assertThat(evidence.get("resource").asString()).isEqualTo("https://approve.example/pay?amount=5&api_key=****");
        assertThat(evidence.get("rule").asString()).isEqualTo("sign-off");
        assertThat(evidence.get("message").asString()).isEqualTo("someone must look at this first");
        assertThat(evidence.get("requestedBy").get("name").asString()).isEqualTo("admin");
        assertThat(evidence.get("step").get("key").asString()).isEqualTo("pay");
        assertThat(evidence.get("step").get("description").asString())
                .isEqualTo("POST https://approve.example/pay?amount=5&api_key=**** now");
        assertThat(evidence.get("eligibleApprovers")).containsExactly(Json.tree("\"" + approver.name() + "\""));

        List<String> types = events(run.id());
        assertThat(types).contains("policy.decided", "approval.requested");
        assertThat(types.subList(types.indexOf("approval.requested") - 2, types.indexOf("approval.requested")))
                .containsExactly("step.transitioned", "run.transitioned"); // queued → blocked, same transaction
        JsonNode decided = Json.tree(jdbc.sql("""
                SELECT data::text FROM events WHERE workspace_id = ? AND run_id = ? AND type = 'policy.decided'
                  AND data->>'effect' = 'require_approval'""").params(ws, run.id()).query(String.class).single());
        assertThat(decided.get("decidedBy").asString()).isEqualTo("sign-off");
        assertThat(decided.get("policyVersion").asInt()).isEqualTo(2);
        assertThat(decided.get("inputDigest").asString()).matches("[0-9a-f]{64}");
        assertThat(decided.get("evalMicros").asLong()).isNotNegative();
        assertThat(decided.get("input").get("principal").get("name").asString()).isEqualTo("admin");
        // the canary in the query string is in no decision, no approval event and no approval
        assertThat(jdbc.sql("""
                SELECT count(*) FROM events WHERE workspace_id = ? AND data::text LIKE '%sk-canary-77%'
                  AND (type = 'policy.decided' OR type LIKE 'approval.%')""")
                .param(ws).query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'policy.decided'")
                .param(ws).query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM approvals WHERE workspace_id = ? AND evidence::text LIKE '%sk-canary-77%'")
                .param(ws).query(Long.class).single()).isZero();
    }

    @Test
    void aQuorumOfDistinctEligibleApproversResumesTheSameStepInPlace() {
        policy(2);
        TestApi.User first = api.newUser(ws, Role.APPROVER);
        TestApi.User second = api.newUser(ws, Role.APPROVER);
        TestApi.User operator = api.newUser(ws, Role.OPERATOR);
        RunView run = fleet.submit(ws, call("ask", "POST", "https://approve.example/things"),
                new StepSpec("then", "http", "after", null, List.of("ask")));
        assertThat(lease()).isEmpty();
        ApprovalView approval = approvals(run.id()).getFirst();

        long refused = refusals();
        TestApi.Response self = answer(fleet.adminToken(), approval.id(), "approve", null);
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.detail()).contains("cannot answer it");
        TestApi.Response notEligible = answer(operator.token(), approval.id(), "approve", null);
        assertThat(notEligible.status()).isEqualTo(403);
        assertThat(notEligible.detail()).contains("needs the role 'approver'");

        TestApi.Response one = answer(first.token(), approval.id(), "approve", new DecideApproval("looks right", null));
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        ApprovalView half = Json.read(one.body(), ApprovalView.class);
        assertThat(half.status()).isEqualTo(ApprovalStatus.PENDING);
        assertThat(half.approvals()).isEqualTo(1);
        assertThat(status(run(run.id()), "ask")).isEqualTo(StepStatus.BLOCKED);
        TestApi.Response twice = answer(first.token(), approval.id(), "approve", null);
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.detail()).contains("each approver counts once");
        assertThat(refusals()).isEqualTo(refused + 3);

        TestApi.Response two = answer(second.token(), approval.id(), "approve", null);
        assertThat(two.status()).as(two.body()).isEqualTo(200);
        ApprovalView done = Json.read(two.body(), ApprovalView.class);
        assertThat(done.status()).isEqualTo(ApprovalStatus.APPROVED);
        assertThat(done.votes()).extracting(ApprovalView.Vote::principalName).containsExactly(first.name(), second.name());
        assertThat(done.outcome()).isEqualTo("approved by 2 approvers");
        RunView resumed = run(run.id());
        assertThat(status(resumed, "ask")).isEqualTo(StepStatus.QUEUED);
        assertThat(resumed.steps().getFirst().attempt()).as("resumed in place, not a new attempt").isEqualTo(1);

        List<Lease> leased = lease();
        assertThat(leased).extracting(Lease::stepId).containsExactly(approval.stepId());
        assertThat(leased.getFirst().attempt()).isEqualTo(1);
        assertThat(events(run.id())).contains("approval.voted", "approval.approved", "approval.used");
        complete(leased.getFirst());
        assertThat(status(run(run.id()), "then")).isEqualTo(StepStatus.QUEUED);
    }

    @Test
    void aDenialFailsTheStepAndSkipsItsDependants() {
        policy(1);
        TestApi.User approver = api.newUser(ws, Role.APPROVER);
        RunView run = fleet.submit(ws, call("ask", "DELETE", "https://approve.example/everything"),
                new StepSpec("then", "http", "after", null, List.of("ask")));
        assertThat(lease()).isEmpty();
        UUID approvalId = approvals(run.id()).getFirst().id();

        TestApi.Response noReason = answer(approver.token(), approvalId, "deny", null);
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.detail()).contains("needs a 'reason'");
        TestApi.Response denied = answer(approver.token(), approvalId, "deny", new DecideApproval("not today", null));
        assertThat(denied.status()).as(denied.body()).isEqualTo(200);
        assertThat(Json.read(denied.body(), ApprovalView.class).status()).isEqualTo(ApprovalStatus.DENIED);

        RunView after = run(run.id());
        assertThat(status(after, "ask")).isEqualTo(StepStatus.FAILED);
        assertThat(after.steps().getFirst().error()).contains("denied by " + approver.name()).contains("not today");
        assertThat(status(after, "then")).isEqualTo(StepStatus.SKIPPED);
        assertThat(after.status()).isEqualTo(RunStatus.FAILED);

        TestApi.Response late = answer(approver.token(), approvalId, "approve", null);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.detail()).contains("already denied");
        assertThat(events(run.id())).contains("approval.denied", "approval.refused");
    }

    @Test
    void anExpiredApprovalCountsAsDeniedWhetherTheSweeperOrALateAnswerFindsIt() {
        policy(1);
        TestApi.User approver = api.newUser(ws, Role.APPROVER);
        RunView swept = fleet.submit(ws, call("ask", "POST", "https://approve.example/a"));
        RunView answered = fleet.submit(ws, call("ask", "POST", "https://approve.example/b"));
        assertThat(lease()).isEmpty();
        assertThat(approvals(swept.id())).hasSize(1);
        assertThat(approvals(answered.id())).hasSize(1);

        clock.advance(Duration.ofMinutes(61));
        TestApi.Response late = answer(approver.token(), approvals(answered.id()).getFirst().id(), "approve", null);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.detail()).contains("expired");
        assertThat(approvals(answered.id()).getFirst().status()).isEqualTo(ApprovalStatus.EXPIRED);
        assertThat(run(answered.id()).status()).isEqualTo(RunStatus.FAILED);

        sweptUntil(swept.id(), ApprovalStatus.EXPIRED);
        ApprovalView expired = approvals(swept.id()).getFirst();
        assertThat(expired.outcome()).isEqualTo("expired");
        RunView failed = run(swept.id());
        assertThat(failed.status()).isEqualTo(RunStatus.FAILED);
        assertThat(failed.steps().getFirst().error()).contains("approval expired");
        assertThat(events(swept.id())).contains("approval.expired");
    }

    @Test
    void racingApproversLeaveExactlyOneOutcome() throws Exception {
        policy(1);
        List<TestApi.User> approvers = List.of(api.newUser(ws, Role.APPROVER), api.newUser(ws, Role.APPROVER),
                api.newUser(ws, Role.APPROVER));
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            for (int round = 0; round < 4; round++) {
                RunView run = fleet.submit(ws, call("ask", "POST", "https://approve.example/race/" + round));
                assertThat(lease()).isEmpty();
                UUID approvalId = approvals(run.id()).getFirst().id();
                CyclicBarrier barrier = new CyclicBarrier(3);
                List<Future<TestApi.Response>> answers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    TestApi.User who = approvers.get(i);
                    String verb = i == 2 ? "deny" : "approve";
                    answers.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return answer(who.token(), approvalId, verb, new DecideApproval("race", null));
                    }));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<TestApi.Response> f : answers) {
                    statuses.add(f.get(30, TimeUnit.SECONDS).status());
                }
                assertThat(statuses).as("round " + round).containsOnlyOnce(200).containsOnly(200, 409);
                ApprovalView outcome = approvals(run.id()).getFirst();
                StepStatus step = status(run(run.id()), "ask");
                assertThat(outcome.status()).isIn(ApprovalStatus.APPROVED, ApprovalStatus.DENIED);
                assertThat(step).isEqualTo(outcome.status() == ApprovalStatus.APPROVED ? StepStatus.QUEUED : StepStatus.FAILED);
                assertThat(jdbc.sql("SELECT count(*) FROM approval_votes WHERE approval_id = ?").param(approvalId)
                        .query(Long.class).single()).isEqualTo(1);
                lease().forEach(this::complete);
            }
        }
    }

    @Test
    void aScopedGrantLetsTheSameActionThroughForTheRestOfTheRunUntilItEnds() {
        policy(1);
        TestApi.User approver = api.newUser(ws, Role.APPROVER);
        RunView run = fleet.submit(ws, call("a", "POST", "https://approve.example/x"),
                new StepSpec("b", "http", "again", Json.tree("{\"method\":\"POST\",\"url\":\"https://approve.example/x\"}"),
                        List.of("a")),
                new StepSpec("c", "http", "and again", Json.tree("{\"method\":\"POST\",\"url\":\"https://approve.example/x\"}"),
                        List.of("b")));
        assertThat(lease()).isEmpty();
        UUID first = approvals(run.id()).getFirst().id();
        TestApi.Response bad = answer(approver.token(), first, "approve", new DecideApproval(null, 5000));
        assertThat(bad.status()).isEqualTo(400);
        TestApi.Response ok = answer(approver.token(), first, "approve", new DecideApproval("for this run", 30));
        assertThat(Json.read(ok.body(), ApprovalView.class).grantUntil()).isNotNull();

        complete(lease().getFirst()); // a
        List<Lease> b = lease();
        assertThat(b).extracting(Lease::stepKey).as("the grant covers b").containsExactly("b");
        complete(b.getFirst());
        clock.advance(Duration.ofMinutes(31));
        assertThat(lease()).as("the grant has ended: c needs its own approval").isEmpty();
        assertThat(approvals(run.id())).hasSize(2);
        assertThat(status(run(run.id()), "c")).isEqualTo(StepStatus.BLOCKED);
    }

    @Test
    void aDenyRuleFailsTheStepAtTheGateAndARateLimitDefersIt() {
        fixtures.savePolicy(ws, ApprovalFixtures.POLICY + """
                  - id: no-deletes
                    when: 'request.method == "DELETE"'
                    effect: deny
                    message: nothing is deleted from here
                rateLimits:
                  - id: one-an-hour
                    when: 'request.host == "slow.example"'
                    key: principal.id
                    limit: 1
                    window: PT1H
                """);
        RunView denied = fleet.submit(ws, call("rm", "DELETE", "https://api.example/x"),
                new StepSpec("then", "http", "after", null, List.of("rm")));
        RunView limited = fleet.submit(ws, call("one", "GET", "https://slow.example/1"),
                call("two", "GET", "https://slow.example/2"));
        List<Lease> leased = new ArrayList<>(lease());
        leased.addAll(lease()); // the edge has two slots: a second request reaches every step
        assertThat(leased).hasSize(1);

        RunView refused = run(denied.id());
        assertThat(status(refused, "rm")).isEqualTo(StepStatus.FAILED);
        assertThat(refused.steps().getFirst().error()).isEqualTo(
                "denied by policy ('no-deletes'): nothing is deleted from here");
        assertThat(status(refused, "then")).isEqualTo(StepStatus.SKIPPED);
        assertThat(refused.status()).isEqualTo(RunStatus.FAILED);

        RunView waiting = run(limited.id());
        String deferred = leased.getFirst().stepKey().equals("one") ? "two" : "one";
        assertThat(status(waiting, deferred)).as("over the limit: deferred, not failed").isEqualTo(StepStatus.QUEUED);
        assertThat(jdbc.sql("SELECT not_before > now() + interval '50 minutes' FROM steps WHERE run_id = ? AND key = ?")
                .params(limited.id(), deferred).query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("""
                SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'policy.decided'
                  AND (data->>'rateLimited')::boolean""").param(ws).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aCancelledRunCancelsItsPendingApprovalAndAnotherWorkspaceCannotAnswer() {
        policy(1);
        TestApi.User approver = api.newUser(ws, Role.APPROVER);
        RunView run = fleet.submit(ws, call("ask", "POST", "https://approve.example/c"));
        assertThat(lease()).isEmpty();
        UUID approvalId = approvals(run.id()).getFirst().id();

        UUID other = fleet.workspace("approvals-other");
        TestApi.User stranger = api.newUser(other, Role.APPROVER);
        TestApi.Response crossed = api.send("POST", "/api/v1/workspaces/" + other + "/approvals/" + approvalId
                + "/approve", stranger.token(), null);
        assertThat(crossed.status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM events WHERE workspace_id = ? AND type = 'approval.refused'")
                .param(other).query(Long.class).single()).as("refused and audited where it was tried").isEqualTo(1);
        assertThat(approvals(run.id()).getFirst().status()).isEqualTo(ApprovalStatus.PENDING);

        fleet.admin("POST", "/api/v1/workspaces/" + ws + "/runs/" + run.id() + "/cancel");
        sweptUntil(run.id(), ApprovalStatus.CANCELLED);
        TestApi.Response late = answer(approver.token(), approvalId, "approve", null);
        assertThat(late.status()).isEqualTo(409);
    }

    /**
     * Sweeps until the run's approval has {@code status}. The scheduled sweep may be first, or be holding the
     * approval while ours runs (a sweep passes over approvals another one has locked): either way it ends once.
     */
    private void sweptUntil(UUID runId, ApprovalStatus status) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            sweeper.sweep();
            assertThat(approvals(runId).getFirst().status()).isEqualTo(status);
        });
    }
}
