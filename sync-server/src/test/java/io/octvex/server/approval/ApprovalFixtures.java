package io.octvex.server.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.util.List;
import java.util.UUID;

/**
 * Approvals made the real way, over HTTP: a policy whose rule requires approval for
 * {@code https://approve.example/…}, a run that calls there, and an edge whose lease request makes the gate
 * hold the step. Public so the API matrices can have an approval id in a victim workspace.
 */
public final class ApprovalFixtures {
    /** Grants every acting role everything; one rule asks an approver before anything reaches approve.example. */
    public static final String POLICY = """
            grants:
              - id: members
                to: {roles: [owner, admin, operator, agent]}
                actions: ["*"]
            rules:
              - id: sign-off
                when: 'request.host == "approve.example"'
                effect: require_approval
                message: someone must look at this first
                approval: {role: approver, quorum: 1, expires: PT1H}
            """;

    private final FleetFixtures fleet;

    public ApprovalFixtures(int port) {
        this.fleet = new FleetFixtures(port);
    }

    public FleetFixtures fleet() {
        return fleet;
    }

    /** An http step calling {@code url} with {@code method}; its description leaves out the query. */
    public static StepSpec call(String key, String method, String url) {
        return new StepSpec(key, "http", method + " " + url.replaceFirst("\\?.*", ""),
                Json.tree("{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}"), null);
    }

    /**
     * A pending approval in {@code workspaceId}, whose active policy must contain {@link #POLICY}'s rule
     * (e.g. {@code extraPolicy} saved by the caller): a run calling approve.example and an edge asking for it.
     */
    public ApprovalView pending(UUID workspaceId) {
        RunView run = fleet.submit(workspaceId, call("ask", "POST", "https://approve.example/things"));
        FleetFixtures.Edge edge = fleet.edge(workspaceId);
        assertThat(fleet.lease(edge, 1, 0).leases()).as("the gate holds the step instead of leasing it").isEmpty();
        TestApi.Response list = fleet.api().get("/api/v1/workspaces/" + workspaceId + "/approvals?runId=" + run.id(),
                fleet.adminToken());
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<ApprovalView> approvals = List.of(Json.read(list.body(), ApprovalView[].class));
        assertThat(approvals).hasSize(1);
        return approvals.getFirst();
    }

    /**
     * Runs the expiry sweeper once now (as its schedule would), for tests of other packages that moved the
     * {@code TestClock} past an approval's expiry.
     */
    public static int sweepExpired(org.springframework.context.ApplicationContext context) {
        return context.getBean(ApprovalSweeper.class).sweep();
    }

    public void savePolicy(UUID workspaceId, String document) {
        TestApi.Response saved = fleet.api().send("POST", "/api/v1/workspaces/" + workspaceId + "/policy/versions",
                fleet.adminToken(), java.util.Map.of("document", document));
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
    }
}
