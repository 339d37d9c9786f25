package io.octvex.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.protocol.Json;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code http_request}: a governed request as a one-step run, with a real (HTTP-driven) edge and the real gate. */
@ServerTest
class McpHttpRequestTest {
    private static final String DENY_POLICY = """
            grants:
              - id: members
                to: {roles: [owner, admin, operator, agent]}
                actions: ["*"]
            rules:
              - id: no-deny-example
                when: 'request.host == "deny.example"'
                effect: deny
                message: nothing goes to deny.example
            """;

    @LocalServerPort
    int port;

    private ApprovalFixtures approvals;
    private FleetFixtures fleet;
    private McpSyncClient client;

    @BeforeEach
    void setUp() {
        approvals = new ApprovalFixtures(port);
        fleet = approvals.fleet();
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    private McpSyncClient connect(UUID ws) {
        String token = fleet.api().adminToken(ws, Scope.WORKSPACE_READ, Scope.RUNS_READ, Scope.RUNS_WRITE).secret();
        var transport = HttpClientStreamableHttpTransport.builder(fleet.api().base()).endpoint("/mcp")
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(40)).build();
        client.initialize();
        return client;
    }

    private McpSchema.CallToolResult request(Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest("http_request", arguments));
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().map(c -> ((McpSchema.TextContent) c).text()).reduce("", String::concat);
    }

    /** The edge side: lease the next step (retrying until the run exists) and optionally complete it. */
    private CompletableFuture<LeaseBatch> edgeLeases(FleetFixtures.Edge edge, JsonNode completeWith) {
        return CompletableFuture.supplyAsync(() -> {
            for (int i = 0; i < 50; i++) {
                LeaseBatch batch = fleet.lease(edge, 1, 1);
                if (!batch.leases().isEmpty() && completeWith != null) {
                    var lease = batch.leases().getFirst();
                    TestApi.Response done = fleet.report(edge, lease.stepId(), "result",
                            new StepResult(lease.epoch(), StepStatus.COMPLETED, completeWith, null));
                    assertThat(done.status()).as(done.body()).isEqualTo(204);
                    return batch;
                }
                if (completeWith == null && i >= 3) {
                    return batch; // the gate has had its look at the step
                }
            }
            return null;
        });
    }

    @Test
    void heldForApprovalAnswersPromptlyWithWhatAndWhy() throws Exception {
        UUID ws = fleet.workspace("mcp-http-approval");
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        FleetFixtures.Edge edge = fleet.edge(ws);
        connect(ws);
        var edgeSide = edgeLeases(edge, null);
        long started = System.nanoTime();
        McpSchema.CallToolResult result = request(Map.of("url", "https://approve.example/pay?amount=5",
                "method", "POST", "body", "{}", "waitSeconds", 30));
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertThat(result.isError()).as(text(result)).isFalse();
        JsonNode answer = Json.toTree(result.structuredContent());
        assertThat(answer.get("status").asString()).isEqualTo("pending_approval");
        JsonNode approval = answer.get("approval");
        assertThat(approval.get("approvalId").asString()).isNotBlank();
        assertThat(approval.get("rule").asString()).isEqualTo("sign-off");
        assertThat(approval.get("message").asString()).isEqualTo("someone must look at this first");
        assertThat(approval.get("action").asString()).isEqualTo("http.request");
        assertThat(approval.get("method").asString()).isEqualTo("POST");
        assertThat(approval.get("expiresAt").asString()).isNotBlank();
        assertThat(seconds).as("answers when the gate holds it, not at the end of the wait").isLessThan(20);
        edgeSide.get();
    }

    @Test
    void completedWithinTheWaitAnswersTheResponse() throws Exception {
        UUID ws = fleet.workspace("mcp-http-done");
        FleetFixtures.Edge edge = fleet.edge(ws);
        connect(ws);
        var edgeSide = edgeLeases(edge, Json.tree("{\"status\":200,\"body\":\"hello from the target\"}"));
        McpSchema.CallToolResult result = request(Map.of("url", "https://example.test/hello", "waitSeconds", 30));
        assertThat(result.isError()).as(text(result)).isFalse();
        JsonNode answer = Json.toTree(result.structuredContent());
        assertThat(answer.get("status").asString()).isEqualTo("completed");
        assertThat(answer.get("response").get("body").asString()).isEqualTo("hello from the target");
        assertThat(edgeSide.get()).isNotNull();
    }

    @Test
    void deniedByPolicyIsAToolErrorWithTheReason() throws Exception {
        UUID ws = fleet.workspace("mcp-http-deny");
        approvals.savePolicy(ws, DENY_POLICY);
        FleetFixtures.Edge edge = fleet.edge(ws);
        connect(ws);
        var edgeSide = edgeLeases(edge, null);
        McpSchema.CallToolResult result = request(Map.of("url", "https://deny.example/x", "waitSeconds", 30));
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("denied by policy").contains("no-deny-example")
                .contains("nothing goes to deny.example");
        assertThat(Json.toTree(result.structuredContent()).get("status").asString()).isEqualTo("failed");
        edgeSide.get();
    }

    @Test
    void stillQueuedAtTheEndOfTheWaitSaysSo() {
        UUID ws = fleet.workspace("mcp-http-wait");
        connect(ws);
        McpSchema.CallToolResult result = request(Map.of("url", "https://example.test/slow", "waitSeconds", 0));
        assertThat(result.isError()).as(text(result)).isFalse();
        JsonNode answer = Json.toTree(result.structuredContent());
        assertThat(answer.get("status").asString()).isEqualTo("queued");
        assertThat(answer.get("runId").asString()).isNotBlank();
    }

    @Test
    void aCredentialValueInHeadersIsRefusedAndNeverRecorded() {
        UUID ws = fleet.workspace("mcp-http-header");
        connect(ws);
        String canary = "canary-" + UUID.randomUUID();
        McpSchema.CallToolResult result = request(Map.of("url", "https://example.test/x",
                "headers", Map.of("Authorization", "Bearer " + canary)));
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("list_credentials").doesNotContain(canary);
        TestApi.Response events = fleet.api().get("/api/v1/workspaces/" + ws + "/events?after=0&limit=1000",
                fleet.adminToken());
        assertThat(events.body()).contains("mcp.tool_called").doesNotContain(canary);
        TestApi.Response runs = fleet.api().get("/api/v1/workspaces/" + ws + "/runs", fleet.adminToken());
        assertThat(runs.body()).doesNotContain(canary);
    }
}
