package io.octvex.server.mcpclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.protocol.CreateSecret;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.McpServerView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.SecretKind;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Downstream MCP servers on the real server and database: registration (validated, workspace-scoped), mcp
 * steps through the real gate (allow, deny, require approval on the tool's arguments), discovery, and the
 * agent-facing tools. The edge here is driven over HTTP by the test; McpDownstreamIT runs a real one.
 */
@ServerTest
class McpClientTest {
    private static final String POLICY = """
            grants:
              - id: members
                to: {roles: [owner, admin, operator, agent]}
                actions: ["*"]
            rules:
              - id: no-refunds
                when: 'action == "mcp.call" && resource == "billing/refund"'
                effect: deny
                message: refunds go through finance
              - id: big-payments
                when: 'action == "mcp.call" && resource == "billing/pay" && request.arguments.amount > 100'
                effect: require_approval
                message: a payment above 100 needs a second pair of eyes
                approval: {role: approver, quorum: 1, expires: PT1H}
            tests:
              - name: a big payment waits for a person
                as: {name: t, kind: agent, roles: [agent]}
                input: {action: mcp.call, resource: billing/pay, arguments: {amount: 500, to: bob}}
                expect: require_approval
              - name: a small one goes ahead
                as: {name: t, kind: agent, roles: [agent]}
                input: {action: mcp.call, resource: billing/pay, arguments: {amount: 5}}
                expect: allow
              - name: a fractional amount is compared with the whole-number limit
                as: {name: t, kind: agent, roles: [agent]}
                input: {action: mcp.call, resource: billing/pay, arguments: {amount: 5.5}}
                expect: allow
              - name: and above it waits
                as: {name: t, kind: agent, roles: [agent]}
                input: {action: mcp.call, resource: billing/pay, arguments: {amount: 100.5}}
                expect: require_approval
              - name: refunds never
                as: {name: t, kind: agent, roles: [agent]}
                input: {action: mcp.call, resource: billing/refund}
                expect: deny
            """;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    private FleetFixtures fleet;
    private ApprovalFixtures approvals;
    private TestApi api;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        approvals = new ApprovalFixtures(port);
        fleet = approvals.fleet();
        api = fleet.api();
    }

    @AfterEach
    void close() {
        clients.forEach(McpSyncClient::close);
    }

    private TestApi.Response send(String method, String path, Object body) {
        return api.send(method, path, fleet.adminToken(), body);
    }

    private McpSyncClient agent(UUID ws) {
        String token = api.adminToken(ws, Scope.WORKSPACE_READ, Scope.RUNS_READ, Scope.RUNS_WRITE).secret();
        var transport = HttpClientStreamableHttpTransport.builder(api.base()).endpoint("/mcp")
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token)).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(40)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().map(c -> c instanceof McpSchema.TextContent t ? t.text() : c.toString())
                .reduce("", String::concat);
    }

    /** The test's edge: leases the next step (until one comes) and answers it with {@code answer(lease)}. */
    private CompletableFuture<Lease> edgeAnswers(FleetFixtures.Edge edge, Function<Lease, JsonNode> answer) {
        return CompletableFuture.supplyAsync(() -> {
            for (int i = 0; i < 40; i++) {
                LeaseBatch batch = fleet.lease(edge, 1, 1);
                if (!batch.leases().isEmpty()) {
                    Lease lease = batch.leases().getFirst();
                    TestApi.Response done = fleet.report(edge, lease.stepId(), "result",
                            new StepResult(lease.epoch(), StepStatus.COMPLETED, answer.apply(lease), null));
                    assertThat(done.status()).as(done.body()).isEqualTo(204);
                    return lease;
                }
            }
            return null;
        });
    }

    @Test
    void badRegistrationsAreRefusedWithAClearMessageAndWriteNothing() {
        UUID ws = fleet.workspace("mcp-bad");
        String base = McpClientFixtures.base(ws);
        Map<Map<String, Object>, String> cases = Map.of(
                Map.of("name", "Bad.Name", "transport", "http", "url", "https://x.test/mcp"), "'name' must be",
                Map.of("name", "x", "url", "https://x.test/mcp"), "'transport' must be 'http'",
                Map.of("name", "x", "transport", "http"), "'url' is required",
                Map.of("name", "x", "transport", "http", "url", "ftp://x.test/"), "absolute http or https URL",
                Map.of("name", "x", "transport", "http", "url", "https://u:p@x.test/mcp"), "must not carry a user",
                Map.of("name", "x", "transport", "stdio", "command", "npx", "auth", Map.of("secret", "s")),
                "'auth' is for http servers",
                Map.of("name", "x", "transport", "stdio"), "'command' is required",
                Map.of("name", "x", "transport", "http", "url", "https://x.test/mcp", "auth",
                        Map.of("secret", "s", "as", "cookie")), "'auth.as' must be",
                Map.of("name", "x", "transport", "http", "url", "https://x.test/mcp", "allowedTools",
                        List.of("a b")), "'allowedTools' has 'a b'");
        cases.forEach((body, message) -> {
            TestApi.Response r = send("POST", base, body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.detail()).as(body.toString()).contains(message);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        });
        assertThat(send("POST", base, null).status()).isEqualTo(400);
        assertThat(jdbc.sql("SELECT count(*) FROM mcp_servers WHERE workspace_id = ?").param(ws).query(Long.class)
                .single()).isZero();
        McpClientFixtures.register(api, fleet.adminToken(), ws, "dup", "https://x.test/mcp");
        TestApi.Response dup = send("POST", base, Map.of("name", "dup", "transport", "stdio", "command", "npx"));
        assertThat(dup.status()).isEqualTo(409);
        assertThat(dup.detail()).contains("already registered");
    }

    @Test
    void anotherWorkspacesServersAreNotFound() {
        UUID a = fleet.workspace("mcp-a");
        UUID b = fleet.workspace("mcp-b");
        McpServerView inB = McpClientFixtures.register(api, fleet.adminToken(), b, "secret-b-server",
                "https://b.test/mcp");
        String path = McpClientFixtures.base(a) + "/" + inB.id();
        assertThat(send("GET", path, null).status()).isEqualTo(404);
        assertThat(send("PUT", path, Map.of("name", "taken", "transport", "http", "url", "https://a.test/mcp"))
                .status()).isEqualTo(404);
        assertThat(send("POST", path + "/discover", null).status()).isEqualTo(404);
        assertThat(send("DELETE", path, null).status()).isEqualTo(404);
        TestApi.Response listA = send("GET", McpClientFixtures.base(a), null);
        assertThat(listA.body()).doesNotContain("secret-b-server");
        assertThat(send("GET", McpClientFixtures.base(b) + "/" + inB.id(), null).status()).isEqualTo(200);
        // an agent of A cannot reach B's server by name either
        McpSchema.CallToolResult call = agent(a).callTool(new McpSchema.CallToolRequest("call_mcp_tool",
                Map.of("server", "secret-b-server", "tool", "pay")));
        assertThat(call.isError()).isTrue();
        assertThat(text(call)).contains("Not found");
    }

    @Test
    void anMcpStepMustNameARegisteredServerExactlyAsRegistered() {
        UUID ws = fleet.workspace("mcp-forged");
        McpClientFixtures.register(api, fleet.adminToken(), ws, "tools", "https://tools.test/mcp");
        long runs = jdbc.sql("SELECT count(*) FROM runs WHERE workspace_id = ?").param(ws).query(Long.class).single();
        for (Map<String, Object> server : List.<Map<String, Object>>of(
                Map.of("name", "unknown", "transport", "stdio", "command", "sh"),
                Map.of("name", "tools", "transport", "stdio", "command", "sh", "args", List.of("-c", "id")))) {
            TestApi.Response r = send("POST", "/api/v1/workspaces/" + ws + "/runs", Map.of("title", "forged",
                    "steps", List.of(Map.of("key", "s", "handler", "mcp", "action", "mcp",
                            "input", Map.of("op", "call", "tool", "x", "server", server)))));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.detail()).contains("steps[0].input");
        }
        assertThat(jdbc.sql("SELECT count(*) FROM runs WHERE workspace_id = ?").param(ws).query(Long.class).single())
                .isEqualTo(runs);
    }

    @Test
    void callsPassTheGateWithTheirArgumentsAndTheSecretStaysInTheVault() throws Exception {
        UUID ws = fleet.workspace("mcp-gate");
        approvals.savePolicy(ws, POLICY);
        String canary = "canary-" + UUID.randomUUID();
        api.admin().createSecret(ws, new CreateSecret("billing-token", SecretKind.BEARER, null, null, null, null,
                canary.toCharArray()));
        TestApi.Response created = send("POST", McpClientFixtures.base(ws), Map.of("name", "billing",
                "transport", "http", "url", "https://billing.test/mcp",
                "auth", Map.of("secret", "billing-token"), "edgeLabels", Map.of("zone", "finance"),
                "allowedTools", List.of("pay", "refund")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        FleetFixtures.Edge edge = fleet.edge(ws, TestApi.unique("mcp-edge"), Map.of("zone", "finance"),
                List.of("mcp"), 2);
        McpSyncClient agent = agent(ws);

        // allowed: the edge gets the server, the tool, the arguments and a credential lease, never the value
        var edgeSide = edgeAnswers(edge, lease -> Json.tree("""
                {"content": [{"type": "text", "text": "paid 5 to ada"}], "structuredContent": {"paid": 5},
                 "isError": false}"""));
        McpSchema.CallToolResult paid = agent.callTool(new McpSchema.CallToolRequest("call_mcp_tool",
                Map.of("server", "billing", "tool", "pay", "arguments", Map.of("amount", 5, "to", "ada"),
                        "waitSeconds", 30)));
        assertThat(paid.isError()).as(text(paid)).isFalse();
        JsonNode answer = Json.toTree(paid.structuredContent());
        assertThat(answer.get("status").asString()).isEqualTo("completed");
        assertThat(answer.get("content").get(0).get("text").asString()).isEqualTo("paid 5 to ada");
        assertThat(answer.get("structuredContent").get("paid").asInt()).isEqualTo(5);
        Lease lease = edgeSide.get();
        assertThat(lease.handler()).isEqualTo("mcp");
        assertThat(lease.input().get("server").get("url").asString()).isEqualTo("https://billing.test/mcp");
        assertThat(lease.input().get("tool").asString()).isEqualTo("pay");
        assertThat(lease.input().get("arguments").get("amount").asInt()).isEqualTo(5);
        assertThat(lease.input().get("auth").get("secret").asString()).isEqualTo("billing-token");
        assertThat(lease.credentials()).extracting(c -> c.secret()).containsExactly("billing-token");
        assertThat(Json.write(lease)).doesNotContain(canary);

        // require_approval on the arguments: answered at once, with what and why
        McpSchema.CallToolResult big = callWhileTheEdgeLooks(agent, edge, Map.of("server", "billing", "tool", "pay",
                "arguments", Map.of("amount", 500, "to", "bob"), "waitSeconds", 30));
        assertThat(big.isError()).as(text(big)).isFalse();
        JsonNode held = Json.toTree(big.structuredContent());
        assertThat(held.get("status").asString()).as(held.toString()).isEqualTo("pending_approval");
        assertThat(held.get("approval").get("action").asString()).isEqualTo("mcp.call");
        assertThat(held.get("approval").get("resource").asString()).isEqualTo("billing/pay");
        assertThat(held.get("approval").get("rule").asString()).isEqualTo("big-payments");

        // deny: a tool error with the rule's reason
        McpSchema.CallToolResult refund = callWhileTheEdgeLooks(agent, edge, Map.of("server", "billing",
                "tool", "refund", "arguments", Map.of("amount", 1), "waitSeconds", 30));
        assertThat(refund.isError()).isTrue();
        assertThat(text(refund)).contains("denied by policy ('no-refunds')").contains("refunds go through finance");

        // not on the allow-list: refused before any run exists
        McpSchema.CallToolResult other = agent.callTool(new McpSchema.CallToolRequest("call_mcp_tool",
                Map.of("server", "billing", "tool", "whoami")));
        assertThat(other.isError()).isTrue();
        assertThat(text(other)).contains("not on this workspace's allow-list");

        for (String table : List.of("events", "steps", "runs", "approvals", "mcp_servers")) {
            assertThat(jdbc.sql("SELECT count(*) FROM " + table + " t WHERE t::text LIKE ?").param("%" + canary + "%")
                    .query(Long.class).single()).as(table).isZero();
        }
        assertThat(text(paid) + text(big) + text(refund) + text(other)).doesNotContain(canary);
    }

    private McpSchema.CallToolResult callWhileTheEdgeLooks(McpSyncClient agent, FleetFixtures.Edge edge,
                                                           Map<String, Object> arguments) throws Exception {
        var looks = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 3; i++) {
                fleet.lease(edge, 1, 1);
            }
        });
        McpSchema.CallToolResult result = agent.callTool(new McpSchema.CallToolRequest("call_mcp_tool", arguments));
        looks.get();
        return result;
    }

    @Test
    void discoveryStoresTheToolsAndAgentsSeeTheAllowedOnesNamespaced() throws Exception {
        UUID ws = fleet.workspace("mcp-discover");
        TestApi.Response created = send("POST", McpClientFixtures.base(ws), Map.of("name", "docs",
                "transport", "stdio", "command", "/usr/bin/docs-mcp", "args", List.of("--read-only"),
                "allowedTools", List.of("search")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        McpServerView server = Json.read(created.body(), McpServerView.class);
        FleetFixtures.Edge edge = fleet.edge(ws, TestApi.unique("mcp-edge"), Map.of(), List.of("mcp"), 1);
        var edgeSide = edgeAnswers(edge, lease -> Json.tree("""
                {"tools": [{"name": "search", "description": "Searches the docs.",
                            "inputSchema": {"type": "object", "properties": {"q": {"type": "string"}}}},
                           {"name": "delete_all", "description": "Deletes everything.",
                            "inputSchema": {"type": "object"}}]}"""));
        TestApi.Response run = send("POST", McpClientFixtures.base(ws) + "/" + server.id() + "/discover", null);
        assertThat(run.status()).as(run.body()).isEqualTo(202);
        Lease lease = edgeSide.get();
        assertThat(lease.input().get("op").asString()).isEqualTo("list_tools");
        assertThat(lease.input().get("server").get("command").asString()).isEqualTo("/usr/bin/docs-mcp");

        McpServerView stored = Json.read(send("GET", McpClientFixtures.base(ws) + "/" + server.id(), null).body(),
                McpServerView.class);
        assertThat(stored.tools()).extracting(t -> t.name()).containsExactly("search", "delete_all");
        assertThat(stored.toolsDiscoveredAt()).isNotNull();
        JsonNode decided = Json.tree(api.get("/api/v1/workspaces/" + ws + "/events?after=0&limit=1000",
                fleet.adminToken()).body());
        List<String> actions = new ArrayList<>();
        decided.get("events").forEach(e -> {
            if (e.get("type").asString().equals("policy.decided")) {
                actions.add(e.get("data").path("input").path("action").asString(""));
            }
        });
        assertThat(actions).contains("mcp.list_tools");

        McpSchema.CallToolResult listed = agent(ws).callTool(new McpSchema.CallToolRequest("list_mcp_tools", Map.of()));
        assertThat(listed.isError()).as(text(listed)).isFalse();
        JsonNode tools = Json.toTree(listed.structuredContent()).get("tools");
        assertThat(tools).hasSize(1);
        assertThat(tools.get(0).get("name").asString()).isEqualTo("docs.search");
        assertThat(tools.get(0).get("inputSchema").get("properties").has("q")).isTrue();
    }
}
