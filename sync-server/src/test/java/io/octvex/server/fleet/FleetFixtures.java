package io.octvex.server.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.server.ServerTest;
import io.octvex.server.identity.TestApi;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Edges over real HTTP for tests: enrolment tokens from the admin, enrolled edges with their tokens, leases
 * and reports as raw requests. Public so the lead's API matrices can make fleet ids in a victim workspace.
 */
public final class FleetFixtures {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TestApi api;
    private final String adminToken;

    public FleetFixtures(int port) {
        this.api = TestApi.on(port);
        this.adminToken = api.anonymous().login("admin", ServerTest.ADMIN_PASSWORD).token();
    }

    public TestApi api() {
        return api;
    }

    public String adminToken() {
        return adminToken;
    }

    public record Edge(UUID id, String token, String name) {}

    public UUID workspace(String prefix) {
        return api.newWorkspace(prefix).id();
    }

    public IssuedEnrollment enrollment(UUID workspaceId, String body) {
        TestApi.Response r = api.send("POST", "/api/v1/workspaces/" + workspaceId + "/edges/enrollments", adminToken,
                body == null ? "{}" : body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return Json.read(r.body(), IssuedEnrollment.class);
    }

    public static String sealingKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    public TestApi.Response enrollRaw(String token, String name, Map<String, String> labels, List<String> capabilities,
                                      int capacity) {
        return api.send("POST", "/api/v1/edge/enroll", null,
                new EnrollEdge(token, name, labels, capabilities, capacity, sealingKey(), "test"));
    }

    /** A new edge enrolled for {@code workspaceId} (and its own single-use token). */
    public Edge edge(UUID workspaceId, String name, Map<String, String> labels, List<String> capabilities, int capacity) {
        String token = enrollment(workspaceId, null).token();
        return enroll(token, name, labels, capabilities, capacity);
    }

    public Edge edge(UUID workspaceId) {
        return edge(workspaceId, TestApi.unique("edge"), Map.of(), List.of("http"), 2);
    }

    public Edge enroll(String enrollmentToken, String name, Map<String, String> labels, List<String> capabilities,
                       int capacity) {
        TestApi.Response r = enrollRaw(enrollmentToken, name, labels, capabilities, capacity);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        EdgeEnrolled enrolled = Json.read(r.body(), EdgeEnrolled.class);
        return new Edge(enrolled.edgeId(), enrolled.edgeToken(), name);
    }

    public RunView submit(UUID workspaceId, StepSpec... steps) {
        TestApi.Response r = api.send("POST", "/api/v1/workspaces/" + workspaceId + "/runs", adminToken,
                new SubmitRun("fleet run", null, List.of(steps)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return Json.read(r.body(), RunView.class);
    }

    public static StepSpec step(String key) {
        return new StepSpec(key, "http", "GET https://example.test/" + key, null, null);
    }

    public TestApi.Response leaseRaw(Edge edge, int maxSteps, int waitSeconds) {
        return api.send("POST", "/api/v1/edge/leases", edge.token(), new LeaseRequest(maxSteps, waitSeconds));
    }

    public LeaseBatch lease(Edge edge, int maxSteps, int waitSeconds) {
        TestApi.Response r = leaseRaw(edge, maxSteps, waitSeconds);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.read(r.body(), LeaseBatch.class);
    }

    /** POST /api/v1/edge/steps/{stepId}/{what} with the edge's token. */
    public TestApi.Response report(Edge edge, UUID stepId, String what, Object body) {
        return api.send("POST", "/api/v1/edge/steps/" + stepId + "/" + what, edge.token(), body);
    }

    /** POST /api/v1/edge/results (a batch of results) with the edge's token. */
    public TestApi.Response results(Edge edge, Object body) {
        return api.send("POST", "/api/v1/edge/results", edge.token(), body);
    }

    public TestApi.Response edgeGet(Edge edge, String path) {
        return api.get("/api/v1/edge" + path, edge.token());
    }

    /**
     * Fleet ids in a workspace, for the API matrices: an enrolment, an edge enrolled with it that leases the
     * run's first (queued, http) step, uploads an artifact and completes the step, so nothing is left leased.
     */
    public Map<String, String> fleetIds(UUID workspaceId, RunView run) {
        IssuedEnrollment enrollment = enrollment(workspaceId, null);
        Edge edge = enroll(enrollment.token(), TestApi.unique("matrix-edge"), Map.of(), List.of("http"), 1);
        LeaseBatch batch = lease(edge, 1, 5);
        assertThat(batch.leases()).as("the fixture edge leases the run's first step").hasSize(1);
        var lease = batch.leases().getFirst();
        assertThat(lease.stepId()).isEqualTo(run.steps().getFirst().id());
        TestApi.Response artifact = report(edge, lease.stepId(), "artifacts", new io.octvex.protocol.ArtifactUpload(
                lease.epoch(), "fixture.txt", "text/plain", Base64.getEncoder().encodeToString("fixture".getBytes())));
        assertThat(artifact.status()).as(artifact.body()).isEqualTo(201);
        TestApi.Response done = report(edge, lease.stepId(), "result", new io.octvex.protocol.StepResult(lease.epoch(),
                io.octvex.protocol.StepStatus.COMPLETED, null, null));
        assertThat(done.status()).as(done.body()).isEqualTo(204);
        return Map.of("edgeId", edge.id().toString(), "enrollmentId", enrollment.enrollment().id().toString(),
                "artifactId", Json.tree(artifact.body()).get("id").asString());
    }

    public TestApi.Response admin(String method, String path) {
        return api.send(method, path, adminToken, null);
    }
}
