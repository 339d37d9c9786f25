package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.DeskHost;
import io.octvex.desk.DeskShell;
import io.octvex.desk.testing.DeskTesting;
import io.octvex.desk.settings.DeskSettings;
import io.octvex.desk.settings.SettingsStore;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.Role;
import io.octvex.protocol.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
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
 * Pairing the Desk with a code from the real launcher ({@code ./octvex pair}, signing in as the admin against
 * the real server jar), then the members of the workspace: a new user is invited with a code shown once, a
 * role is changed, the last owner is kept, and a member is removed after the confirmation.
 */
@ExtendWith(ApplicationExtension.class)
class DeskPairingIT {
    private static final Pattern CODE = Pattern.compile("Pairing code for (\\S+):\\s+([A-Z0-9]{4}-[A-Z0-9]{4})");

    private static Path root;
    private static ServerProcess server;
    private static OctvexClient admin;
    private static UUID workspace;

    private DeskShell shell;

    @BeforeAll
    static void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-desk-pairing-it-");
        server = ServerProcess.start(root.resolve("server-home"));
        admin = OctvexClient.connect(server.url())
                .withToken(OctvexClient.connect(server.url()).login("admin", ServerProcess.ADMIN_PASSWORD).token());
        workspace = admin.workspaces().getFirst().id();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Start
    void start(Stage stage) {
        shell = new DeskShell(server.url(), DeskHost.none(),
                new SettingsStore(root.resolve("config-" + UUID.randomUUID() + "/desk.properties")), DeskSettings.DEFAULTS);
        DeskTesting.show(stage, shell, 1180, 740);
    }

    @AfterEach
    void closeShell() {
        if (shell != null) {
            shell.close();
        }
    }

    @Test
    void theDeskPairsWithTheLaunchersCodeAndManagesMembers(FxRobot robot) throws Exception {
        String code = launcherPair();
        Label error = robot.lookup("#connectError").queryAs(Label.class);

        // a wrong code is a sentence; the right one opens the Desk as the admin
        robot.clickOn("#pairCode").write(code.substring(0, 5) + (code.charAt(5) == 'A' ? "B" : "A") + code.substring(6));
        robot.clickOn("#pair");
        await("the wrong code is refused", () -> error.getText().contains("not valid"));
        robot.clickOn("#pairCode").write(code.toLowerCase());
        robot.clickOn("#pair");
        await("the workspace's screens", () -> robot.lookup("#nav").tryQuery().isPresent());
        assertThat(server.output()).as("the code in the server's output").doesNotContain(code)
                .doesNotContain(code.replace("-", ""));

        await("the sidebar entry", () -> robot.lookup("#nav-workspaces").tryQuery().isPresent());
        robot.clickOn("#nav-workspaces");
        robot.interact(() -> robot.lookup("#workspaceTabs").queryAs(TabPane.class).getSelectionModel().select(0));
        ListView<MemberView> members = robot.lookup("#members").queryListView();
        await("the members with their roles", () -> members.getItems().stream()
                .anyMatch(m -> m.principal().name().equals("admin") && m.roles().contains(Role.OWNER)));

        // invite: a new user, and a code for them shown once that buys their session
        robot.clickOn("#memberName").write("erin");
        robot.clickOn("#memberPassword").write("erin's first password");
        robot.clickOn("#check-approver");
        robot.clickOn("#addMember");
        TextField secret = robot.lookup("#secret").queryAs(TextField.class);
        await("the invitation code is shown", () -> !secret.getText().isEmpty());
        Session erin = OctvexClient.connect(server.url()).pair(secret.getText());
        assertThat(erin.principal().name()).isEqualTo("erin");
        robot.clickOn("#dismissSecret");

        // change erin's roles
        select(robot, members, "erin");
        robot.clickOn("#check-operator");
        robot.clickOn("#changeRoles");
        await("erin is an approver and operator", () -> roles("erin").size() == 2
                && roles("erin").containsAll(List.of(Role.OPERATOR, Role.APPROVER)));

        await("the list is reloaded", () -> members.getItems().stream()
                .anyMatch(m -> m.principal().name().equals("erin") && m.roles().size() == 2));

        // the last owner cannot be demoted: the server says why, and nothing changes
        select(robot, members, "admin");
        robot.clickOn("#check-owner");
        robot.clickOn("#check-admin");
        robot.clickOn("#changeRoles");
        Label notice = robot.lookup("#workspacesNotice").queryAs(Label.class);
        await("the refusal is said", () -> notice.getText().contains("last owner"));
        assertThat(notice.getText()).startsWith("Change roles refused: ");
        assertThat(roles("admin")).contains(Role.OWNER);

        // remove erin, after the confirmation
        select(robot, members, "erin");
        robot.clickOn("#removeMember");
        await("the confirmation", () -> robot.lookup("#confirmRemove").tryQuery().isPresent());
        robot.clickOn("#confirmRemove");
        await("erin is gone", () -> admin.members(workspace).stream().noneMatch(m -> m.principal().name().equals("erin")));
        await("and gone from the list", () -> members.getItems().stream()
                .noneMatch(m -> m.principal().name().equals("erin")));
    }

    /** Runs {@code ./octvex pair} as a person would, against this server's home; returns the code it printed. */
    private static String launcherPair() throws Exception {
        Path launcher = Path.of("..", "octvex").toAbsolutePath().normalize();
        Path javaHome = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().getParent();
        Path out = root.resolve("pair-" + System.nanoTime() + ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", launcher.toString(), "pair")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("OCTVEX_HOME", root.resolve("server-home").toString());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("OCTVEX_USER", "admin");
        builder.environment().put("OCTVEX_PASSWORD", ServerProcess.ADMIN_PASSWORD);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("./octvex pair finished").isTrue();
        String printed = read(out);
        assertThat(process.exitValue()).as(printed).isZero();
        Matcher m = CODE.matcher(printed);
        assertThat(m.find()).as(printed).isTrue();
        assertThat(m.group(1)).isEqualTo("admin");
        assertThat(printed).doesNotContain(ServerProcess.ADMIN_PASSWORD);
        return m.group(2);
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static List<Role> roles(String name) {
        return admin.members(workspace).stream().filter(m -> m.principal().name().equals(name)).findFirst()
                .map(MemberView::roles).orElse(List.of());
    }

    private static void select(FxRobot robot, ListView<MemberView> members, String name) throws Exception {
        await(name + " in the list", () -> members.getItems().stream().anyMatch(m -> m.principal().name().equals(name)));
        robot.interact(() -> members.getSelectionModel().select(members.getItems().stream()
                .filter(m -> m.principal().name().equals(name)).findFirst().orElseThrow()));
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60)); // generous: the machine is shared
        while (Instant.now().isBefore(deadline)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(100);
        }
        String log = server.output();
        throw new AssertionError("not within 60 s: " + what + "\n--- server output (tail):\n"
                + (log.length() <= 4000 ? log : log.substring(log.length() - 4000)));
    }
}
