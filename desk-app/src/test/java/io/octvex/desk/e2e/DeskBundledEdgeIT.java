package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.DeskHost;
import io.octvex.desk.DeskShell;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.desk.testing.DeskTesting;
import io.octvex.desk.unlock.DeskVault;
import io.octvex.desk.unlock.Method;
import io.octvex.edge.identity.EdgeIdentity;
import io.octvex.edge.identity.Enrolment;
import io.octvex.edge.identity.IdentityStore;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.Placement;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
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
 * The bundled edge against the real server jar: switched on in Settings while the Desk's secret store is locked,
 * it waits; unlocked in Settings, it enrols for the workspace with {@code host=<this machine>} and keeps its
 * identity in the store only (no file under the Desk's folders holds its token or private key), takes a step
 * pinned to this host and completes it; switched off while a step runs, it lets the step finish, the server lists
 * it as draining, and a new pinned step waits.
 *
 * <p>With {@code -Ddesk.screenshots=DIR} (under Xvfb with a GTK window, see docs/desk.md) it saves
 * desk-bundled-edge.png there while the step runs.
 */
@ExtendWith(ApplicationExtension.class)
class DeskBundledEdgeIT {
    private static final String HOST = Enrolment.hostname();
    private static final String PASSPHRASE = "the bundled edge test's passphrase";

    private static Path root;
    private static ServerProcess server;
    private static OctvexClient admin;
    private static UUID workspace;

    private static Path settingsFile;
    private static Path dataDir;

    private DeskShell shell;

    @BeforeAll
    static void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-desk-edge-it-");
        server = ServerProcess.start(root.resolve("server-home"));
        admin = OctvexClient.connect(server.url())
                .withToken(OctvexClient.connect(server.url()).login("admin", ServerProcess.ADMIN_PASSWORD).token());
        workspace = admin.workspaces().getFirst().id();
        settingsFile = root.resolve("config/desk.properties");
        dataDir = root.resolve("desk-data");
        DeskVault.forDesk(dataDir, null).setUp(Method.PASSPHRASE, PASSPHRASE.toCharArray()); // set up at an earlier start
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Start
    void start(Stage stage) {
        // this start's store is locked, as after any restart; no WebAuthn (no browser ceremony in the test)
        shell = new DeskShell(server.url(), new DeskHost(Map.of(), dataDir, () -> {}), new SettingsStore(settingsFile),
                DeskSettings.DEFAULTS, DeskVault.forDesk(dataDir, null));
        stage.setTitle("Octvex Desk");
        stage.setScene(new Scene(shell, 1180, 740));
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
    void switchedOnItWaitsForTheUnlockThenRunsStepsPinnedToThisHostAndSwitchedOffItDrainsFirst(FxRobot robot)
            throws Exception {
        robot.clickOn("#username").write("admin"); // signed in without unlocking the store
        robot.clickOn("#password").write(ServerProcess.ADMIN_PASSWORD).type(KeyCode.ENTER);
        await("the workspace's screens", () -> robot.lookup("#nav-settings").tryQuery().isPresent());
        robot.clickOn("#nav-settings");
        robot.clickOn("#bundledEdge");

        // on while the store is locked: it waits, and the server has not heard of it
        Label status = robot.lookup("#bundledEdgeStatus").queryAs(Label.class);
        await("Settings says it waits for the unlock", () -> status.getText().startsWith(
                "On, waiting for the Desk to be unlocked"));
        assertThat(admin.edges(workspace)).isEmpty();

        // unlocked under Security / Unlock (below the fold: typed and fired, not clicked)
        await("the security section's unlock", () -> robot.lookup("#securityUnlockPassphrase").tryQuery().isPresent());
        PasswordField passphrase = robot.lookup("#securityUnlockPassphrase").queryAs(PasswordField.class);
        Button unlock = robot.lookup("#securityUnlock").queryButton();
        robot.interact(() -> {
            passphrase.setText(PASSPHRASE);
            unlock.fire();
        });

        // on: enrolled for the workspace with this machine's host label, and active
        await("the edge in the fleet", () -> admin.edges(workspace).stream().anyMatch(e -> e.state() == EdgeState.ACTIVE
                && HOST.equals(e.labels().get("host"))));
        EdgeView edge = admin.edges(workspace).getFirst();
        assertThat(edge.labels()).containsEntry("desk", "bundled").containsKeys("os", "arch");
        assertThat(edge.capabilities()).contains("noop", "http");
        await("Settings says it is on", () -> status.getText().startsWith("On:"));
        assertThat(robot.lookup("#bundledEdgeIdentity").queryAs(Label.class).getText())
                .contains("the Desk's encrypted store");

        // its identity is an entry of the store, and in no file in the clear
        assertThat(dataDir.resolve("edge/identity.json")).doesNotExist();
        DeskVault reader = DeskVault.forDesk(dataDir, null);
        reader.unlock(Method.PASSPHRASE, PASSPHRASE.toCharArray());
        String entry = "edge-identity " + server.url().replaceAll("/+$", "") + " " + workspace;
        EdgeIdentity kept = IdentityStore.fromJson(reader.get(entry).orElseThrow(), entry);
        assertThat(kept.edgeId()).isEqualTo(edge.id());
        await("the switch is saved", () -> Files.exists(settingsFile)
                && Files.readString(settingsFile).contains("bundledEdge=true"));
        assertThat(Files.readString(settingsFile)).doesNotContain("ovx_");
        assertThat(DeskTesting.filesHoldingSecretsOf(kept, dataDir, settingsFile.getParent())).isEmpty();

        // a run pinned to this host runs here and completes
        RunView quick = pinned("quick", "{}");
        await("the pinned run completes", () -> admin.run(workspace, quick.id()).status() == RunStatus.COMPLETED);
        assertThat(admin.timeline(workspace, quick.id()).entries()).anyMatch(e -> e.type().equals("step.placed")
                && e.data().path("edgeId").asString().equals(edge.id().toString()));

        // off while a step runs: the step finishes and is reported, then the edge stops, drained
        RunView slow = pinned("slow", "{\"sleepMillis\":12000}");
        ListView<?> steps = robot.lookup("#bundledEdgeSteps").queryListView();
        await("Settings lists the running step", () -> steps.getItems().size() == 1
                && steps.getItems().getFirst().toString().startsWith("work · noop · run " + slow.id()));
        screenshot(robot, "desk-bundled-edge.png");
        robot.clickOn("#bundledEdge");
        await("Settings says it drained", () -> status.getText().startsWith("Off: drained"));
        assertThat(status.getText()).as("it was switched off while the step ran").contains("after 1 running step(s)");
        assertThat(admin.run(workspace, slow.id()).status()).as("the running step finished first")
                .isEqualTo(RunStatus.COMPLETED);
        assertThat(admin.edge(workspace, edge.id()).state()).isEqualTo(EdgeState.DRAINING);
        await("the switch is saved off", () -> Files.readString(settingsFile).contains("bundledEdge=false"));

        // a new pinned step waits: no active edge can take it
        RunView waiting = pinned("waits", "{}");
        await("the server says why it waits", () -> admin.timeline(workspace, waiting.id()).entries().stream()
                .anyMatch(e -> e.type().equals("step.unplaced")));
        assertThat(admin.run(workspace, waiting.id()).status()).isEqualTo(RunStatus.QUEUED);
    }

    /** The screen (imagemagick {@code import}), cropped to the Desk's window, when asked for (as DeskAdminIT). */
    private static void screenshot(FxRobot robot, String name) throws Exception {
        String dir = System.getProperty("desk.screenshots");
        if (dir == null || dir.isBlank()) {
            return;
        }
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        robot.sleep(1500); // let the last change render (the step still has seconds to run)
        Path path = Path.of(dir).toAbsolutePath().resolve(name);
        Files.createDirectories(path.getParent());
        var window = robot.window("Octvex Desk");
        var origin = window.getScene().getRoot().localToScreen(0, 0);
        String crop = String.format("%dx%d+%d+%d", (int) window.getScene().getWidth(),
                (int) window.getScene().getHeight(), (int) origin.getX(), (int) origin.getY());
        Process p = new ProcessBuilder("import", "-window", "root", "-crop", crop, "+repage", path.toString())
                .inheritIO().start();
        assertThat(p.waitFor()).as("imagemagick import").isZero();
    }

    private static RunView pinned(String title, String input) {
        return admin.submitRun(workspace, new SubmitRun(title, null, List.of(new StepSpec("work", "noop", "run",
                Json.tree(input), null, new Placement(Map.of("host", HOST), null), null))));
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90)); // generous: the machine is shared
        while (Instant.now().isBefore(deadline)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(100);
        }
        String log = server.output();
        throw new AssertionError("not within 90 s: " + what + "\n--- server output (tail):\n"
                + (log.length() <= 4000 ? log : log.substring(log.length() - 4000)));
    }
}
