package io.octvex.desk.mcpclients;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.desk.testing.DeskTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The page on a made-up home folder (headless Monocle): it shows each client's real state, Configure writes
 * the client's file, Remove takes our entry out, a broken file is shown as such and left alone.
 *
 * <p>With {@code -Ddesk.screenshots=DIR} under Xvfb with a GTK window (docs/desk.md) it saves a screenshot.
 */
@ExtendWith(ApplicationExtension.class)
class McpClientsViewTest {
    @TempDir
    static Path home;
    private static final AtomicInteger TOKENS_SET_UP = new AtomicInteger();
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private List<ClientDescriptor> clients;

    @Start
    void start(Stage stage) throws Exception {
        clients = Clients.all(new Places(Places.Os.LINUX, home, home.resolve("appdata"), home.resolve(".config")));
        Files.writeString(home.resolve(".claude.json"), "{\n  \"numStartups\": 12\n}\n");
        Files.createDirectories(home.resolve(".cursor"));
        Files.writeString(home.resolve(".cursor/mcp.json"), Jsonc.put("{}", List.of("mcpServers"), "octvex",
                byId("cursor").format().entry(ClientFormatsGoldenTest.TARGET, false)));
        Files.createDirectories(home.resolve(".config/Code/User"));
        Files.createDirectories(home.resolve(".config/zed"));
        Files.writeString(home.resolve(".config/zed/settings.json"), "{\n  \"theme\": \"One Dark\"\n  \"vim_mode\": true\n}\n");
        Files.createDirectories(home.resolve(".config/goose"));
        Files.writeString(home.resolve(".config/goose/config.yaml"), "GOOSE_PROVIDER: anthropic\n");
        Files.createDirectories(home.resolve(".gemini"));
        Files.writeString(home.resolve(".gemini/settings.json"), "{\"mcpServers\": {\"octvex\": {\"command\": \"old\"}}}\n");

        var page = McpClientsPage.create(clients, ClientFormatsGoldenTest.TARGET, () -> {
            TOKENS_SET_UP.incrementAndGet();
            return "A workspace token for the bridge is in your OS keychain.";
        }, io);
        stage.setTitle("Octvex Desk");
        stage.setScene(new Scene(new javafx.scene.layout.StackPane(page), 1100, 720));
        javafx.application.Application.setUserAgentStylesheet(
                new atlantafx.base.theme.PrimerLight().getUserAgentStylesheet());
        stage.show();
    }

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    @Test
    void showsEachClientAndConfiguresAndRemoves(FxRobot robot) throws Exception {
        await("rows", () -> robot.lookup("#state-vscode").tryQuery().isPresent());
        assertThat(state(robot, "claude-code")).isEqualTo("Not configured");
        assertThat(state(robot, "cursor")).isEqualTo("Configured");
        assertThat(state(robot, "vscode")).isEqualTo("Not configured");
        assertThat(state(robot, "zed")).isEqualTo("Cannot read its file");
        assertThat(state(robot, "goose")).isEqualTo("Not configured");
        assertThat(state(robot, "gemini-cli")).isEqualTo("Configured differently");
        assertThat(state(robot, "claude-desktop")).isEqualTo("Not found on this machine");
        DeskTesting.screenshot(robot, "desk-mcp-clients.png");

        robot.clickOn("#configure-vscode");
        await("VS Code configured", () -> "Configured".equals(state(robot, "vscode")));
        String vscode = Files.readString(home.resolve(".config/Code/User/mcp.json"));
        assertThat(vscode).contains("\"servers\"", "\"octvex\"", "\"type\": \"stdio\"", "mcp-bridge");
        assertThat(TOKENS_SET_UP.get()).isEqualTo(1);
        assertThat(robot.lookup("#mcpNotice").queryAs(Label.class).getText())
                .startsWith("Configured VS Code (").endsWith("A workspace token for the bridge is in your OS keychain.");

        robot.clickOn("#remove-cursor");
        await("Cursor removed", () -> "Not configured".equals(state(robot, "cursor")));
        assertThat(Files.readString(home.resolve(".cursor/mcp.json"))).doesNotContain("octvex");

        assertThat(Files.readString(home.resolve(".config/zed/settings.json")))
                .isEqualTo("{\n  \"theme\": \"One Dark\"\n  \"vim_mode\": true\n}\n");
        assertThat(robot.lookup("#configure-zed").queryButton().isDisabled()).isTrue();
    }

    private ClientDescriptor byId(String id) {
        return clients.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    private static String state(FxRobot robot, String id) {
        return robot.lookup("#state-" + id).tryQuery().map(n -> ((Label) n).getText()).orElse("");
    }

    private static void await(String what, Callable<Boolean> condition) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
