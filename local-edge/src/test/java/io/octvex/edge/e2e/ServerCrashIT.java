package io.octvex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.ProtocolVersion;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The server SIGKILLed under load and restarted on the same home (same embedded PostgreSQL data directory,
 * same port), twice: runs keep being submitted, a third of them need an approval that an approver gives as
 * soon as it appears, and three {@code octvex-edge} processes work through the steps. Whatever the server
 * acknowledged (a 2xx for a submit or an approval, a step the API showed completed) is still there after each
 * restart, the edges carry on by themselves, every run ends completed, and the audit chain is intact.
 */
class ServerCrashIT {
    private static final int CRASHES = 2;
    private static final Duration LOAD_BEFORE_CRASH = Duration.ofSeconds(8);
    private static final String POLICY = """
            grants:
              - id: members
                to: {roles: [owner, admin, operator, agent]}
                actions: ["*"]
            rules:
              - id: reviewed-runs-wait-for-a-person
                when: '"review" in run.labels'
                effect: require_approval
                message: reviewed runs wait for a person
                approval: {role: approver, expires: PT30M}
            """;

    private final List<Processes.Running> edges = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Processes.Running server;

    @AfterEach
    void stop() throws Exception {
        for (Processes.Running edge : edges) {
            edge.process().destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nothingAcknowledgedIsLostWhenTheServerIsKilledAndEdgesCarryOn() throws Exception {
        Path root = Files.createTempDirectory("octvex-crash-it-");
        Path home = root.resolve("server-home");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // fixed across restarts: the edges keep the URL they were given
        }
        String[] args = {"--server.port=" + port, "--octvex.fleet.lease-ttl=3s",
                "--octvex.fleet.placement-grace=300ms", "--octvex.fleet.live-window=10s"};
        server = Processes.startServer(home, args);
        String url = Processes.awaitServerUrl(server, home, Deadline.SERVER_START);
        String token = OctvexClient.connect(url).login("admin", Processes.ADMIN_PASSWORD).token();
        OctvexClient admin = OctvexClient.connect(url).withToken(token);
        UUID workspace = admin.workspaces().getFirst().id();
        admin.savePolicy(workspace, POLICY, true);
        admin.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER, "ada-approver", null,
                "ada approves things", List.of(Role.APPROVER)));
        OctvexClient approver = OctvexClient.connect(url)
                .withToken(OctvexClient.connect(url).login("ada-approver", "ada approves things").token());
        String enrolment = new AdminHttp(url, token).enrolmentToken(workspace, "crash", 3);
        for (int i = 0; i < 3; i++) {
            edges.add(Processes.startEdge(root.resolve("edge-" + i), "edge-" + i, List.of("--server", url,
                    "--enroll", enrolment, "--name", "crash-" + i, "--capacity", "2", "--wait")));
        }

        Deadline.await("the three edges are live", Deadline.SERVER_START, () -> new AdminHttp(url, token)
                .edges(workspace).stream().filter(EdgeView::healthy).count() == 3, () -> edges.getFirst().output());

        Set<UUID> submitted = ConcurrentHashMap.newKeySet(); // runs whose submit answered 2xx
        Set<UUID> approved = ConcurrentHashMap.newKeySet(); // approvals whose answer was 2xx
        AtomicInteger refused = new AtomicInteger(); // calls that failed while the server was down
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread submitter = Thread.ofVirtual().start(() -> {
            for (int n = 0; loading.get(); n++) {
                try {
                    submitted.add(admin.submitRun(workspace, run(n)).id());
                    Thread.sleep(150);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    refused.incrementAndGet();
                    sleepQuietly(200);
                }
            }
        });
        Thread approving = Thread.ofVirtual().start(() -> {
            while (loading.get()) {
                try {
                    for (ApprovalView pending : approver.approvals(workspace, ApprovalStatus.PENDING, null)) {
                        approved.add(approver.approve(workspace, pending.id(), new DecideApproval("ok", null)).id());
                    }
                } catch (RuntimeException e) {
                    refused.incrementAndGet(); // down, or another answer got there first
                }
                sleepQuietly(300);
            }
        });

