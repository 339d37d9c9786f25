package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.DeskShell;
import io.octvex.desk.testing.DeskTesting;
import io.octvex.protocol.ArtifactUpload;
import io.octvex.protocol.CheckpointReport;
import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRef;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.ProgressReport;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.TimelineEntry;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The Desk's Runs and Fleet screens against the real server jar: a run submitted through the API and worked
 * on by an enrolled edge (raw HTTP, as an edge talks) appears in Runs; opening it shows its timeline (placement
 * with reasons, progress, checkpoint, an inline screenshot) and its step graph, live; Cancel (confirmed) makes
 * the server report it cancelled. Fleet lists the edge, and Quarantine (confirmed) changes its state
 * server-side; Un-quarantine brings it back.
 *
 * <p>With {@code -Ddesk.screenshots=DIR} (under Xvfb with a GTK window, see docs/desk.md) it saves
 * desk-runs.png, desk-run-timeline.png and desk-fleet.png there.
 */
@ExtendWith(ApplicationExtension.class)
class DeskRunsFleetIT {
    private static final String POLICY = """
            grants:
              - id: members
                to: {roles: [owner, admin, operator, agent]}
                actions: ["*"]
            """;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static ServerProcess server;
    private static OctvexClient admin;
    private static UUID workspace;
    private static UUID edgeId;
    private static String edgeToken;

    private DeskShell shell;

    @BeforeAll
    static void startServer() throws Exception {
        // the chart samples every second here, so a screenshot has a few points to show
        System.setProperty("octvex.desk.fleet.sample-millis", "1000");
        // pages of two runs: the list of three needs "Load more"
        System.setProperty("octvex.desk.runs.page", "2");
        Path root = Files.createTempDirectory("octvex-desk-runs-it-");
        server = ServerProcess.start(root.resolve("server-home"));
        String adminToken = OctvexClient.connect(server.url()).login("admin", ServerProcess.ADMIN_PASSWORD).token();
        admin = OctvexClient.connect(server.url()).withToken(adminToken);
        workspace = admin.workspaces().getFirst().id();
        admin.savePolicy(workspace, POLICY, true);
        admin.createWorkspace("staging"); // admin is in two workspaces: the sidebar shows the switcher
        IssuedEnrollment enrollment = post("/api/v1/workspaces/" + workspace + "/edges/enrollments", adminToken,
                new CreateEnrollment("desk runs e2e", null, 1, null), IssuedEnrollment.class);
        byte[] sealingKey = new byte[32];
        new SecureRandom().nextBytes(sealingKey);
        EdgeEnrolled edge = post("/api/v1/edge/enroll", null, new EnrollEdge(enrollment.token(), "build-eu-1",
                Map.of("zone", "eu-west", "os", "linux"), List.of("noop"), 4,
                Base64.getEncoder().encodeToString(sealingKey), "0.1.0"), EdgeEnrolled.class);
        edgeId = edge.edgeId();
        edgeToken = edge.edgeToken();
    }

    @AfterAll
    static void stopServer() throws Exception {
        System.clearProperty("octvex.desk.fleet.sample-millis");
        System.clearProperty("octvex.desk.runs.page");
        if (server != null) {
            server.close();
        }
    }

    @Start
    void start(Stage stage) {
        shell = new DeskShell(server.url());
        DeskTesting.show(stage, shell, 1240, 760);
    }

