package io.octvex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.ProtocolVersion;
import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.TimelineEntry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real server jar with the auto-scaler on (process backend spawning real {@code octvex-edge} processes):
 * 50 queued noop steps make it spawn edges up to max (3), every step completes exactly once, then the idle
 * edges are drained back to min (0) and their processes exit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoScalerIT {
    private static final String LABEL = "octvex.autoscaled";
    private static final String SCALER = "it-scaler";

    private Path root;
    private Processes.Running server;
    private String url;
    private OctvexClient admin;
    private String adminToken;
    private UUID workspace;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-autoscaler-it-");
        Path home = root.resolve("server-home");
        String edgeCommand = String.join(" ", Processes.java(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-jar",
                Processes.jar("octvex.edge.jar").toString());
        server = Processes.startServer(home, "--octvex.fleet.placement-grace=500ms",
                "--octvex.fleet.autoscaler.enabled=true",
                "--octvex.fleet.autoscaler.id=" + SCALER,
                "--octvex.fleet.autoscaler.backend=process",
                "--octvex.fleet.autoscaler.workspace=default",
                "--octvex.fleet.autoscaler.capability=noop",
                "--octvex.fleet.autoscaler.min=0",
                "--octvex.fleet.autoscaler.max=3",
                "--octvex.fleet.autoscaler.interval=1s",
                "--octvex.fleet.autoscaler.cooldown=1s",
                "--octvex.fleet.autoscaler.idle-before-drain=3s",
                "--octvex.fleet.autoscaler.command=" + edgeCommand,
                "--octvex.fleet.autoscaler.work-dir=" + root.resolve("scaled"));
        url = Processes.awaitServerUrl(server, home, Duration.ofSeconds(120));
        adminToken = OctvexClient.connect(url).login("admin", Processes.ADMIN_PASSWORD).token();
        admin = OctvexClient.connect(url).withToken(adminToken);
        workspace = admin.workspaces().getFirst().id();
    }

    @AfterAll
    void stopServer() throws InterruptedException {
        if (server != null) {
            List<ProcessHandle> children = server.process().toHandle().descendants().toList();
            server.close();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void fiftyQueuedStepsScaleUpToMaxAndIdleEdgesDrainBackToMin() throws Exception {
        assertThat(autoscaled()).isEmpty();
        List<StepSpec> steps = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            steps.add(new StepSpec("s" + i, "noop", "run", Json.tree("{\"sleepMillis\":300}"), List.of(), null,
                    new RetryPolicy(3, 0)));
        }
        RunView run = admin.submitRun(workspace, new SubmitRun("auto-scaler e2e", null, steps));

        // edges are spawned up to max, never beyond, and the token never shows on a command line
        int[] peak = {0};
        RunView[] last = new RunView[1];
        await("the 50 steps complete", Duration.ofSeconds(60), () -> {
            List<EdgeView> edges = autoscaled();
            assertThat(edges.size()).as("provisioned edges").isLessThanOrEqualTo(3);
            peak[0] = Math.max(peak[0], (int) edges.stream().filter(e -> e.state() == EdgeState.ACTIVE).count());
            assertThat(edgeProcesses()).allSatisfy(p -> assertThat(p.info().commandLine().orElse(""))
                    .doesNotContain("ovx_enr_"));
            last[0] = admin.run(workspace, run.id());
            return last[0].status() == RunStatus.COMPLETED || last[0].status() == RunStatus.FAILED;
        });
        assertThat(last[0].status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(last[0].steps()).hasSize(50).extracting(StepView::status).containsOnly(StepStatus.COMPLETED);
        Map<UUID, Long> completions = admin.timeline(workspace, run.id()).entries().stream()
                .filter(e -> e.stepId() != null && e.type().equals("step.transitioned"))
                .filter(e -> e.data() != null && "completed".equals(e.data().path("to").asString(null)))
                .collect(Collectors.groupingBy(TimelineEntry::stepId, Collectors.counting()));
        assertThat(completions).hasSize(50).allSatisfy((step, n) -> assertThat(n).isEqualTo(1L));

        await("three edges enrolled", Duration.ofSeconds(20), () -> autoscaled().size() == 3);
        assertThat(peak[0]).as("active autoscaled edges at the peak").isBetween(1, 3);
        assertThat(autoscaled()).allSatisfy(e -> assertThat(e.labels()).containsEntry(LABEL, SCALER));

        // idle for idle-before-drain (3 s): drained back to min (0), and the edge processes exit
        await("every autoscaled edge is drained", Duration.ofSeconds(30),
                () -> autoscaled().stream().allMatch(e -> e.state() == EdgeState.DRAINING));
        await("the edge processes exit", Duration.ofSeconds(30), () -> edgeProcesses().isEmpty());
        assertThat(autoscaled()).hasSize(3);
        assertThat(server.output()).contains("Auto-scaler '" + SCALER + "' drains idle edge");

        // audited as the workspace's first owner: scaled up by 3 in all, each edge scaled down once
        List<EventView> events = events();
        List<EventView> up = events.stream().filter(e -> e.type().equals("fleet.scaled_up")).toList();
        assertThat(up).isNotEmpty().allSatisfy(e -> {
            assertThat(e.principalId()).isNotNull();
            assertThat(e.data().get("backend").asString()).isEqualTo("process");
            assertThat(e.data().get("queued").asInt()).isPositive();
            assertThat(e.data().get("edges").size()).isEqualTo(e.data().get("count").asInt());
        });
        assertThat(up.stream().mapToInt(e -> e.data().get("count").asInt()).sum()).isEqualTo(3);
        assertThat(events.stream().filter(e -> e.type().equals("fleet.scaled_down"))
                .map(e -> UUID.fromString(e.data().get("edgeId").asString())).toList())
                .containsExactlyInAnyOrderElementsOf(autoscaled().stream().map(EdgeView::id).toList());
    }

    private List<EventView> events() {
        List<EventView> all = new ArrayList<>();
        long after = 0;
        EventPage page;
        do {
            page = admin.events(workspace, after, 500);
            all.addAll(page.events());
            after = page.lastSeq();
        } while (page.more());
        return all;
    }

    private List<EdgeView> autoscaled() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/v1/workspaces/" + workspace + "/edges"))
                .header("Authorization", "Bearer " + adminToken)
                .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Arrays.stream(Json.mapper().readValue(response.body(), EdgeView[].class))
                .filter(e -> SCALER.equals(e.labels().get(LABEL))).toList();
    }

    /** octvex-edge processes the server started. */
    private List<ProcessHandle> edgeProcesses() {
        return server.process().toHandle().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("octvex-edge")).orElse(false)).toList();
    }

    private void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + "\n--- edges:\n"
                        + edgeLogs() + "\n--- server output (tail):\n" + tail(server.output(), 6000));
            }
            Thread.sleep(250);
        }
    }

    private String edgeLogs() throws Exception {
        Path dir = root.resolve("scaled");
        if (!Files.isDirectory(dir)) {
            return "(none)";
        }
        try (var homes = Files.list(dir)) {
            return homes.map(h -> h.resolve("edge.log")).filter(Files::exists)
                    .map((Function<Path, String>) log -> {
                        try {
                            return log + ":\n" + tail(Files.readString(log), 1500);
                        } catch (java.io.IOException e) {
                            return log + ": " + e.getMessage();
                        }
                    }).collect(Collectors.joining("\n"));
        }
    }

    private static String tail(String text, int n) {
        return text.length() <= n ? text : text.substring(text.length() - n);
    }
}
