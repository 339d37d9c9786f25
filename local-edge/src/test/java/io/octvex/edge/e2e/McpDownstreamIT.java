package io.octvex.edge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.edge.mcp.DownstreamMcpServer;
import io.octvex.edge.mcp.StdioMcpServer;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.CreateToken;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.ProtocolVersion;
import io.octvex.protocol.Role;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The downstream MCP client end to end: the real server jar, a real {@code octvex-edge}, a real MCP server over
 * Streamable HTTP that wants a bearer token (a vault secret whose value is a canary) and a stdio MCP server the
 * edge starts; an agent drives it all through the upstream {@code /mcp} endpoint with the SDK client. Policy
 * allows, holds for approval (on the tool's arguments) and denies; the canary must never reach the agent, the
 * run state, the events or either log, and the agent's token must never reach the downstream server.
 */
class McpDownstreamIT {
    private static final String POLICY = """
            grants:
              - id: members
                to: {roles: [owner, admin, operator, agent]}
                actions: ["*"]
            rules:
              - id: no-failing
                when: 'action == "mcp.call" && resource == "billing/fail"'
                effect: deny
                message: nobody calls fail
              - id: big-payments
                when: 'action == "mcp.call" && resource == "billing/pay" && request.arguments.amount > 100'
                effect: require_approval
                message: a payment above 100 needs a second pair of eyes
                approval: {role: approver, quorum: 1, expires: PT10M}
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private String url;
    private String adminToken;

    @Test
    void agentsCallDownstreamToolsThroughTheGateAndTheTokenStaysOnTheEdge() throws Exception {
        String canary = "canary-downstream-" + UUID.randomUUID();
        Path root = Files.createTempDirectory("octvex-mcp-it-");
        Path home = root.resolve("server-home");
        try (Processes.Running server = Processes.startServer(home, "--octvex.fleet.placement-grace=500ms");
             DownstreamMcpServer downstream = new DownstreamMcpServer(canary)) {
            url = Processes.awaitServerUrl(server, home, Duration.ofSeconds(180));
            adminToken = OctvexClient.connect(url).login("admin", Processes.ADMIN_PASSWORD).token();
            OctvexClient admin = OctvexClient.connect(url).withToken(adminToken);
            UUID ws = admin.workspaces().getFirst().id();
            admin.savePolicy(ws, POLICY, true);
            admin.createSecret(ws, new CreateSecret("billing-mcp-token", SecretKind.BEARER, null, null, null, null,
                    canary.toCharArray()));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            JsonNode billing = post("/api/v1/workspaces/" + ws + "/mcp-servers", Map.of("name", "billing",
                    "transport", "http", "url", downstream.url(), "auth", Map.of("secret", "billing-mcp-token"),
                    "edgeLabels", Map.of("test", "mcp"), "allowedTools", List.of("*")), 201);
            post("/api/v1/workspaces/" + ws + "/mcp-servers", Map.of("name", "echo", "transport", "stdio",
                    "command", java, "args", List.of("-cp", System.getProperty("java.class.path"),
                            StdioMcpServer.class.getName()),
                    "edgeLabels", Map.of("test", "mcp"), "allowedTools", List.of("echo")), 201);
            IssuedEnrollment enrollment = Json.mapper().convertValue(post("/api/v1/workspaces/" + ws
                    + "/edges/enrollments", new CreateEnrollment("mcp e2e", null, 5, null), 201), IssuedEnrollment.class);
            try (Processes.Running edge = Processes.startEdge(root.resolve("edge"), "edge-mcp", List.of("--server", url,
                    "--enroll", enrollment.token(), "--name", "edge-mcp", "--label", "test=mcp", "--capacity", "2",
                    "--drain-timeout", "10", "--wait"))) {
                // discovery: a run on the edge, then the tools are on the registration
                JsonNode discovery = post("/api/v1/workspaces/" + ws + "/mcp-servers/" + billing.get("id").asString()
                        + "/discover", null, 202);
                UUID discoveryRun = UUID.fromString(discovery.get("id").asString());
                await("discovery completes", () -> admin.run(ws, discoveryRun).status() == RunStatus.COMPLETED,
                        server, edge);
                JsonNode registered = get("/api/v1/workspaces/" + ws + "/mcp-servers/" + billing.get("id").asString());
                List<String> tools = new ArrayList<>();
                registered.get("tools").forEach(t -> tools.add(t.get("name").asString()));
                assertThat(tools).containsExactlyInAnyOrderElementsOf(DownstreamMcpServer.toolNames());

                String agentToken = admin.createToken(ws, new CreateToken("agent", List.of(Scope.WORKSPACE_READ,
                        Scope.RUNS_READ, Scope.RUNS_WRITE), null, null)).secret();
                List<String> seenByAgent = new ArrayList<>();
                try (McpSyncClient agent = agent(agentToken)) {
                    JsonNode listed = ok(agent, "list_mcp_tools", Map.of(), seenByAgent);
                    List<String> names = new ArrayList<>();
                    listed.get("tools").forEach(t -> names.add(t.get("name").asString()));
                    assertThat(names).contains("billing.pay", "billing.whoami");
                    // echo was never discovered: listed as such, and still callable (its allow-list names echo)
                    assertThat(listed.get("notYetDiscovered").get(0).get("server").asString()).isEqualTo("echo");

                    // allowed: the edge calls the server with the vault's token
                    JsonNode paid = ok(agent, "call_mcp_tool", Map.of("server", "billing", "tool", "pay",
                            "arguments", Map.of("amount", 5, "to", "ada"), "waitSeconds", 30), seenByAgent);
                    assertThat(paid.get("status").asString()).as(paid.toString()).isEqualTo("completed");
                    assertThat(paid.get("content").get(0).get("text").asString()).isEqualTo("paid 5 to ada");

                    // a server echoing the token: redacted on the edge
                    JsonNode whoami = ok(agent, "call_mcp_tool", Map.of("server", "billing", "tool", "whoami",
                            "waitSeconds", 30), seenByAgent);
                    assertThat(whoami.get("content").get(0).get("text").asString()).startsWith("you sent ")
                            .contains("*****");

                    // denied by policy: a tool error, and the server never saw the call
                    int calls = downstream.calls.get();
                    McpSchema.CallToolResult denied = agent.callTool(new McpSchema.CallToolRequest("call_mcp_tool",
                            Map.of("server", "billing", "tool", "fail", "waitSeconds", 30)));
                    seenByAgent.add(text(denied));
                    assertThat(denied.isError()).isTrue();
                    assertThat(text(denied)).contains("denied by policy ('no-failing')");
                    assertThat(downstream.calls.get()).isEqualTo(calls);

                    // held for approval on the arguments; approved, it runs in place
                    JsonNode held = ok(agent, "call_mcp_tool", Map.of("server", "billing", "tool", "pay",
                            "arguments", Map.of("amount", 500, "to", "bob"), "waitSeconds", 30), seenByAgent);
                    assertThat(held.get("status").asString()).as(held.toString()).isEqualTo("pending_approval");
                    assertThat(held.get("approval").get("resource").asString()).isEqualTo("billing/pay");
                    UUID heldRun = UUID.fromString(held.get("runId").asString());
                    admin.createPrincipal(ws, new CreatePrincipal(PrincipalKind.USER, "mcp-approver", null,
                            "mcp approver password", List.of(Role.APPROVER)));
                    OctvexClient approver = OctvexClient.connect(url).withToken(OctvexClient.connect(url)
                            .login("mcp-approver", "mcp approver password").token());
                    List<ApprovalView> pending = admin.approvals(ws, ApprovalStatus.PENDING, heldRun);
                    approver.approve(ws, pending.getFirst().id(), new DecideApproval("ok", null));
                    await("the approved payment runs", () -> admin.run(ws, heldRun).status() == RunStatus.COMPLETED,
                            server, edge);
                    assertThat(admin.run(ws, heldRun).steps().getFirst().result().get("content").get(0).get("text")
                            .asString()).isEqualTo("paid 500 to bob");

                    // a stdio server, started by the edge
                    JsonNode echoed = ok(agent, "call_mcp_tool", Map.of("server", "echo", "tool", "echo",
                            "arguments", Map.of("text", "hi"), "waitSeconds", 30), seenByAgent);
                    assertThat(echoed.get("status").asString()).as(echoed.toString()).isEqualTo("completed");
                    assertThat(echoed.get("content").get(0).get("text").asString()).startsWith("echo: hi (pid ");
                }

                // the canary: nowhere the agent, the run state, the events or the logs could show it
                assertThat(String.join("\n", seenByAgent)).doesNotContain(canary);
                StringBuilder state = new StringBuilder();
                admin.runs(ws, null, 100).runs().forEach(r -> state.append(Json.write(admin.run(ws, r.id()))));
                assertThat(state.toString()).contains("billing-mcp-token").doesNotContain(canary);
                assertThat(Json.write(admin.events(ws, 0, 1000))).doesNotContain(canary);
                assertThat(server.output()).doesNotContain(canary);
                assertThat(edge.output()).doesNotContain(canary);
                // and the agent's own token never went downstream: only the vault's did
                assertThat(downstream.authorizations).containsOnly("Bearer " + canary);
            }
        }
    }

    private McpSyncClient agent(String token) {
        var transport = HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp")
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    private static JsonNode ok(McpSyncClient agent, String tool, Map<String, Object> arguments, List<String> seen) {
        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest(tool, arguments));
        seen.add(text(result));
        seen.add(Json.write(result.structuredContent()));
        assertThat(result.isError()).as(text(result)).isFalse();
        return Json.toTree(result.structuredContent());
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().map(c -> c instanceof McpSchema.TextContent t ? t.text() : c.toString())
                .reduce("", String::concat);
    }

    private JsonNode post(String path, Object body, int expected) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + adminToken)
                .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT))
                .header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST " + path + ": " + response.body()).isEqualTo(expected);
        return Json.tree(response.body());
    }

    private JsonNode get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + adminToken)
                .header(ProtocolVersion.HEADER, Integer.toString(ProtocolVersion.CURRENT)).GET().build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
        return Json.tree(response.body());
    }

    private static void await(String what, Callable<Boolean> condition, Processes.Running server,
                              Processes.Running edge) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                String s = server.output();
                throw new AssertionError("not within 90 s: " + what + "\n--- edge output:\n" + edge.output()
                        + "\n--- server output (tail):\n" + s.substring(Math.max(0, s.length() - 4000)));
            }
            Thread.sleep(200);
        }
    }
}
