package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.octvex.desk.DeskHost;
import io.octvex.desk.DeskShell;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.desk.testing.DeskTesting;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javafx.scene.Scene;
import javafx.scene.control.Label;
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
 * The Desk's native notifications against a notification server on a private D-Bus session bus and the real
 * server jar: an approval made the real way raises one {@code Notify} (summary, body, actions) with nothing of
 * the step's secret input in it, and the user's "Approve" on the notification approves it through the API, so
 * the run resumes.
 */
@ExtendWith(ApplicationExtension.class)
class DeskNotifyIT {
    private static final String CANARY = "canary-" + java.util.UUID.randomUUID();

    private static Path root;
    private static NotificationServer bus;
    private static ServerProcess server;
    private static ApprovalWorld world;

    private DeskShell shell;
    private final AtomicInteger raised = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(NotificationServer.available(), "dbus-daemon is not installed (CI installs it: .ci/run)");
        root = Files.createTempDirectory("octvex-desk-notify-it-");
        bus = NotificationServer.start(root.resolve("dbus"));
        server = ServerProcess.start(root.resolve("server-home"));
        world = ApprovalWorld.setUp(server.url());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (bus != null) {
            bus.close();
        }
    }

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        shell = new DeskShell(server.url(), new DeskHost(Map.of("DBUS_SESSION_BUS_ADDRESS", bus.address()),
                root.resolve("desk-data"), raised::incrementAndGet),
                new SettingsStore(root.resolve("desk.properties")), DeskSettings.DEFAULTS);
        stage.titleProperty().bind(shell.titleProperty());
        stage.setScene(new Scene(shell, 960, 640));
        stage.show();
    }

    @AfterEach
    void closeShell() throws Exception {
        if (stage != null) { // the primary stage outlives this class: later tests set its title
            org.testfx.api.FxToolkit.setupFixture(() -> stage.titleProperty().unbind());
        }
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    void aNewApprovalRaisesOneNotificationWithActionsAndItsApproveActionApprovesIt(FxRobot robot) throws Exception {
        assertThat(shell.notificationBackend().get(30, TimeUnit.SECONDS))
                .isEqualTo("D-Bus org.freedesktop.Notifications with Open/Approve/Deny actions");
        robot.clickOn("#username").write(ApprovalWorld.APPROVER);
        robot.clickOn("#password").write(ApprovalWorld.APPROVER_PASSWORD).type(KeyCode.ENTER);
        await("the inbox goes live", () -> robot.lookup("#sync").tryQuery()
                .map(n -> ((Label) n).getText().contains("Live")).orElse(false));
        assertThat(bus.calls).as("nothing was pending: nothing announced").isEmpty();

        // the canary is in the step's query, a header and the body: the server masks or leaves them out
        ApprovalView approval = world.pendingApproval("publish the release notes", Json.tree("""
                {"method":"POST","url":"https://approve.example/things?token=%s",
                 "headers":{"X-Api-Key":"%s"},"body":"%s"}""".formatted(CANARY, CANARY, CANARY)));
        NotificationServer.Call call = bus.next(20);
        assertThat(call.appName()).isEqualTo("Octvex Desk");
        assertThat(call.summary()).startsWith("Approval needed: POST https://approve.example/things");
        assertThat(call.body()).contains("Rule sign-off: someone must look at this first")
                .contains("Run “publish the release notes” / ask").contains("Requested by admin");
        assertThat(call.actions()).containsExactly("default", "Open", "approve", "Approve", "deny", "Deny…");
        assertThat(Stream.of(call.appName(), call.summary(), call.body(), call.actions().toString(),
                call.hints().toString())).noneMatch(text -> text.contains(CANARY));
        await("no tray under a headless test: the title counts", () -> "(1) Octvex Desk"
                .equals(shell.titleProperty().get()));

        // the user clicks Approve on the notification
        bus.invoke(call.id(), "approve");
        await("the server has it approved", () -> world.admin.approval(world.workspace, approval.id()).status()
                == ApprovalStatus.APPROVED);
        assertThat(world.admin.approval(world.workspace, approval.id()).votes())
                .singleElement().satisfies(v -> assertThat(v.principalName()).isEqualTo(ApprovalWorld.APPROVER));
        assertThat(world.leases()).as("the run resumes: its step is leased").isEqualTo(1);
        await("the notification of a decided approval is taken back", () -> bus.closed.contains(call.id()));
        await("the title has no count", () -> "Octvex Desk".equals(shell.titleProperty().get()));
        assertThat(bus.calls).as("one notification in all").hasSize(1);

        // the click on a notification (its default action) brings the Desk to the front
        ApprovalView second = world.pendingApproval("second", "https://approve.example/second");
        NotificationServer.Call click = bus.next(20);
        assertThat(click.summary()).contains("https://approve.example/second");
        bus.invoke(click.id(), "default");
        await("the Desk is raised", () -> raised.get() == 1);
        world.admin.cancelRun(world.workspace, second.runId(), "done testing");

        // the cache under the data directory has the cursor and the approvals, and no secret
        try (var files = Files.list(root.resolve("desk-data"))) {
            Path cache = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
            String saved = Files.readString(cache);
            assertThat(saved).contains(approval.id().toString()).doesNotContain(CANARY)
                    .doesNotContain(world.adminToken);
        }
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        DeskTesting.await(what, Duration.ofSeconds(20), condition, () -> DeskTesting.tail("server output", server.output()));
    }
}
