package io.octvex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two server replicas on one PostgreSQL (the second pointed at the first's embedded database, as an operator
 * would point both at an external one), two edges on each, runs submitted through both, and two approvers
 * racing to answer every approval, one through each replica. One edge is SIGKILLed mid-load so that a sweeper
 * (whichever replica holds its advisory lock) takes its leases back. The audit log, written by both replicas,
 * is then checked as a history: no two valid leases of a step overlap, no step completes twice, every approval
 * ends exactly once.
 */
class TwoReplicasIT {
    private static final Pattern EMBEDDED_PORT = Pattern.compile("Embedded PostgreSQL \\d+ running on port (\\d+)");
    private static final int RUNS = 40;
    private static final String FLEET_ARGS = "--octvex.fleet.lease-ttl=2s --octvex.fleet.placement-grace=300ms "
            + "--octvex.fleet.live-window=5s --octvex.fleet.sweep-interval=PT0.3S";
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

    private final List<Processes.Running> processes = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Processes.Running p : processes.reversed()) { // edges first, the database owner last
            p.close();
        }
    }

    @Test
    void twoReplicasGrantNoOverlappingLeasesAndEndEveryApprovalOnce() throws Exception {
        Path root = Files.createTempDirectory("octvex-replicas-it-");
        Path homeA = root.resolve("a/server-home");
        Files.createDirectories(homeA.getParent());
        Processes.Running a = start(Processes.startServer(homeA, FLEET_ARGS.split(" ")));
        String urlA = Processes.awaitServerUrl(a, homeA, Deadline.SERVER_START);
        Matcher port = EMBEDDED_PORT.matcher(a.output());
        assertThat(port.find()).as("the first replica logs its embedded PostgreSQL port").isTrue();

        Path homeB = root.resolve("b/server-home");
        Files.createDirectories(homeB.getParent());
        List<String> argsB = new ArrayList<>(List.of(FLEET_ARGS.split(" ")));
        argsB.addAll(List.of("--octvex.database.url=jdbc:postgresql://127.0.0.1:" + port.group(1) + "/postgres",
                "--octvex.database.user=postgres", "--octvex.database.password=postgres",
                // one vault, one root key: the replicas must unwrap the same data keys
                "--octvex.vault.key-file=" + homeA.resolve("vault/root.key")));
        Processes.Running b = start(Processes.startServer(homeB, argsB.toArray(String[]::new)));
        String urlB = Processes.awaitServerUrl(b, homeB, Deadline.SERVER_START);

        String token = OctvexClient.connect(urlA).login("admin", Processes.ADMIN_PASSWORD).token();
        OctvexClient viaA = OctvexClient.connect(urlA).withToken(token);
        OctvexClient viaB = OctvexClient.connect(urlB).withToken(token); // a session made on A works on B
        UUID workspace = viaA.workspaces().getFirst().id();
        viaB.savePolicy(workspace, POLICY, true);
        List<OctvexClient> approvers = new ArrayList<>();
        for (String[] who : new String[][] {{"ada", urlA}, {"bob", urlB}}) {
            viaA.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER, who[0] + "-approver", null,
                    who[0] + " approves things", List.of(Role.APPROVER)));
            approvers.add(OctvexClient.connect(who[1]).withToken(OctvexClient.connect(who[1])
                    .login(who[0] + "-approver", who[0] + " approves things").token()));
        }
        String enrolment = new AdminHttp(urlA, token).enrolmentToken(workspace, "replicas", 4);
        List<Processes.Running> edges = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String url = i % 2 == 0 ? urlA : urlB;
            edges.add(start(Processes.startEdge(root.resolve("edge-" + i), "edge-" + i, List.of("--server", url,
                    "--enroll", enrolment, "--name", "replica-edge-" + i, "--capacity", "2", "--wait"))));
        }

        // two approvers answer every pending approval, each through its own replica, as fast as they can
        Set<UUID> answered = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean approving = new AtomicBoolean(true);
        List<Thread> racers = new ArrayList<>();
        for (OctvexClient approver : approvers) {
            racers.add(Thread.ofVirtual().start(() -> {
                while (approving.get()) {
                    try {
                        for (ApprovalView pending : approver.approvals(workspace, ApprovalStatus.PENDING, null)) {
                            try {
                                answered.add(approver.approve(workspace, pending.id(), new DecideApproval("ok", null))
                                        .id());
                            } catch (RuntimeException e) {
                                refused.incrementAndGet(); // the other one was first
                            }
                        }
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }

        List<UUID> runs = new ArrayList<>();
        for (int n = 0; n < RUNS; n++) {
            runs.add((n % 2 == 0 ? viaA : viaB).submitRun(workspace, run(n)).id());
            if (n == RUNS / 2) {
                edges.get(1).process().destroyForcibly(); // SIGKILL an edge of replica B mid-load
            }
            Thread.sleep(100);
        }
        Deadline.await("every run completes", Duration.ofSeconds(240),
                () -> runs.stream().allMatch(id -> viaB.run(workspace, id).status() == RunStatus.COMPLETED),
                () -> Deadline.tail(a.output(), 3000) + Deadline.tail(b.output(), 3000));
        approving.set(false);
        for (Thread racer : racers) {
            assertThat(racer.join(Duration.ofSeconds(30))).isTrue();
        }

        History history = History.read(viaA, workspace);
        assertThat(history.leaseViolations()).isEmpty();
        assertThat(history.completions()).hasSize(RUNS * 3).allSatisfy((step, n) -> assertThat(n).isOne());
        assertThat(history.approvalEndings()).hasSizeGreaterThanOrEqualTo(RUNS / 2).containsOnlyKeys(answered)
                .allSatisfy((approval, n) -> assertThat(n).isOne());
        Set<String> grantedBy = new HashSet<>();
        for (EventView placed : history.ofType("step.placed")) {
            grantedBy.add(placed.data().path("edgeName").asString());
        }
        assertThat(grantedBy).as("edges of both replicas got leases")
                .contains("replica-edge-0", "replica-edge-2", "replica-edge-3");
        assertThat(viaB.verifyChain(workspace).intact()).isTrue();
        System.out.printf("TwoReplicasIT: %d runs / %d steps through 2 replicas, %d leases granted, %d expired, "
                        + "%d approvals each ended once, %d racing answers refused%n", RUNS, RUNS * 3,
                history.ofType("step.placed").size(), history.ofType("lease.expired").size(), answered.size(),
                refused.get());
    }

    private Processes.Running start(Processes.Running process) {
        processes.add(process);
        return process;
    }

    /** Three noop steps (two in parallel, then a third); every other run needs an approval. */
    private static SubmitRun run(int n) {
        RetryPolicy retry = new RetryPolicy(20, 0);
        List<StepSpec> steps = IntStream.range(0, 3).mapToObj(i -> new StepSpec("s" + i, "noop", "run",
                Json.tree("{\"sleepMillis\": 400}"), i == 2 ? List.of("s0", "s1") : List.of(), null, retry)).toList();
        JsonNode spec = n % 2 == 0 ? Json.tree("{\"labels\": {\"review\": \"yes\"}}") : null;
        return new SubmitRun("replicas " + n, spec, steps);
    }
}