        List<String> recoveries = new ArrayList<>();
        for (int crash = 1; crash <= CRASHES; crash++) {
            Thread.sleep(LOAD_BEFORE_CRASH.toMillis());
            Map<UUID, JsonNode> completedBefore = completedSteps(admin, workspace, submitted);
            long seqBefore = History.read(admin, workspace).events().getLast().seq();
            int runsBefore = submitted.size();
            int approvalsBefore = approved.size();

            server.process().destroyForcibly(); // SIGKILL mid-load: no shutdown hook, PostgreSQL left orphaned
            server.awaitExit(Duration.ofSeconds(10));
            long restart = System.nanoTime();
            server = Processes.startServer(home, args); // same home: same data directory, same port
            Deadline.await("the restarted server answers /actuator/health", Deadline.SERVER_START,
                    () -> healthy(url), () -> Deadline.tail(server.output(), 4000));
            long serving = System.nanoTime();
            Instant served = Instant.now();
            Deadline.await("an edge leases a step from the restarted server", Duration.ofSeconds(120),
                    () -> admin.events(workspace, seqBefore, 1000).events().stream().anyMatch(
                            e -> e.type().equals("step.placed") && e.at().isAfter(served)),
                    () -> edges.getFirst().output() + Deadline.tail(server.output(), 4000));
            long working = System.nanoTime();

            // what was acknowledged before the kill is all still there
            Map<UUID, JsonNode> completedAfter = completedSteps(admin, workspace, submitted);
            completedBefore.forEach((step, result) -> assertThat(completedAfter.get(step))
                    .as("step " + step + " was completed before the crash").isEqualTo(result));
            for (UUID id : Set.copyOf(approved)) {
                assertThat(admin.approval(workspace, id).status()).isEqualTo(ApprovalStatus.APPROVED);
            }
            recoveries.add("crash %d: %d runs and %d approvals acknowledged, %d steps completed before it; serving "
                    .formatted(crash, runsBefore, approvalsBefore, completedBefore.size())
                    + "%.1f s after the restart began, edges working again after %.1f s".formatted(
                    (serving - restart) / 1e9, (working - restart) / 1e9));
        }
        loading.set(false);
        submitter.join(Duration.ofSeconds(70));
        approving.join(Duration.ofSeconds(70));
        assertThat(submitter.isAlive() || approving.isAlive()).as("load threads stopped").isFalse();

        // everything ends: approvals still pending are answered now, then every run completes
        Deadline.await("every acknowledged run completes", Duration.ofSeconds(120), () -> {
            for (ApprovalView pending : approver.approvals(workspace, ApprovalStatus.PENDING, null)) {
                approved.add(approver.approve(workspace, pending.id(), new DecideApproval("ok", null)).id());
            }
            return submitted.stream().allMatch(id -> admin.run(workspace, id).status() == RunStatus.COMPLETED);
        }, () -> Deadline.tail(server.output(), 4000));
        for (UUID id : submitted) {
            for (StepView step : admin.run(workspace, id).steps()) {
                assertThat(step.result().get("attempt").asInt()).isEqualTo(step.attempt());
            }
        }
        for (UUID id : approved) {
            assertThat(admin.approval(workspace, id).status()).isEqualTo(ApprovalStatus.APPROVED);
        }
        History history = History.read(admin, workspace);
        assertThat(history.leaseViolations()).isEmpty();
        // an approval can also have ended without its answer reaching us (the server died before replying)
        assertThat(history.approvalEndings()).containsKeys(approved.toArray(UUID[]::new))
                .allSatisfy((a, n) -> assertThat(n).isOne());
        assertThat(admin.verifyChain(workspace).intact()).as("the audit hash chain after %d SIGKILLs", CRASHES).isTrue();
        for (Processes.Running edge : edges) {
            assertThat(edge.process().isAlive()).as("edges ride out the outage:\n" + edge.output()).isTrue();
        }
        System.out.printf("ServerCrashIT: %d runs, %d approvals, %d calls refused while down, %d leases expired, "
                        + "%d late reports fenced; %s%n", submitted.size(), approved.size(), refused.get(),
                history.ofType("lease.expired").size(), history.ofType("lease.fenced").size(), recoveries);
    }

    /** Two short noop steps, the second after the first; every third run needs an approval. */
    private static SubmitRun run(int n) {
        RetryPolicy retry = new RetryPolicy(20, 0);
        List<StepSpec> steps = List.of(
                new StepSpec("a", "noop", "run", Json.tree("{\"sleepMillis\": 300}"), List.of(), null, retry),
                new StepSpec("b", "noop", "run", Json.tree("{\"sleepMillis\": 300}"), List.of("a"), null, retry));
        JsonNode spec = Math.floorMod(n, 3) == 0 ? Json.tree("{\"labels\": {\"review\": \"yes\"}}") : null;
        return new SubmitRun("crash load " + n, spec, steps);
    }

    private static Map<UUID, JsonNode> completedSteps(OctvexClient admin, UUID workspace, Set<UUID> runs) {
        Map<UUID, JsonNode> done = new HashMap<>();
        for (UUID id : Set.copyOf(runs)) {
            for (StepView step : admin.run(workspace, id).steps()) {
                if (step.status() == StepStatus.COMPLETED) {
                    done.put(step.id(), step.result());
                }
            }
        }
        return done;
    }

    private boolean healthy(String url) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url + "/actuator/health"))
                    .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
