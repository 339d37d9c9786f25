package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.desk.DeskHost;
import io.octvex.desk.DeskShell;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.desk.testing.DeskTesting;
import io.octvex.protocol.ChainReport;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.TokenView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import org.fxmisc.richtext.CodeArea;
import javafx.scene.control.TextField;
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
 * The Desk's admin screens against the real server jar: the policy editor marks a compile error at its line,
 * the audit screen verifies the real chain, and an API token made in the Desk is shown once, works against
 * the API, and stops working once revoked there.
 *
 * <p>With {@code -Ddesk.screenshots=DIR} (under Xvfb with a GTK window, see docs/desk.md) it saves
 * desk-connect.png, desk-policy.png, desk-audit.png, desk-members.png, desk-workspaces.png, desk-settings.png and
 * desk-settings-security.png there.
 */
@ExtendWith(ApplicationExtension.class)
class DeskAdminIT {
    private static final String POLICY = """
            version: 1
            grants:
              - id: operators-anything
                to: {roles: [owner, admin, operator]}
                actions: ["*"]
            rules:
              - id: billing-deletes
                when: 'request.method == "DELETE" && request.host == "billing.example"'
                effect: require_approval
                message: deleting billing data needs an approver
                approval: {role: approver, quorum: 1, expires: PT1H}
            tests:
              - name: owners reach example.com
                as: {name: root, kind: user, roles: [owner]}
                input: {action: http.request, resource: "https://api.example.com/v1", method: GET}
                expect: allow
            """;
    /** Line 8 (the rule's `when`) compares with '=' (not '=='): CEL refuses it. */
    private static final String BROKEN = POLICY.replace("request.method == \"DELETE\"", "request.method = \"DELETE\"");
    private static final int BROKEN_LINE = 8;

    private static Path root;
    private static ServerProcess server;
    private static OctvexClient admin;
    private static UUID workspace;
    private static int versionsAtStart;

    private DeskShell shell;
    private Path settingsFile;

