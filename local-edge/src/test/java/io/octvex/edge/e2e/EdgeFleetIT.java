package io.octvex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EventView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.Placement;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.ProtocolVersion;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.Role;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.Timeline;
import io.octvex.protocol.TimelineEntry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The real server jar, real {@code octvex-edge} processes, a local HTTP target: enrolment, an http step, a
 * killed edge (SIGKILL), a paused edge (SIGSTOP past its TTL, then SIGCONT) and a revoked edge. The server runs
 * with a 3 s lease TTL so that lost leases are noticed quickly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeFleetIT {
    private static final Duration TTL = Duration.ofSeconds(3);

    private Path root;
    private Processes.Running server;
    private String url;
    private OctvexClient admin;
    private String adminToken;
    private UUID workspace;
    private String enrolmentToken;
    private final List<Processes.Running> edges = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-edge-it-");
        Path home = root.resolve("server-home");
        server = Processes.startServer(home, "--octvex.fleet.lease-ttl=" + TTL.toSeconds() + "s",
                "--octvex.fleet.placement-grace=500ms");
        url = Processes.awaitServerUrl(server, home, Duration.ofSeconds(120));
        var session = OctvexClient.connect(url).login("admin", Processes.ADMIN_PASSWORD);
        adminToken = session.token();
        admin = OctvexClient.connect(url).withToken(adminToken);
        workspace = admin.workspaces().getFirst().id();
        IssuedEnrollment issued = adminPost("/api/v1/workspaces/" + workspace + "/edges/enrollments",
                new CreateEnrollment("edge e2e", null, 20, null), IssuedEnrollment.class);
        enrolmentToken = issued.token();
    }

    @AfterEach
    void stopEdges() throws Exception {
        for (Processes.Running edge : edges) {
            if (edge.process().isAlive()) {
                edge.signal("CONT");
            }
            edge.close();
        }
        edges.clear();
    }

    @AfterAll
    void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    // --- (a) an http step against a local target -------------------------------------------------------------

    @Test
    void anHttpStepRunsOnAnEnrolledEdge() throws Exception {
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/hello", ex -> {
            byte[] body = "{\"greeting\":\"hello from the target\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.getResponseHeaders().add("Set-Cookie", "s=1");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.start();
        try {
            Path home = root.resolve("edge-http");
            Processes.Running edge = edge("edge-http", home, "http");
            await("the edge is enrolled", () -> Files.exists(home.resolve("edge/identity.json")), edge);
            Path identity = home.resolve("edge/identity.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity))).isEqualTo("rw-------");
            assertThat(Files.readString(identity)).contains("ovx_edge_");
            assertThat(edge.output()).doesNotContain("ovx_edge_").doesNotContain(enrolmentToken);

            String targetUrl = "http://127.0.0.1:" + target.getAddress().getPort() + "/hello";
            RunView run = submit("http", "http", Json.toTree(Map.of("url", targetUrl)), "http");
            RunView done = awaitRun(run.id(), edge);

            assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
            StepView step = done.steps().getFirst();
            assertThat(step.status()).isEqualTo(StepStatus.COMPLETED);
            assertThat(step.result().get("status").asInt()).isEqualTo(200);
            assertThat(Json.tree(step.result().get("body").asString()).get("greeting").asString())
                    .isEqualTo("hello from the target");
            assertThat(step.result().get("headers").has("set-cookie")).isFalse();

            Timeline timeline = admin.timeline(workspace, run.id());
            assertThat(timeline.entries()).extracting(TimelineEntry::type).contains("step.placed");
            assertThat(timeline.entries()).filteredOn(e -> step.id().equals(e.stepId()))
                    .extracting(TimelineEntry::summary).isNotEmpty();

            // the edge drains and exits 0 on SIGTERM
            edge.signal("TERM");
            assertThat(edge.awaitExit(Duration.ofSeconds(20))).isZero();
        } finally {
            target.stop(0);
        }
    }

    // --- (a') a redirect the policy wants approved: the edge waits, blocked, and goes on in place ------------

    @Test
    void aRedirectNeedingApprovalBlocksTheStepUntilAnApproverSaysYes() throws Exception {
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = target.getAddress().getPort();
        target.createContext("/start", ex -> {
            ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/final");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        target.createContext("/final", ex -> {
            byte[] body = "approved content".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.start();
        try {
            admin.savePolicy(workspace, """
                    grants:
                      - id: members
                        to: {roles: [owner, admin, operator, agent]}
                        actions: ["*"]
                    rules:
                      - id: localhost-needs-a-look
                        when: 'request.host == "localhost"'
                        effect: require_approval
                        message: the step wants to follow a redirect to localhost
                        approval: {role: approver, expires: PT10M}
                    """, true);
            admin.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER, "ada-approver", null,
                    "ada approves things", List.of(Role.APPROVER)));
            OctvexClient approver = OctvexClient.connect(url)
                    .withToken(OctvexClient.connect(url).login("ada-approver", "ada approves things").token());
            Processes.Running edge = edge("edge-approval", root.resolve("edge-approval"), "approval");

            RunView run = submit("redirected", "http",
                    Json.toTree(Map.of("url", "http://127.0.0.1:" + port + "/start")), "approval");
            List<ApprovalView> pending = new ArrayList<>();
            await("the edge asks for approval of the redirect", () -> {
                pending.clear();
                pending.addAll(admin.approvals(workspace, ApprovalStatus.PENDING, run.id()));
                return !pending.isEmpty();
            }, edge);
            assertThat(pending.getFirst().evidence().get("resource").asString())
                    .isEqualTo("http://localhost:" + port + "/final");
            assertThat(admin.run(workspace, run.id()).status()).isEqualTo(RunStatus.BLOCKED);
            Thread.sleep(TTL.toMillis() + 1000); // longer than a lease: the waiting edge keeps it with heartbeats
            assertThat(stepOf(run).status()).isEqualTo(StepStatus.BLOCKED);

            approver.approve(workspace, pending.getFirst().id(), new DecideApproval("fine", null));
            RunView done = awaitRun(run.id(), edge);
            assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
            StepView step = done.steps().getFirst();
            assertThat(step.attempt()).as("the same attempt went on").isEqualTo(1);
            assertThat(step.result().get("body").asString()).isEqualTo("approved content");
            assertThat(eventTypes(run.id())).contains("approval.requested", "approval.voted", "approval.approved")
                    .doesNotContain("lease.lost", "lease.fenced");
        } finally {
            admin.activatePolicy(workspace, 1); // back to the starter policy for the other tests
            target.stop(0);
        }
    }

    // --- (a'') a credential from the vault, just in time: it reaches the target and nothing else ------------

    @Test
    void aVaultCredentialReachesTheTargetAndNoAnswerLogOrEventEverShowsIt() throws Exception {
        String canary = "sk-canary-" + UUID.randomUUID();
        java.util.concurrent.atomic.AtomicReference<String> received = new java.util.concurrent.atomic.AtomicReference<>();
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/login", ex -> { // a page that prints what is typed
            byte[] body = ("<!doctype html><title>Sign in</title><input id=\"pw\" oninput=\"document.getElementById("
                    + "'shown').textContent = 'typed: ' + this.value\"><p id=\"shown\"></p>").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.createContext("/debug", ex -> { // a target that prints the request headers back
            received.set(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("you sent: " + ex.getRequestHeaders().getFirst("Authorization")).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        target.start();
        try {
            admin.createSecret(workspace, new CreateSecret("debug-token", SecretKind.BEARER, null, null, null, null,
                    canary.toCharArray()));
            Processes.Running edge = edge("edge-vault", root.resolve("edge-vault"), "vault");
            RunView run = submit("call", "http", Json.toTree(Map.of(
                    "url", "http://127.0.0.1:" + target.getAddress().getPort() + "/debug",
                    "auth", Map.of("secret", "debug-token", "as", "bearer"))), "vault");
            RunView done = awaitRun(run.id(), edge);

            assertThat(done.status()).as(edge.output()).isEqualTo(RunStatus.COMPLETED);
            assertThat(received.get()).as("the target got the credential").isEqualTo("Bearer " + canary);
            StepView step = done.steps().getFirst();
            assertThat(step.result().get("body").asString()).startsWith("you sent: ****").doesNotContain(canary);
            assertThat(step.result().get("redacted").asBoolean()).isTrue();
            assertThat(eventTypes(run.id())).contains("credential.leased", "secret.accessed");

            // a browser step types a password from the vault into a page that prints it, then takes a screenshot
            RunView browsed = null;
            boolean browser = Files.isExecutable(Path.of("/usr/bin/chromium")); // CI installs it: there this part runs
            if (browser) {
                assertThat(edge.output()).contains("handlers [browser");
                admin.createSecret(workspace, new CreateSecret("portal-login", SecretKind.USERNAME_PASSWORD, null,
                        "ada".toCharArray(), (canary + "-pw").toCharArray(), null, null));
                browsed = submit("browse", "browser", Json.tree("""
                        {"actions": [{"goto": "http://127.0.0.1:%d/login"},
                                     {"fill": "#pw", "secret": "portal-login", "field": "password"},
                                     {"extract": "#shown", "as": "shown"}, {"screenshot": "after-fill"}]}"""
                        .formatted(target.getAddress().getPort())), "vault");
                RunView shown = awaitRun(browsed.id(), edge);
                assertThat(shown.status()).as(edge.output()).isEqualTo(RunStatus.COMPLETED);
                assertThat(shown.steps().getFirst().result().get("extracted").get("shown").asString())
                        .isEqualTo("typed: " + "*".repeat((canary + "-pw").length()));
            }

            // search everything a client or an operator can see: answers, the live stream, artifacts, logs
            List<EventView> streamed = new java.util.concurrent.CopyOnWriteArrayList<>();
            long last = admin.events(workspace, 0, 1000).lastSeq();
            try (var subscription = admin.subscribe(workspace, 0, streamed::add, e -> { })) {
                await("the stream replays the workspace's events", () -> !streamed.isEmpty()
                        && streamed.getLast().seq() >= last, edge);
            }
            StringBuilder everything = new StringBuilder();
            everything.append(Json.write(admin.run(workspace, run.id()))).append(Json.write(admin.timeline(workspace, run.id())))
                    .append(Json.write(admin.events(workspace, 0, 1000))).append(Json.write(streamed))
                    .append(edge.output()).append(server.output());
            if (browsed != null) {
                everything.append(Json.write(admin.run(workspace, browsed.id())))
                        .append(Json.write(admin.timeline(workspace, browsed.id())));
                for (var shot : admin.run(workspace, browsed.id()).steps().getFirst().result().get("screenshots")) {
                    HttpResponse<byte[]> png = http.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/"
                                    + workspace + "/runs/" + browsed.id() + "/artifacts/" + shot.asString()))
                            .header("Authorization", "Bearer " + adminToken)
                            .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(png.statusCode()).isEqualTo(200);
                    everything.append(new String(png.body(), StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(everything.toString()).doesNotContain(canary)
                    .doesNotContain(java.util.Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8)));
        } finally {
            target.stop(0);
        }
    }

    // --- (b) SIGKILL mid-step ------------------------------------------------------------------------------------

    @Test
    void aKilledEdgesStepIsOfferedAgainAndCompletesOnce() throws Exception {
        Processes.Running first = edge("edge-kill-1", root.resolve("edge-kill-1"), "kill");
        RunView run = submit("sleepy", "noop", Json.tree("{\"sleepMillis\":4000}"), "kill");
        await("the step runs on the first edge", () -> stepOf(run).status() == StepStatus.RUNNING, first);
        Processes.Running second = edge("edge-kill-2", root.resolve("edge-kill-2"), "kill");

        first.process().destroyForcibly(); // SIGKILL
        first.awaitExit(Duration.ofSeconds(10));

        RunView done = awaitRun(run.id(), second);
        StepView step = done.steps().getFirst();
        assertThat(step.status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(step.attempt()).isEqualTo(2);
        assertThat(step.result().get("attempt").asInt()).isEqualTo(2);
        assertThat(completions(run.id(), step.id())).isEqualTo(1);
        assertThat(eventTypes(run.id())).contains("lease.expired");
    }

    // --- (c) SIGSTOP past the TTL, then SIGCONT -------------------------------------------------------------------

    @Test
    void aPausedEdgesLateResultIsRefused() throws Exception {
        Processes.Running paused = edge("edge-pause-1", root.resolve("edge-pause-1"), "pause");
        RunView run = submit("sleepy", "noop", Json.tree("{\"sleepMillis\":2500}"), "pause");
        await("the step runs on the first edge", () -> stepOf(run).status() == StepStatus.RUNNING, paused);
        paused.signal("STOP");
        Processes.Running other = edge("edge-pause-2", root.resolve("edge-pause-2"), "pause");

        RunView done = awaitRun(run.id(), other);
        StepView step = done.steps().getFirst();
        assertThat(step.status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(step.attempt()).isEqualTo(2);

        paused.signal("CONT");
        await("the resumed edge notices it lost the lease", () -> paused.output().contains("lost the lease"), paused);
        Thread.sleep(1_000);

        RunView after = admin.run(workspace, run.id());
        assertThat(after.steps().getFirst().status()).isEqualTo(StepStatus.COMPLETED);
        assertThat(after.steps().getFirst().attempt()).isEqualTo(2);
        assertThat(after.steps().getFirst().result()).isEqualTo(step.result());
        assertThat(completions(run.id(), step.id())).isEqualTo(1);
        assertThat(paused.process().isAlive()).as("a lost lease does not stop the edge").isTrue();
        String late = paused.output();
        if (late.contains("refused the result")) {
            assertThat(eventTypes(run.id())).contains("lease.fenced");
        }
    }

    // --- (d) revoked ------------------------------------------------------------------------------------------------

    @Test
    void aRevokedEdgeExitsWithCode3AndARestartIsRefused() throws Exception {
        Path home = root.resolve("edge-revoke");
        Processes.Running edge = edge("edge-revoke", home, "revoke");
        await("the edge is enrolled", () -> Files.exists(home.resolve("edge/identity.json")), edge);
        UUID edgeId = UUID.fromString(Json.tree(Files.readString(home.resolve("edge/identity.json")))
                .get("edgeId").asString());

        adminPost("/api/v1/workspaces/" + workspace + "/edges/" + edgeId + "/revoke", null, EdgeView.class);

        assertThat(edge.awaitExit(Duration.ofSeconds(15))).isEqualTo(3);
        assertThat(edge.output()).contains("revoked");

        Processes.Running again = Processes.startEdge(home, "edge-revoke-again", List.of("--server", url));
        edges.add(again);
        assertThat(again.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
        assertThat(again.output()).contains("revoked or is unknown");
    }

    // --- helpers ------------------------------------------------------------------------------------------------------

    private Processes.Running edge(String name, Path home, String testLabel) throws IOException {
        Processes.Running edge = Processes.startEdge(home, name, List.of("--server", url, "--enroll", enrolmentToken,
                "--name", name, "--label", "test=" + testLabel, "--capacity", "1", "--drain-timeout", "10", "--wait"));
        edges.add(edge);
        return edge;
    }

    private RunView submit(String key, String handler, JsonNode input, String testLabel) {
        var step = new StepSpec(key, handler, "run", input, List.of(),
                new Placement(Map.of("test", testLabel), null), new RetryPolicy(3, 0));
        return admin.submitRun(workspace, new SubmitRun("edge e2e " + testLabel, null, List.of(step)));
    }

    private StepView stepOf(RunView run) {
        return admin.run(workspace, run.id()).steps().getFirst();
    }

    private RunView awaitRun(UUID runId, Processes.Running edge) throws Exception {
        RunView[] last = new RunView[1];
        await("run " + runId + " ends", () -> {
            last[0] = admin.run(workspace, runId);
            return last[0].status() == RunStatus.COMPLETED || last[0].status() == RunStatus.FAILED;
        }, edge);
        return last[0];
    }

    private long completions(UUID runId, UUID stepId) {
        return admin.timeline(workspace, runId).entries().stream()
                .filter(e -> stepId.equals(e.stepId()) && e.type().equals("step.transitioned"))
                .filter(e -> e.data() != null && "completed".equals(e.data().path("to").asString(null)))
                .count();
    }

    private List<String> eventTypes(UUID runId) {
        return admin.timeline(workspace, runId).entries().stream().map(TimelineEntry::type).toList();
    }

    private void await(String what, Callable<Boolean> condition, Processes.Running edge) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 40 s: " + what + "\n--- edge output:\n" + edge.output()
                        + "\n--- server output (tail):\n" + tail(server.output(), 4000));
            }
            Thread.sleep(200);
        }
    }

    private static String tail(String text, int n) {
        return text.length() <= n ? text : text.substring(text.length() - n);
    }

    private <T> T adminPost(String path, Object body, Class<T> type) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + adminToken)
                .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new AssertionError("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.mapper().readValue(response.body(), type);
    }
}
