package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.DeskHost;
import io.octvex.desk.DeskShell;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.desk.unlock.DeskVault;
import io.octvex.desk.unlock.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
 * Unlock against the real server jar: the first start sets up a passphrase and signs in; a restart asks only for
 * the passphrase (a wrong one is said in words) and goes straight into the workspace; a kept token the server
 * refuses (401) leads to the sign-in form and is forgotten. The session token is never in the store file, the
 * settings file, the cache files or the log.
 */
@ExtendWith(ApplicationExtension.class)
class DeskUnlockIT {
    private static final String PASSPHRASE = "a long desk passphrase for the test";

    private static Path root;
    private static ServerProcess server;
    private static final List<String> logged = new ArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record.getMessage() + " " + record.getThrown());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private Stage stage;
    private DeskShell shell;
    private Path data;
    private Path settingsFile;

    @BeforeAll
    static void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-desk-unlock-it-");
        server = ServerProcess.start(root.resolve("server-home"));
        Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void stopServer() throws Exception {
        Logger.getLogger("").removeHandler(CAPTURE);
        if (server != null) {
            server.close();
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        data = root.resolve("desk-data");
        settingsFile = root.resolve("config/desk.properties");
        javafx.application.Application.setUserAgentStylesheet(
                new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
        shell = newDesk();
        stage.setScene(new Scene(shell, 1100, 760));
        stage.show();
    }

    /** A Desk as a new start makes it: its own store instance (locked), the same data directory. */
    private DeskShell newDesk() {
        return new DeskShell(server.url(), new DeskHost(Map.of(), data, () -> {}), new SettingsStore(settingsFile),
                DeskSettings.DEFAULTS, DeskVault.forDesk(data, null));
    }

    private void restart(FxRobot robot) {
        robot.interact(() -> {
            shell.close();
            shell = newDesk();
            stage.setScene(new Scene(shell, 1100, 760));
        });
    }

    @AfterEach
    void closeShell() {
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    void aRestartAfterUnlockingWithThePassphraseGoesStraightIn(FxRobot robot) throws Exception {
        // first start: set up the passphrase, then sign in; the session is kept
        await("the set-up choice", () -> robot.lookup("#setupPassphraseField").tryQuery().isPresent());
        assertThat(robot.lookup("#setupWebauthn").query().isDisabled()).as("no WebAuthn in this build").isTrue();
        robot.clickOn("#setupPassphraseField").write(PASSPHRASE);
        robot.clickOn("#setupPassphrase");
        Label notice = robot.lookup("#unlockNotice").queryAs(Label.class);
        await("the store is set up", () -> notice.getText().contains("now opened with a passphrase"));
        robot.clickOn("#username").write("admin");
        robot.clickOn("#password").write(ServerProcess.ADMIN_PASSWORD).type(KeyCode.ENTER);
        await("the workspace's screens", () -> robot.lookup("#nav").tryQuery().isPresent());
        DeskVault reader = DeskVault.forDesk(data, null);
        await("the session is kept", () -> reader.names().stream().anyMatch(n -> n.startsWith("session ")));
        reader.unlock(Method.PASSPHRASE, PASSPHRASE.toCharArray());
        String token = reader.recallSession(server.url()).orElseThrow().token();
        assertThat(token).isNotBlank();

        // Settings shows how the secrets open
        await("the sidebar's settings entry", () -> robot.lookup("#nav-settings").tryQuery()
                .map(javafx.scene.Node::isVisible).orElse(false));
        robot.clickOn("#nav-settings");
        await("the security section", () -> robot.lookup("#securityMethod").tryQuery().isPresent());
        Label method = robot.lookup("#securityMethod").queryAs(Label.class);
        await("the method in use", () -> method.getText().contains("open with a passphrase"));
        assertThat(robot.lookup("#securityKeychain").queryAs(Label.class).getText()).startsWith("The OS keychain");

        // restart: only the passphrase, a wrong one first
        restart(robot);
        await("the unlock prompt", () -> robot.lookup("#unlockPassphrase").tryQuery().isPresent());
        robot.clickOn("#unlockPassphrase").write("not the right passphrase").type(KeyCode.ENTER);
        Label said = robot.lookup("#unlockNotice").queryAs(Label.class);
        await("the wrong passphrase is said", () -> said.getText().equals(
                "Wrong passphrase: the Desk's secrets stay locked."));
        assertThat(robot.lookup("#nav").tryQuery()).isEmpty();
        robot.clickOn("#unlockPassphrase").write(PASSPHRASE).type(KeyCode.ENTER);
        Instant unlocked = Instant.now();
        await("straight into the workspace, no password asked", () -> robot.lookup("#nav").tryQuery().isPresent());
        System.out.println("DeskUnlockIT: unlock to workspace in " + Duration.between(unlocked, Instant.now()).toMillis()
                + " ms");

        // a kept token the server refuses: the sign-in form, saying so, and the entry is gone
        reader.rememberSession(new DeskVault.SavedSession(server.url(), "admin",
                reader.recallSession(server.url()).orElseThrow().workspaceId(), "octvex_not-a-valid-token"));
        restart(robot);
        await("the unlock prompt", () -> robot.lookup("#unlockPassphrase").tryQuery().isPresent());
        robot.clickOn("#unlockPassphrase").write(PASSPHRASE).type(KeyCode.ENTER);
        Label error = robot.lookup("#connectError").queryAs(Label.class);
        await("the sign-in form says the session ended", () -> error.getText().equals(
                "Your saved session has ended (signed out or expired): sign in again."));
        await("the refused session is forgotten", () -> reader.recallSession(server.url()).isEmpty());
        assertThat(robot.lookup("#nav").tryQuery()).isEmpty();

        // the canary: the real token is nowhere in the clear
        assertThat(Files.readString(data.resolve("secrets.json"))).doesNotContain(token);
        try (Stream<Path> files = Files.walk(root.resolve("desk-data"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(token);
            }
        }
        if (Files.exists(settingsFile)) {
            assertThat(Files.readString(settingsFile)).doesNotContain(token);
        }
        synchronized (logged) {
            assertThat(String.join("\n", logged)).doesNotContain(token);
        }
        assertThat(server.output()).doesNotContain(token);
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60)); // generous: the machine is shared
        while (Instant.now().isBefore(deadline)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "\n" + server.output());
    }
}
