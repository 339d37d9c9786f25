package io.octvex.server.approval;

import static io.octvex.server.approval.ApprovalFixtures.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ActionCheck;
import io.octvex.protocol.ActionVerdict;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.HeartbeatAck;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseRef;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * An edge asks the gate about an action its step's input did not name (a redirect, a navigation): allowed,
 * refused, or held for approval while the edge keeps its lease — and, once approved, the same lease goes on.
 */
@ServerTest
class InStepApprovalTest {
    @LocalServerPort
    int port;

    ApprovalFixtures fixtures;
    FleetFixtures fleet;
    UUID ws;
    FleetFixtures.Edge edge;
    TestApi.User approver;

    @BeforeEach
    void workspace() {
        fixtures = new ApprovalFixtures(port);
        fleet = fixtures.fleet();
        ws = fleet.workspace("in-step");
        fixtures.savePolicy(ws, ApprovalFixtures.POLICY + """
                  - id: no-evil
                    when: 'request.host == "evil.example"'
                    effect: deny
                    message: not there
                """);
        edge = fleet.edge(ws);
        approver = fleet.api().newUser(ws, Role.APPROVER);
    }

    private Lease leaseOne() {
        fleet.submit(ws, call("go", "GET", "https://start.example/"));
        List<Lease> leases = fleet.lease(edge, 1, 0).leases();
        assertThat(leases).hasSize(1);
        return leases.getFirst();
    }

    private TestApi.Response check(Lease lease, long epoch, String url) {
        return fleet.report(edge, lease.stepId(), "checks", new ActionCheck(epoch, "http.request", url, "GET",
                List.of("Accept")));
    }

    private ActionVerdict verdict(Lease lease, UUID approvalId) {
        TestApi.Response r = fleet.edgeGet(edge, "/steps/" + lease.stepId() + "/approvals/" + approvalId + "?wait=0");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.read(r.body(), ActionVerdict.class);
    }

    private RunView run(Lease lease) {
        return Json.read(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/runs/" + lease.runId()).body(), RunView.class);
    }

    @Test
    void anActionNeedingApprovalBlocksTheRunningStepAndApprovalLetsTheSameLeaseGoOn() {
        Lease lease = leaseOne();
        TestApi.Response asked = check(lease, lease.epoch(), "https://approve.example/next");
        assertThat(asked.status()).as(asked.body()).isEqualTo(200);
        ActionVerdict pending = Json.read(asked.body(), ActionVerdict.class);
        assertThat(pending.effect()).isEqualTo("require_approval");
        assertThat(pending.reason()).isEqualTo("someone must look at this first");
        assertThat(pending.expiresAt()).isNotNull();
        RunView blocked = run(lease);
        assertThat(blocked.status()).isEqualTo(RunStatus.BLOCKED);
        assertThat(blocked.steps().getFirst().status()).isEqualTo(StepStatus.BLOCKED);
        assertThat(verdict(lease, pending.approvalId()).effect()).isEqualTo("require_approval");

        // the edge keeps its lease while it waits
        TestApi.Response beat = fleet.api().send("POST", "/api/v1/edge/heartbeat", edge.token(),
                new Heartbeat(List.of(new LeaseRef(lease.stepId(), lease.epoch())), 0, null));
        assertThat(Json.read(beat.body(), HeartbeatAck.class).lost()).isEmpty();

        TestApi.Response approved = fleet.api().send("POST", "/api/v1/workspaces/" + ws + "/approvals/"
                + pending.approvalId() + "/approve", approver.token(), null);
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(verdict(lease, pending.approvalId()).effect()).isEqualTo("allow");
        RunView resumed = run(lease);
        assertThat(resumed.steps().getFirst().status()).as("in place: running again").isEqualTo(StepStatus.RUNNING);
        assertThat(resumed.steps().getFirst().attempt()).isEqualTo(1);

        // asking again for the same action now finds the approval
        assertThat(Json.read(check(lease, lease.epoch(), "https://approve.example/next").body(), ActionVerdict.class)
                .effect()).isEqualTo("allow");
        TestApi.Response done = fleet.report(edge, lease.stepId(), "result",
                new StepResult(lease.epoch(), StepStatus.COMPLETED, null, null));
        assertThat(done.status()).as(done.body()).isEqualTo(204);
        assertThat(run(lease).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aRefusedActionIsAnsweredAndTheStepIsLeftToItsEdge() {
        Lease lease = leaseOne();
        ActionVerdict denied = Json.read(check(lease, lease.epoch(), "https://evil.example/").body(), ActionVerdict.class);
        assertThat(denied.effect()).isEqualTo("deny");
        assertThat(denied.reason()).isEqualTo("denied by policy ('no-evil'): not there");
        assertThat(run(lease).steps().getFirst().status()).isEqualTo(StepStatus.RUNNING);
        assertThat(check(lease, lease.epoch(), "https://fine.example/").body()).contains("\"allow\"");
    }

    @Test
    void aDeniedInStepApprovalFailsTheStepAndFencesTheEdge() {
        Lease lease = leaseOne();
        ActionVerdict pending = Json.read(check(lease, lease.epoch(), "https://approve.example/x").body(),
                ActionVerdict.class);
        TestApi.Response denied = fleet.api().send("POST", "/api/v1/workspaces/" + ws + "/approvals/"
                + pending.approvalId() + "/deny", approver.token(), new DecideApproval("no", null));
        assertThat(denied.status()).as(denied.body()).isEqualTo(200);
        ActionVerdict outcome = verdict(lease, pending.approvalId());
        assertThat(outcome.effect()).isEqualTo("deny");
        assertThat(outcome.reason()).contains("denied by " + approver.name());
        assertThat(run(lease).steps().getFirst().status()).isEqualTo(StepStatus.FAILED);
        TestApi.Response late = fleet.report(edge, lease.stepId(), "result",
                new StepResult(lease.epoch(), StepStatus.COMPLETED, null, null));
        assertThat(late.status()).isEqualTo(409);
    }

    @Test
    void checksAreFencedAndValidatedLikeEveryReport() {
        Lease lease = leaseOne();
        assertThat(check(lease, lease.epoch() + 1, "https://fine.example/").status()).isEqualTo(409);
        TestApi.Response noAction = fleet.report(edge, lease.stepId(), "checks",
                new ActionCheck(lease.epoch(), " ", null, null, null));
        assertThat(noAction.status()).isEqualTo(400);
        assertThat(noAction.detail()).contains("'action' is required");
        TestApi.Response control = fleet.report(edge, lease.stepId(), "checks",
                new ActionCheck(lease.epoch(), "http.request", "https://x.example/\u0000", "GET", null));
        assertThat(control.status()).isEqualTo(400);
        assertThat(fleet.edgeGet(edge, "/steps/" + lease.stepId() + "/approvals/" + UUID.randomUUID()).status())
                .isEqualTo(404);
        assertThat(fleet.edgeGet(edge, "/steps/" + lease.stepId() + "/approvals/" + UUID.randomUUID() + "?wait=99")
                .status()).isEqualTo(400);
        assertThat(fleet.api().get("/api/v1/workspaces/" + ws + "/approvals?status=pending", fleet.adminToken())
                .body()).isEqualTo("[]");
        assertThat(ApprovalStatus.values()).hasSize(5);
    }
}