    @AfterEach
    void closeShell() {
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    void runsShowTheirTimelineAndGraphLiveAndCancelAndTheFleetQuarantinesAnEdge(FxRobot robot) throws Exception {
        signIn(robot);

        // some history for the list, then the run we follow: fetch → (render → publish, check → publish)
        RunView done = admin.submitRun(workspace, new SubmitRun("warm cache", null, List.of(step("warm"))));
        work(done.id(), "warm", true);
        RunView dropped = admin.submitRun(workspace, new SubmitRun("re-index archive", null, List.of(step("index"))));
        admin.cancelRun(workspace, dropped.id(), "superseded");
        RunView run = admin.submitRun(workspace, new SubmitRun("nightly report", null, List.of(
                step("fetch"), step("render", "fetch"), step("check", "fetch"), step("publish", "render", "check"))));

        robot.clickOn("#nav-runs");
        ListView<RunView> runs = robot.lookup("#runs").queryListView();
        await("the first page of two runs is listed", () -> runs.getItems().size() == 2
                && robot.lookup("#runsMore").queryButton().isVisible());
        assertThat(runs.getItems()).extracting(RunView::title).containsExactly("nightly report", "re-index archive");
        robot.clickOn("#runsMore");
        await("Load more brings the third", () -> runs.getItems().size() == 3);
        await("and there is no more", () -> !robot.lookup("#runsMore").queryButton().isVisible());
        assertThat(runs.getItems()).extracting(RunView::title)
                .containsExactly("nightly report", "re-index archive", "warm cache");
        robot.interact(() -> runs.getSelectionModel().select(0));
        await("the run opens with its graph", () -> robot.lookup("#step-publish").tryQuery().isPresent());
        assertThat(graphStatus(robot, "fetch")).isEqualTo(StepStatus.QUEUED);
        assertThat(graphStatus(robot, "publish")).isEqualTo(StepStatus.PENDING);
        ListView<TimelineEntry> timeline = robot.lookup("#timeline").queryListView();
        assertThat(timeline.getItems()).extracting(TimelineEntry::summary)
                .anySatisfy(s -> assertThat(s).startsWith("Run created: nightly report (4 steps)"));

        // the edge works while the run is open: the timeline and the graph follow without a click
        work(run.id(), "fetch", true);
        Lease render = work(run.id(), "render", false);
        await("the timeline shows the placement with its reasons", () -> timeline.getItems().stream()
                .anyMatch(e -> e.type().equals("step.placed") && e.stepKey().equals("render")));
        await("the graph shows fetch completed and render running", () ->
                graphStatus(robot, "fetch") == StepStatus.COMPLETED && graphStatus(robot, "render") == StepStatus.RUNNING);
        await("the screenshot artifact is shown inline", () -> robot.lookup(n -> n instanceof ImageView iv
                && iv.getId() != null && iv.getId().startsWith("artifact-") && iv.getImage() != null
                && iv.getImage().getWidth() == 480).tryQuery().isPresent());
        assertThat(timeline.getItems()).extracting(TimelineEntry::type)
                .contains("policy.decided", "step.placed", "step.progress", "step.checkpoint", "step.artifact");
        assertThat(robot.lookup("#runStatus").queryAs(Label.class).getText()).isEqualTo("running");
        DeskTesting.screenshot(robot, "desk-runs.png");
        robot.interact(() -> timeline.scrollTo(timeline.getItems().size() - 1));
        robot.sleep(300);
        DeskTesting.screenshot(robot, "desk-run-timeline.png");

        // Cancel, confirmed with a reason: the server says cancelled, and so does the screen
        robot.clickOn("#cancelRun");
        await("the confirmation", () -> robot.lookup("#cancelReason").tryQuery().isPresent());
        robot.clickOn("#cancelReason").write("report moved to Monday");
        robot.clickOn("#confirmCancel");
        await("the server has the run cancelled", () -> admin.run(workspace, run.id()).status() == RunStatus.CANCELLED);
        await("the screen says cancelled", () -> "cancelled".equals(
                robot.lookup("#runStatus").queryAs(Label.class).getText()));
        assertThat(admin.timeline(workspace, run.id()).entries()).extracting(TimelineEntry::summary)
                .anySatisfy(s -> assertThat(s).contains("report moved to Monday"));
        assertThat(render.stepKey()).isEqualTo("render");

        // Fleet: the edge with its labels, load and heartbeat; quarantine it (confirmed), then bring it back
        heartbeat(List.of());
        robot.clickOn("#nav-fleet");
        TableView<EdgeView> edges = robot.lookup("#edges").queryTableView();
        await("the edge is listed", () -> edges.getItems().size() == 1);
        EdgeView shown = edges.getItems().getFirst();
        assertThat(shown.name()).isEqualTo("build-eu-1");
        assertThat(shown.labels()).containsEntry("zone", "eu-west");
        assertThat(shown.state()).isEqualTo(EdgeState.ACTIVE);
        // a backlog of three steps, two of which the edge then takes: the chart shows the queue and the leases
        RunView backlog = admin.submitRun(workspace, new SubmitRun("backfill", null,
                List.of(step("day-1"), step("day-2"), step("day-3"))));
        robot.sleep(2500); // chart samples (one a second here)
        LeaseBatch taken = post("/api/v1/edge/leases", edgeToken, new LeaseRequest(2, 5), LeaseBatch.class);
        assertThat(taken.leases()).hasSize(2).allSatisfy(l -> assertThat(l.runId()).isEqualTo(backlog.id()));
        heartbeat(taken.leases().stream().map(l -> new LeaseRef(l.stepId(), l.epoch())).toList());
        await("the table shows the edge's load", () -> edges.getItems().getFirst().activeLeases() == 2);
        robot.sleep(2500);
        chartShowsTheQueue(robot);
        DeskTesting.screenshot(robot, "desk-fleet.png");
        robot.interact(() -> edges.getSelectionModel().select(0));
        robot.clickOn("#quarantine");
        await("the confirmation", () -> robot.lookup("#confirmEdgeAction").tryQuery().isPresent());
        robot.clickOn("#confirmEdgeAction");
        await("the server has the edge quarantined", () -> admin.edge(workspace, edgeId).state() == EdgeState.QUARANTINED);
        await("the table says quarantined", () -> edges.getItems().getFirst().state() == EdgeState.QUARANTINED);
        // the table may follow the server's event before the Desk's own answer arrives: wait for the sentence
        await("the status line says so", () -> "build-eu-1 is now quarantined: it gets no new leases.".equals(
                robot.lookup("#fleetNotice").queryAs(Label.class).getText()));
        robot.interact(() -> edges.getSelectionModel().select(0));
        robot.clickOn("#release");
        await("the server has it active again", () -> admin.edge(workspace, edgeId).state() == EdgeState.ACTIVE);

        // the switcher opens the other workspace: its runs, not default's
        UUID staging = admin.workspaces().stream().filter(w -> w.name().equals("staging")).findFirst()
                .orElseThrow().id();
        admin.submitRun(staging, new SubmitRun("staging smoke test", null, List.of(step("smoke"))));
        javafx.scene.control.ComboBox<io.octvex.protocol.WorkspaceView> switcher =
                robot.lookup("#workspaceSwitcher").queryComboBox();
        robot.interact(() -> switcher.getSelectionModel().select(switcher.getItems().stream()
                .filter(w -> w.id().equals(staging)).findFirst().orElseThrow()));
        await("the home screen of staging", () -> robot.lookup("#pending").tryQuery().isPresent()
                && robot.lookup("#runs").tryQuery().isEmpty());
        robot.clickOn("#nav-runs");
        ListView<RunView> stagingRuns = robot.lookup("#runs").queryListView();
        await("staging's run is listed", () -> !stagingRuns.getItems().isEmpty());
        assertThat(stagingRuns.getItems()).extracting(RunView::title).containsExactly("staging smoke test");
    }

    private void signIn(FxRobot robot) throws Exception {
        robot.clickOn("#username").write("admin");
        robot.clickOn("#password").write(ServerProcess.ADMIN_PASSWORD).type(javafx.scene.input.KeyCode.ENTER);
        await("the workspace picker", () -> robot.lookup("#workspaces").tryQuery()
                .map(n -> ((ListView<?>) n).getItems().size() == 2 && n.isVisible()).orElse(false));
        ListView<io.octvex.protocol.WorkspaceView> picker = robot.lookup("#workspaces").queryListView();
        robot.interact(() -> {
            picker.requestFocus();
            picker.getSelectionModel().select(picker.getItems().stream()
                    .filter(w -> w.id().equals(workspace)).findFirst().orElseThrow());
        });
        robot.type(javafx.scene.input.KeyCode.ENTER);
        await("the sidebar with the switcher", () -> robot.lookup("#workspaceSwitcher").tryQuery()
                .map(Node::isVisible).orElse(false));
    }

    /** The chart has drawn samples, and the backlog appears in the queued-steps series. */
    private static void chartShowsTheQueue(FxRobot robot) {
        javafx.scene.chart.LineChart<?, ?> chart = robot.lookup("#fleetChart").query();
        assertThat(chart.getData().getFirst().getData()).isNotEmpty()
                .anySatisfy(d -> assertThat(((Number) d.getYValue()).intValue()).isGreaterThanOrEqualTo(1));
    }

    private static StepStatus graphStatus(FxRobot robot, String key) {
        return robot.lookup("#step-" + key).tryQuery().map(n -> (StepStatus) n.getProperties().get("status"))
                .orElse(null);
    }

    private static StepSpec step(String key, String... dependsOn) {
        return new StepSpec(key, "noop", "run", Json.tree("{}"), List.of(dependsOn));
    }

    /**
     * The edge leases {@code key} of {@code runId} (raw HTTP, as an edge does; any other step of the run it
     * gets meanwhile is completed), reports progress, and for render a checkpoint and a screenshot; it
     * completes the step when {@code finish}.
     */
    private static Lease work(UUID runId, String key, boolean finish) throws Exception {
        Lease lease = null;
        Instant deadline = Instant.now().plusSeconds(60);
        while (lease == null && Instant.now().isBefore(deadline)) {
            LeaseBatch batch = post("/api/v1/edge/leases", edgeToken, new LeaseRequest(2, 2), LeaseBatch.class);
            for (Lease l : batch.leases()) {
                assertThat(l.runId()).isEqualTo(runId);
                if (l.stepKey().equals(key)) {
                    lease = l;
                } else {
                    report(l, true);
                }
            }
        }
        assertThat(lease).as("a lease for " + key).isNotNull();
        report(lease, finish);
        return lease;
    }

    private static void report(Lease lease, boolean finish) throws Exception {
        String step = "/api/v1/edge/steps/" + lease.stepId();
        post(step + "/progress", edgeToken, new ProgressReport(lease.epoch(), "working on " + lease.stepKey(), 40,
                null), Void.class);
        if (lease.stepKey().equals("render")) {
            post(step + "/checkpoint", edgeToken, new CheckpointReport(lease.epoch(), "page 1 of 3 rendered",
                    Json.tree("{\"page\":1}")), Void.class);
            post(step + "/artifacts", edgeToken, new ArtifactUpload(lease.epoch(), "page-1.png", "image/png",
                    Base64.getEncoder().encodeToString(screenshotPng())), String.class);
        }
        if (finish) {
            post(step + "/result", edgeToken, new StepResult(lease.epoch(), StepStatus.COMPLETED,
                    Json.tree("{\"ok\":true}"), null), Void.class);
        }
        heartbeat(finish ? List.of() : List.of(new LeaseRef(lease.stepId(), lease.epoch())));
    }

    private static void heartbeat(List<LeaseRef> leases) throws Exception {
        post("/api/v1/edge/heartbeat", edgeToken, new Heartbeat(leases, 4 - leases.size(), 14L), String.class);
    }

    /** A small picture standing in for a browser screenshot (480×270). */
    private static byte[] screenshotPng() throws Exception {
        var image = new BufferedImage(480, 270, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 480, 270);
        g.setColor(new Color(0x0969da));
        g.fillRect(0, 0, 480, 40);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("Nightly report — page 1", 16, 27);
        g.setColor(new Color(0x57606a));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < 5; i++) {
            g.fillRect(16, 64 + i * 30, 300 - i * 35, 10);
        }
        g.setColor(new Color(0x1a7f37));
        g.fillRect(340, 64, 120, 150);
        g.dispose();
        var out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static <T> T post(String path, String token, Object body, Class<T> type) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isLessThan(300);
        if (type == Void.class || response.body().isEmpty()) {
            return null;
        }
        return type == String.class ? type.cast(response.body()) : Json.read(response.body(), type);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        DeskTesting.await(what, Duration.ofSeconds(60), condition, () -> DeskTesting.tail("server output", server.output()));
    }
}
