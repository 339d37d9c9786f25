package io.octvex.desk.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stdio bridge as a client starts it: a child process ({@code java -cp octvex-desk.jar …McpBridge}) driven
 * by the official MCP SDK's stdio client, relaying a whole session to the real server jar on embedded
 * PostgreSQL. The token reaches it through the environment only, as the fallback when no keychain answers.
 */
class McpBridgeIT {
    private static final String CANARY = "canary-" + UUID.randomUUID();
    private static Path root;
    private static ServerProcess server;
    private static UUID workspace;
    private static String agentToken;

    @BeforeAll
    static void startServer() throws Exception {
        root = Files.createTempDirectory("octvex-bridge-it-");
        server = ServerProcess.start(root.resolve("server-home"));
        String adminToken = OctvexClient.connect(server.url()).login("admin", ServerProcess.ADMIN_PASSWORD).token();
        OctvexClient admin = OctvexClient.connect(server.url()).withToken(adminToken);
        workspace = admin.workspaces().getFirst().id();
        admin.createSecret(workspace, new CreateSecret("billing-api", SecretKind.BEARER, null, null, null, null,
                CANARY.toCharArray()));
        agentToken = admin.createToken(workspace, new CreateToken("bridge it",
                List.of(Scope.WORKSPACE_READ, Scope.RUNS_READ), null, null)).secret();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aClientTalksToOctvexThroughTheBridge() {
        List<String> stderr = new CopyOnWriteArrayList<>();
        var transport = new StdioClientTransport(bridge(agentToken), new JacksonMcpJsonMapper(JsonMapper.builder().build()));
        transport.setStdErrorHandler(stderr::add);
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("bridge-it", "1")).build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).as(String.join("\n", stderr)).containsIgnoringCase("octvex");

            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertThat(tools).contains("list_credentials", "submit_run", "get_run", "http_request");

            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("list_credentials", Map.of()));
            assertThat(result.isError()).isFalse();
            JsonNode credentials = Json.toTree(result.structuredContent()).get("credentials");
            assertThat(credentials).hasSize(1);
            assertThat(credentials.get(0).get("name").asString()).isEqualTo("billing-api");
            assertThat(result.toString()).doesNotContain(CANARY);

            // a refusal inside the session is the server's own tool error, passed through as it is
            McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("submit_run",
                    Map.of("title", "not allowed", "steps", List.of(Map.of("key", "a", "handler", "noop",
                            "action", "noop"))))); // the token has no runs:write
            assertThat(refused.isError()).isTrue();
            assertThat(refused.content().toString()).contains("runs:write");
            client.ping();
        }
        assertThat(String.join("\n", stderr)).doesNotContain(agentToken);
    }

    @Test
    void aRefusedTokenIsSaidInWordsToTheClient() {
        var transport = new StdioClientTransport(bridge("octvex_not-a-real-token"),
                new JacksonMcpJsonMapper(JsonMapper.builder().build()));
        try (McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30))
                .initializationTimeout(Duration.ofSeconds(60)).build()) {
            assertThatThrownBy(client::initialize).hasStackTraceContaining("Octvex refused the token (401)");
        }
    }

    @Test
    void withoutAnyTokenTheBridgeStopsAndSaysWhatToDo() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true);
        builder.environment().remove("OCTVEX_TOKEN");
        builder.environment().put("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + root.resolve("no-bus"));
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("no token for workspace " + workspace, "OCTVEX_TOKEN is not set",
                "Configure the client from the Octvex Desk");
    }

    private static ServerParameters bridge(String token) {
        List<String> command = command();
        return ServerParameters.builder(command.getFirst()).args(command.subList(1, command.size()))
                // no session bus: the keychain is unavailable at once, so the token comes from the environment
                .env(Map.of("OCTVEX_TOKEN", token, "DBUS_SESSION_BUS_ADDRESS", "unix:path=" + root.resolve("no-bus")))
                .build();
    }

    private static List<String> command() {
        Path jar = Path.of("target/octvex-desk.jar").toAbsolutePath();
        assertThat(jar).as("built by the package phase").exists();
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ArrayList<>(List.of(java, "-cp", jar.toString(), "io.octvex.desk.bridge.McpBridge",
                "--server", server.url(), "--workspace", workspace.toString()));
    }
}