    @BeforeAll
    static void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-desk-admin-it-");
        server = ServerProcess.start(root.resolve("server-home"));
        admin = OctvexClient.connect(server.url())
                .withToken(OctvexClient.connect(server.url()).login("admin", ServerProcess.ADMIN_PASSWORD).token());
        workspace = admin.workspaces().getFirst().id();
        admin.savePolicy(workspace, POLICY, true);
        admin.savePolicy(workspace, POLICY.replace("PT1H", "PT2H"), false);
        versionsAtStart = admin.policyVersions(workspace).size(); // a new workspace may come with a policy
        // members besides the admin, for the Members tab (and its screenshot)
        admin.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER, "alice", "Alice Approver",
                "alice-initial-password", List.of(Role.APPROVER)));
        admin.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.AGENT, "invoice-bot", null, null,
                List.of(Role.AGENT)));
        for (String title : List.of("fetch invoices", "archive October")) { // real events for the audit screen
            admin.submitRun(workspace, new SubmitRun(title, null, List.of(new StepSpec("get", "http",
                    "GET https://api.example.com/v1", Json.tree("{\"method\":\"GET\",\"url\":\"https://api.example.com/v1\"}"),
                    null))));
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Start
    void start(Stage stage) {
        settingsFile = root.resolve("config-" + UUID.randomUUID() + "/desk.properties");
        // a data folder and an encrypted store, as the real Desk has: the connect screen's unlock pane and the
        // Settings' Bundled edge and Security sections are there (and in the screenshots), with WebAuthn offered
        // as in the real Desk (the browser only opens when it is chosen)
        Path data = settingsFile.getParent().resolve("data");
        shell = new DeskShell(server.url(), new DeskHost(Map.of(), data, () -> {}), new SettingsStore(settingsFile),
                DeskSettings.DEFAULTS);
        DeskTesting.show(stage, shell, 1180, 740);
    }

    @AfterEach
    void closeShell() {
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    void anAdminFindsACompileErrorVerifiesTheChainAndIssuesAndRevokesAToken(FxRobot robot) throws Exception {
        await("the connect screen", () -> robot.lookup("#signIn").tryQuery().isPresent());
        DeskTesting.screenshot(robot, "desk-connect.png");
        robot.clickOn("#username").write("admin");
        robot.clickOn("#password").write(ServerProcess.ADMIN_PASSWORD).type(KeyCode.ENTER);
        await("the workspace's screens", () -> robot.lookup("#nav").tryQuery().isPresent());

        // Policy: the editor holds the active version; a broken draft is marked at its line
        show(robot, "Policy");
        CodeArea editor = robot.lookup("#policyEditor").queryAs(CodeArea.class);
        await("the active policy in the editor", () -> POLICY.equals(editor.getText()));
        ListView<?> versions = robot.lookup("#policyVersions").queryListView();
        await("the versions are listed", () -> versions.getItems().size() == versionsAtStart);
        robot.interact(() -> editor.replaceText(BROKEN));
        robot.clickOn("#policyCheck");
        ListView<?> problems = robot.lookup("#policyProblems").queryListView();
        await("the compile error is listed", () -> !problems.getItems().isEmpty());
        String first = problems.getItems().getFirst().toString();
        assertThat(first).startsWith("Line " + BROKEN_LINE + ", column ");
        String brokenLine = BROKEN.lines().toList().get(BROKEN_LINE - 1);
        await("the line is marked in the editor: " + brokenLine, () -> brokenLine.equals(editor.getSelectedText()));
        assertThat(admin.policyVersions(workspace)).as("a check stores nothing").hasSize(versionsAtStart);
        robot.clickOn("#explainAction").write("http.request");
        robot.clickOn("#explainResource").write("https://billing.example/invoices/7");
        robot.clickOn("#explainMethod").write("DELETE");
        robot.clickOn("#policyExplain");
        TextArea output = robot.lookup("#policyOutput").queryAs(TextArea.class);
        await("the explanation", () -> output.getText().contains("Effect: require_approval"));
        assertThat(output.getText()).contains("Decided by: billing-deletes");
        robot.interact(() -> editor.scrollXToPixel(0)); // the marked line scrolled it sideways
        DeskTesting.screenshot(robot, "desk-policy.png");

        // Audit: verify the real chain; search finds the runs' events
        show(robot, "Audit");
        ChainReport before = admin.verifyChain(workspace);
        robot.clickOn("#verifyChain");
        Label chain = robot.lookup("#chainResult").queryAs(Label.class);
        await("the chain is verified", () -> chain.getText().startsWith("Chain intact"));
        Matcher checked = Pattern.compile("Chain intact: (\\d+) events checked\\.").matcher(chain.getText());
        assertThat(checked.matches()).as(chain.getText()).isTrue();
        long count = Long.parseLong(checked.group(1));
        assertThat(count).isBetween(before.checked(), admin.verifyChain(workspace).checked()).isPositive();
        robot.clickOn("#auditType").write("run.");
        robot.clickOn("#auditSearch");
        TableView<?> events = robot.lookup("#auditEvents").queryAs(TableView.class);
        await("the runs' events are found", () -> events.getItems().size() >= 2);
        Label said = robot.lookup("#auditNotice").queryAs(Label.class);
        await("the search says what it found", () -> said.getText().matches("\\d+ events match\\."));
        DeskTesting.screenshot(robot, "desk-audit.png");

        // Workspaces: a token made here is shown once, works, and is refused once revoked here
        show(robot, "Workspaces");
        ListView<?> members = robot.lookup("#members").queryListView();
        await("the members are listed", () -> members.getItems().size() == 3);
        int alice = java.util.stream.IntStream.range(0, 3)
                .filter(i -> members.getItems().get(i).toString().contains("alice")).findFirst().orElseThrow();
        robot.interact(() -> members.getSelectionModel().select(alice));
        DeskTesting.screenshot(robot, "desk-members.png");
        robot.interact(() -> robot.lookup("#workspaceTabs").queryAs(TabPane.class).getSelectionModel().select(1));
        robot.clickOn("#tokenName").write("desk e2e token");
        robot.clickOn("#check-events-read");
        robot.clickOn("#createToken");
        TextField secretField = robot.lookup("#secret").queryAs(TextField.class);
        await("the secret is shown", () -> !secretField.getText().isEmpty());
        String secret = secretField.getText();
        OctvexClient withToken = OctvexClient.connect(server.url()).withToken(secret);
        assertThat(withToken.events(workspace, 0, 1).events()).as("the token works against the API").hasSize(1);
        ListView<?> tokens = robot.lookup("#tokens").queryListView();
        await("the token is listed", () -> tokens.getItems().size() == 1);
        DeskTesting.screenshot(robot, "desk-workspaces.png");
        robot.clickOn("#dismissSecret");
        assertThat(secretField.getText()).as("shown once: gone after Done").isEmpty();
        assertThat(robot.lookup("#secretBanner").query().isVisible()).isFalse();
        assertThat(robot.lookup(n -> n instanceof javafx.scene.control.Labeled l && l.getText() != null
                && l.getText().contains(secret)).tryQuery()).as("the secret is nowhere on screen").isEmpty();

        robot.interact(() -> tokens.getSelectionModel().select(0));
        robot.clickOn("#revokeToken");
        await("the token is revoked", () -> ((TokenView) tokens.getItems().getFirst()).revokedAt() != null);
        assertThatThrownBy(() -> withToken.events(workspace, 0, 1)).isInstanceOfSatisfying(OctvexApiException.class,
                e -> assertThat(e.status()).isEqualTo(401));

        // Settings: the server is shown; a change is saved in the settings file
        show(robot, "Settings");
        assertThat(robot.lookup("#settingsServer").queryAs(Label.class).getText()).isEqualTo(server.url());
        robot.clickOn("#notifications");
        await("the choice is saved", () -> Files.exists(settingsFile)
                && Files.readString(settingsFile).contains("notifications=false"));
        DeskTesting.screenshot(robot, "desk-settings.png");
        var settingsScroll = robot.lookup(n -> n instanceof javafx.scene.control.ScrollPane p && p.getContent() != null
                && p.getContent().lookup("#settingsServer") != null).queryAs(javafx.scene.control.ScrollPane.class);
        robot.interact(() -> settingsScroll.setVvalue(settingsScroll.getVmax()));
        DeskTesting.screenshot(robot, "desk-settings-security.png"); // scrolled down: Bundled edge, Security
        robot.interact(() -> settingsScroll.setVvalue(0)); // Disconnect is at the top
        robot.clickOn("#disconnect");
        await("back at the connect screen", () -> robot.lookup("#signIn").tryQuery().isPresent());
    }

    private static void show(FxRobot robot, String screen) throws Exception {
        String entry = "#nav-" + screen.toLowerCase(java.util.Locale.ROOT);
        // visible: a list may hold an invisible cell with the same id (the one it measures with) before the rest
        await("the sidebar entry " + entry, () -> robot.lookup(entry).match(javafx.scene.Node::isVisible)
                .tryQuery().isPresent());
        robot.clickOn(entry);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        DeskTesting.await(what, Duration.ofSeconds(60), condition, () -> DeskTesting.tail("server output", server.output()));
    }
}
