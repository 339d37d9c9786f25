package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.DeskShell;
import io.octvex.desk.approvals.ApprovalItem;
import io.octvex.desk.testing.DeskTesting;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The Desk against the real server jar: an approver signs in with the keyboard, approvals made the real way
 * (a policy rule, a run, an edge whose lease request makes the gate hold the step) appear live in the inbox,
 * A approves one and D denies the other with a reason, and the server says so.
 *
 * <p>With {@code -Ddesk.screenshots=DIR} (under Xvfb with a GTK window, see docs/desk.md) it also saves a
 * screenshot of the screen while both approvals are pending.
 */
@ExtendWith(ApplicationExtension.class)
class DeskApprovalsIT {
    private static final String POLICY = """
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
              - id: billing-two-approvers
                when: 'request.host == "billing.example" && request.method == "DELETE"'
                effect: require_approval
                message: deleting billing data needs two approvers
                approval: {role: approver, quorum: 2, expires: PT30M}
            """;
    private static final String APPROVER = "ada";
    private static final String APPROVER_PASSWORD = "ada approves things";

    private static Path root;
    private static ServerProcess server;
    private static OctvexClient admin;
    private static String adminToken;
    private static UUID workspace;
    private static String edgeToken;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private DeskShell shell;

    @BeforeAll
    static void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-desk-it-");
        server = ServerProcess.start(root.resolve("server-home"));
        adminToken = OctvexClient.connect(server.url()).login("admin", ServerProcess.ADMIN_PASSWORD).token();
        admin = OctvexClient.connect(server.url()).withToken(adminToken);
        workspace = admin.workspaces().getFirst().id();
        admin.savePolicy(workspace, POLICY, true);
        var ada = admin.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER, APPROVER, "Ada Lovelace",
                APPROVER_PASSWORD, List.of(Role.APPROVER)));
        // ada is in two workspaces, so the Desk asks which one
        admin.putMembership(admin.createWorkspace("staging").id(), ada.principal().id(), List.of(Role.VIEWER));
        IssuedEnrollment enrollment = post("/api/v1/workspaces/" + workspace + "/edges/enrollments", adminToken,
                new CreateEnrollment("desk e2e", null, 1, null), IssuedEnrollment.class);
        byte[] sealingKey = new byte[32];
        new SecureRandom().nextBytes(sealingKey);
        EdgeEnrolled edge = post("/api/v1/edge/enroll", null, new EnrollEdge(enrollment.token(), "desk-e2e-edge",
                Map.of(), List.of("http"), 2, Base64.getEncoder().encodeToString(sealingKey), "test"),
                EdgeEnrolled.class);
        edgeToken = edge.edgeToken();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Start
    void start(Stage stage) {
        shell = new DeskShell(server.url());
        stage.setTitle("Octvex Desk");
        stage.setScene(new Scene(shell, 960, 640));
        stage.getScene().getStylesheets().clear();
        javafx.application.Application.setUserAgentStylesheet(
                new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
        stage.show();
    }

    @AfterEach
    void closeShell() {
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    void anApproverSeesApprovalsArriveLiveAndDecidesThemWithTheKeyboard(FxRobot robot) throws Exception {
        // sign in with the keyboard, then pick the workspace (ada is in two) and open it with Enter
        robot.clickOn("#username").write(APPROVER);
        robot.type(KeyCode.TAB).write("not the password").type(KeyCode.ENTER);
        await("a wrong password is said in words", () -> "Wrong username or password."
                .equals(robot.lookup("#connectError").queryAs(Label.class).getText()));
        robot.clickOn("#password").write(APPROVER_PASSWORD).type(KeyCode.ENTER);
        await("the workspace picker", () -> robot.lookup("#workspaces").tryQuery()
                .map(n -> ((ListView<?>) n).getItems().size() == 2 && n.isVisible()).orElse(false));
        ListView<io.octvex.protocol.WorkspaceView> picker = robot.lookup("#workspaces").queryListView();
        robot.interact(() -> {
            picker.requestFocus();
            picker.getSelectionModel().select(picker.getItems().stream()
                    .filter(w -> w.id().equals(workspace)).findFirst().orElseThrow());
        });
        robot.type(KeyCode.ENTER);
        await("the inbox opens and goes live", () -> robot.lookup("#sync").tryQuery()
                .map(n -> ((Label) n).getText().contains("Live")).orElse(false));
        ListView<ApprovalItem> inbox = robot.lookup("#pending").queryListView();
        assertThat(inbox.getItems()).isEmpty();

        // two steps wait for approval while the Desk is open: they appear without any refresh by hand
        ApprovalView signOff = pendingApproval("POST", "https://approve.example/things", "publish the release notes");
        ApprovalView billing = pendingApproval("DELETE", "https://billing.example/invoices/2026-10",
                "clean up October invoices");
        await("both approvals are in the inbox", () -> inbox.getItems().size() == 2);
        assertThat(inbox.getItems()).extracting(ApprovalItem::what).containsExactly(
                "DELETE https://billing.example/invoices/2026-10", "POST https://approve.example/things");
        ApprovalItem first = inbox.getItems().getFirst();
        assertThat(first.rule()).isEqualTo("billing-two-approvers");
        assertThat(first.message()).isEqualTo("deleting billing data needs two approvers");
        assertThat(first.requester()).isEqualTo("admin");
        assertThat(first.quorum()).isEqualTo(2);
        assertThat(first.runTitle()).isEqualTo("clean up October invoices");
        robot.sleep(1200); // a countdown tick
        DeskTesting.screenshot(robot, "desk-approvals.png");

        // Down to the second (approve.example), A approves it
        robot.interact(() -> {
            inbox.requestFocus();
            inbox.getSelectionModel().select(0);
        });
        robot.type(KeyCode.DOWN);
        assertThat(inbox.getSelectionModel().getSelectedItem().id()).isEqualTo(signOff.id());
        robot.type(KeyCode.A);
        await("the server has it approved", () -> admin.approval(workspace, signOff.id()).status()
                == ApprovalStatus.APPROVED);
        await("it leaves the inbox", () -> inbox.getItems().size() == 1);
        assertThat(notice(robot)).isEqualTo("Approved: POST https://approve.example/things");

        // D denies the billing one, with a reason typed into the dialog
        robot.interact(() -> {
            inbox.requestFocus();
            inbox.getSelectionModel().select(0);
        });
        robot.type(KeyCode.D);
        await("the reason dialog", () -> robot.lookup("#denyReason").tryQuery().isPresent());
        robot.clickOn("#denyReason").write("not during the audit").type(KeyCode.ENTER);
        await("the server has it denied", () -> {
            ApprovalView now = admin.approval(workspace, billing.id());
            if (now.status() != ApprovalStatus.PENDING && now.status() != ApprovalStatus.DENIED) {
                throw new AssertionError(now.status() + " " + now.votes() + "; notice: " + notice(robot));
            }
            return now.status() == ApprovalStatus.DENIED;
        });
        ApprovalView denied = admin.approval(workspace, billing.id());
        assertThat(denied.votes()).singleElement().satisfies(v -> {
            assertThat(v.principalName()).isEqualTo(APPROVER);
            assertThat(v.reason()).isEqualTo("not during the audit");
        });
        await("the inbox is empty", () -> inbox.getItems().isEmpty());
        assertThat(notice(robot)).isEqualTo("Denied: DELETE https://billing.example/invoices/2026-10");
    }

    private static String notice(FxRobot robot) {
        return robot.lookup("#notice").queryAs(Label.class).getText();
    }

    /** A run whose http step needs approval, and the edge's lease request that makes the gate hold it. */
    private static ApprovalView pendingApproval(String method, String url, String title) throws Exception {
        RunView run = admin.submitRun(workspace, new SubmitRun(title, null, List.of(new StepSpec("ask", "http",
                method + " " + url, Json.tree("{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}"), null))));
        String leased = post("/api/v1/edge/leases", edgeToken, new LeaseRequest(1, 0), String.class);
        assertThat(Json.tree(leased).get("leases").size()).as("the gate holds the step: " + leased).isZero();
        List<ApprovalView> approvals = admin.approvals(workspace, ApprovalStatus.PENDING, run.id());
        assertThat(approvals).hasSize(1);
        return approvals.getFirst();
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
        return type == String.class ? type.cast(response.body()) : Json.read(response.body(), type);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        DeskTesting.await(what, Duration.ofSeconds(20), condition, () -> DeskTesting.tail("server output", server.output()));
    }
}
