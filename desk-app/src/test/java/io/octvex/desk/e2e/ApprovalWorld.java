package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A real server set up for approvals (the notification IT and benchmark share it): a policy whose rule holds
 * requests to approve.example, an approver {@code ada}, and an enrolled edge whose lease requests (raw HTTP)
 * make the gate hold the steps, so approvals are created the real way.
 */
final class ApprovalWorld {
    static final String POLICY = """
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
    static final String APPROVER = "ada";
    static final String APPROVER_PASSWORD = "ada approves things";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String url;
    final OctvexClient admin;
    final String adminToken;
    final UUID workspace;
    final String edgeToken;

    private ApprovalWorld(String url, OctvexClient admin, String adminToken, UUID workspace, String edgeToken) {
        this.url = url;
        this.admin = admin;
        this.adminToken = adminToken;
        this.workspace = workspace;
        this.edgeToken = edgeToken;
    }

    /** Sets up a fresh server: policy, ada (approver), an enrolled http edge. */
    static ApprovalWorld setUp(String url) throws Exception {
        String adminToken = OctvexClient.connect(url).login("admin", ServerProcess.ADMIN_PASSWORD).token();
        OctvexClient admin = OctvexClient.connect(url).withToken(adminToken);
        UUID workspace = admin.workspaces().getFirst().id();
        admin.savePolicy(workspace, POLICY, true);
        admin.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER, APPROVER, "Ada Lovelace",
                APPROVER_PASSWORD, List.of(Role.APPROVER)));
        IssuedEnrollment enrollment = post(url, "/api/v1/workspaces/" + workspace + "/edges/enrollments", adminToken,
                new CreateEnrollment("desk notify", null, 1, null), IssuedEnrollment.class);
        byte[] sealingKey = new byte[32];
        new SecureRandom().nextBytes(sealingKey);
        EdgeEnrolled edge = post(url, "/api/v1/edge/enroll", null, new EnrollEdge(enrollment.token(),
                "desk-notify-edge", Map.of(), List.of("http"), 2, Base64.getEncoder().encodeToString(sealingKey),
                "test"), EdgeEnrolled.class);
        return new ApprovalWorld(url, admin, adminToken, workspace, edge.edgeToken());
    }

    /** The same server again (after a restart on its home): new logins, the same workspace and edge. */
    ApprovalWorld reconnect(String newUrl) {
        String token = OctvexClient.connect(newUrl).login("admin", ServerProcess.ADMIN_PASSWORD).token();
        return new ApprovalWorld(newUrl, OctvexClient.connect(newUrl).withToken(token), token, workspace, edgeToken);
    }

    /**
     * Submits a run whose http step asks for {@code input} and makes the gate hold it: its pending approval.
     */
    ApprovalView pendingApproval(String title, JsonNode input) throws Exception {
        // the step's description is free text the server records as is: the URL without its query
        String description = input.path("method").asString() + " " + input.path("url").asString().replaceAll("\\?.*", "");
        RunView run = admin.submitRun(workspace, new SubmitRun(title, null, List.of(new StepSpec("ask", "http",
                description, input, null))));
        assertThat(leases()).as("the gate holds the step").isZero();
        List<ApprovalView> approvals = admin.approvals(workspace, ApprovalStatus.PENDING, run.id());
        assertThat(approvals).hasSize(1);
        return approvals.getFirst();
    }

    ApprovalView pendingApproval(String title, String url) throws Exception {
        return pendingApproval(title, Json.tree("{\"method\":\"POST\",\"url\":\"" + url + "\"}"));
    }

    /** How many steps the edge is leased now (one lease request). */
    int leases() throws Exception {
        String leased = post(url, "/api/v1/edge/leases", edgeToken, new LeaseRequest(1, 0), String.class);
        return Json.tree(leased).get("leases").size();
    }

    static <T> T post(String base, String path, String token, Object body, Class<T> type) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new AssertionError(path + ": " + response.statusCode() + " " + response.body());
        }
        return type == String.class ? type.cast(response.body()) : Json.read(response.body(), type);
    }
}
