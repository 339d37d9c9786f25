package io.octvex.edge.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import io.octvex.edge.http.CredentialHeaders;
import io.octvex.protocol.CredentialRef;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code mcp} handler against real MCP servers: one over Streamable HTTP with a bearer token, one over stdio. */
class McpHandlerTest {
    private static final String CANARY = "canary-mcp-" + UUID.randomUUID();
    private static DownstreamMcpServer downstream;

    @BeforeAll
    static void start() throws Exception {
        downstream = new DownstreamMcpServer(CANARY);
    }

    @AfterAll
    static void stop() throws Exception {
        downstream.close();
    }

    private static final CredentialHeaders LEASED = (step, target) -> Map.of("Authorization", "Bearer " + CANARY);

    private static JsonNode http(String op, String tool, Map<String, Object> arguments) {
        return Json.toTree(Map.of("op", op, "server", Map.of("name", "billing", "transport", "http",
                "url", downstream.url()), "tool", tool, "arguments", arguments, "timeoutSeconds", 20));
    }

    @Test
    void listsTheToolsOfAnHttpServerWithTheLeasedToken() throws Exception {
        JsonNode result = new McpHandler(LEASED).run(new Context(http("list_tools", "-", Map.of())));
        List<String> names = new java.util.ArrayList<>();
        result.path("tools").forEach(t -> names.add(t.path("name").asString()));
        assertThat(names).containsExactlyInAnyOrderElementsOf(DownstreamMcpServer.toolNames());
        JsonNode pay = result.path("tools").get(names.indexOf("pay"));
        assertThat(pay.path("description").asString()).isEqualTo("Pays an amount to someone.");
        assertThat(pay.path("inputSchema").path("properties").has("amount")).isTrue();
    }

    @Test
    void callsAToolAndReturnsItsContentAndStructuredContent() throws Exception {
        int before = downstream.calls.get();
        JsonNode result = new McpHandler(LEASED).run(new Context(http("call", "pay", Map.of("amount", 5, "to", "ada"))));
        assertThat(result.path("content").get(0).path("text").asString()).isEqualTo("paid 5 to ada");
        assertThat(result.path("structuredContent").path("paid").asInt()).isEqualTo(5);
        assertThat(result.path("isError").asBoolean(false)).isFalse();
        assertThat(downstream.calls.get()).isEqualTo(before + 1);
    }

    @Test
    void anEchoedTokenIsRedactedFromTheResult() throws Exception {
        JsonNode result = new McpHandler(LEASED).run(new Context(http("call", "whoami", Map.of())));
        String text = result.path("content").get(0).path("text").asString();
        assertThat(text).startsWith("you sent ").contains("*****");
        assertThat(Json.write(result)).doesNotContain(CANARY);
    }

    @Test
    void aToolErrorIsAResultMarkedAsError() throws Exception {
        JsonNode result = new McpHandler(LEASED).run(new Context(http("call", "fail", Map.of())));
        assertThat(result.path("isError").asBoolean()).isTrue();
        assertThat(result.path("content").get(0).path("text").asString()).isEqualTo("the ledger is closed");
    }

    @Test
    void aWrongTokenFailsTheStepWithoutShowingEitherToken() {
        int refused = downstream.refused.get();
        CredentialHeaders wrong = (step, target) -> Map.of("Authorization", "Bearer wrong-" + CANARY);
        assertThatThrownBy(() -> new McpHandler(wrong).run(new Context(http("call", "pay", Map.of()))))
                .isInstanceOf(StepFailure.class)
                .hasMessageStartingWith("MCP server 'billing' (http) failed the call of pay")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(CANARY));
        assertThat(downstream.refused.get()).isGreaterThan(refused);
    }

    @Test
    void startsAStdioServerOnTheEdgeAndCallsIt() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        JsonNode server = Json.toTree(Map.of("name", "echo", "transport", "stdio", "command", java,
                "args", List.of("-cp", System.getProperty("java.class.path"), StdioMcpServer.class.getName())));
        McpHandler handler = new McpHandler(CredentialHeaders.NONE);
        JsonNode tools = handler.run(new Context(Json.toTree(Map.of("op", "list_tools", "server", server,
                "timeoutSeconds", 60))));
        assertThat(tools.path("tools").get(0).path("name").asString()).isEqualTo("echo");
        JsonNode result = handler.run(new Context(Json.toTree(Map.of("op", "call", "server", server, "tool", "echo",
                "arguments", Map.of("text", "hello"), "timeoutSeconds", 60))));
        String text = result.path("content").get(0).path("text").asString();
        assertThat(text).startsWith("echo: hello (pid ");
        assertThat(text).doesNotContain("(pid " + ProcessHandle.current().pid() + ")");
    }

    @Test
    void badInputIsRefusedWithTheField() {
        assertThatThrownBy(() -> new McpHandler(LEASED).run(new Context(Json.toTree(Map.of("op", "call",
                "server", Map.of("name", "x", "transport", "ftp"), "tool", "t")))))
                .isInstanceOf(StepFailure.class).hasMessageContaining("'server.transport'");
        assertThatThrownBy(() -> new McpHandler(LEASED).run(new Context(Json.toTree(Map.of("op", "call",
                "server", Map.of("name", "x", "transport", "http", "url", downstream.url()))))))
                .isInstanceOf(StepFailure.class).hasMessageContaining("'tool' is required");
    }

    /** A step context without a server: the handler only reads the input. */
    private record Context(JsonNode input) implements StepContext {
        @Override
        public Lease lease() {
            return new Lease(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "call", "mcp", "call", input, 1,
                    1, Instant.now().plusSeconds(30), null, List.of());
        }

        @Override
        public Path workDir() {
            return Path.of(System.getProperty("java.io.tmpdir"));
        }

        @Override
        public void progress(String message, Integer percent, JsonNode data) {}

        @Override
        public void checkpoint(String summary, JsonNode state) {}

        @Override
        public String artifact(String name, String contentType, byte[] content) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void authorize(String action, String resource, String method, List<String> headerNames) {}

        @Override
        public byte[] credential(CredentialRef ref) throws StepFailure {
            throw new StepFailure("no credentials here");
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    }
}
