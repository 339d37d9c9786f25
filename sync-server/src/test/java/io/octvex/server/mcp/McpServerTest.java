package io.octvex.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.protocol.Json;
import io.octvex.protocol.Scope;
import io.octvex.server.ServerTest;
import io.octvex.server.approval.ApprovalFixtures;
import io.octvex.server.fleet.FleetFixtures;
import io.octvex.server.identity.TestApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The upstream MCP server, driven by the MCP Java SDK's own client over real HTTP. */
@ServerTest
class McpServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String INITIALIZE = """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
            "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    @LocalServerPort
    int port;

    private ApprovalFixtures approvals;
    private FleetFixtures fleet;
    private TestApi api;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeEach
    void setUp() {
        approvals = new ApprovalFixtures(port);
        fleet = approvals.fleet();
        api = fleet.api();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::close);
    }

    private String token(UUID workspaceId, Scope... scopes) {
        return api.adminToken(workspaceId, scopes).secret();
    }

    private String agentToken(UUID workspaceId) {
        return token(workspaceId, Scope.WORKSPACE_READ, Scope.RUNS_READ, Scope.RUNS_WRITE);
    }

    private McpSyncClient client(String token) {
        var transport = HttpClientStreamableHttpTransport.builder(api.base()).endpoint("/mcp")
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .clientInfo(new McpSchema.Implementation("octvex-test", "1")).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    private static JsonNode ok(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isFalse();
        return Json.toTree(result.structuredContent());
    }

    private static String error(McpSchema.CallToolResult result) {
        assertThat(result.isError()).as(text(result)).isTrue();
        return text(result);
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().map(c -> c instanceof McpSchema.TextContent t ? t.text() : c.toString())
                .reduce("", String::concat);
    }

    private static Map<String, Object> httpRun(String title, String method, String url) {
        return Map.of("title", title, "steps", List.of(Map.of("key", "call", "handler", "http",
                "action", method + " " + url, "input", Map.of("method", method, "url", url))));
    }

    private List<JsonNode> events(UUID workspaceId, String type) {
        TestApi.Response page = api.get("/api/v1/workspaces/" + workspaceId + "/events?after=0&limit=1000",
                fleet.adminToken());
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        List<JsonNode> found = new ArrayList<>();
        Json.tree(page.body()).get("events").forEach(e -> {
            if (e.get("type").asString().equals(type)) {
                found.add(e);
            }
        });
        return found;
    }

    private static HttpResponse<String> raw(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder post(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(api.base() + pathAndQuery))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
    }

    @Test
    void initializeAndListToolsWithSchemas() {
        UUID ws = fleet.workspace("mcp-tools");
        McpSyncClient client = client(agentToken(ws));
        assertThat(client.getServerInfo().name()).isEqualTo("octvex");
        List<McpSchema.Tool> tools = client.listTools().tools();
        assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrder("submit_run", "get_run",
                "get_run_timeline", "wait_for_run", "list_pending_approvals", "list_credentials", "http_request",
                "browser", "list_mcp_tools", "call_mcp_tool");
        List<String> writers = List.of("submit_run", "http_request", "browser", "call_mcp_tool");
        for (McpSchema.Tool tool : tools) {
            assertThat(tool.description()).as(tool.name()).hasSizeGreaterThan(60);
            assertThat(tool.inputSchema()).containsEntry("type", "object");
            assertThat(tool.annotations().readOnlyHint()).as(tool.name()).isEqualTo(!writers.contains(tool.name()));
        }
        McpSchema.Tool getRun = tools.stream().filter(t -> t.name().equals("get_run")).findFirst().orElseThrow();
        JsonNode schema = Json.toTree(getRun.inputSchema());
        assertThat(schema.get("required").get(0).asString()).isEqualTo("runId");
        assertThat(schema.get("properties").get("runId").get("description").asString()).isNotBlank();
    }

    @Test
    void anUnknownToolIsAProtocolError() {
        UUID ws = fleet.workspace("mcp-unknown");
        McpSyncClient client = client(agentToken(ws));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(client, "no_such_tool", Map.of()))
                .isInstanceOf(io.modelcontextprotocol.spec.McpError.class).hasMessageContaining("Unknown tool");
    }

    @Test
    void submitGetRunAndTimeline() {
        UUID ws = fleet.workspace("mcp-runs");
        McpSyncClient client = client(agentToken(ws));
        JsonNode run = ok(call(client, "submit_run", httpRun("fetch invoices", "GET", "https://example.test/x")));
        assertThat(run.get("status").asString()).isEqualTo("queued");
        String runId = run.get("runId").asString();

        JsonNode got = ok(call(client, "get_run", Map.of("runId", runId)));
        assertThat(got.get("title").asString()).isEqualTo("fetch invoices");
        assertThat(got.get("steps").get(0).get("key").asString()).isEqualTo("call");
        assertThat(got.get("waitingFor").isArray()).isTrue();

        JsonNode timeline = ok(call(client, "get_run_timeline", Map.of("runId", runId)));
        assertThat(timeline.get("entries").get(0).get("type").asString()).isEqualTo("run.created");
        assertThat(timeline.get("entries").get(0).get("summary").asString()).contains("fetch invoices");
        JsonNode paged = ok(call(client, "get_run_timeline", Map.of("runId", runId, "limit", 1)));
        assertThat(paged.get("entries")).hasSize(1);
        assertThat(paged.get("more").asBoolean()).isTrue();

        // the run is the same one the REST API sees, submitted by the token's principal
        TestApi.Response rest = api.get("/api/v1/workspaces/" + ws + "/runs/" + runId, fleet.adminToken());
        assertThat(rest.status()).as(rest.body()).isEqualTo(200);
    }

    @Test
    void pendingApprovalIsWhatTheRunWaitsFor() {
        UUID ws = fleet.workspace("mcp-approval");
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        McpSyncClient client = client(agentToken(ws));
        String runId = ok(call(client, "submit_run", httpRun("pay", "POST", "https://approve.example/things")))
                .get("runId").asString();
        FleetFixtures.Edge edge = fleet.edge(ws);
        assertThat(fleet.lease(edge, 1, 0).leases()).as("the gate holds the step").isEmpty();

        JsonNode got = ok(call(client, "get_run", Map.of("runId", runId)));
        assertThat(got.get("status").asString()).isEqualTo("blocked");
        JsonNode waiting = got.get("waitingFor").get(0);
        assertThat(waiting.get("kind").asString()).isEqualTo("approval");
        assertThat(waiting.get("rule").asString()).isEqualTo("sign-off");
        assertThat(waiting.get("message").asString()).isEqualTo("someone must look at this first");
        assertThat(waiting.get("resource").asString()).isEqualTo("https://approve.example/things");
        assertThat(waiting.get("approverRole").asString()).isEqualTo("approver");
        assertThat(waiting.get("expiresAt").asString()).isNotBlank();
        String approvalId = waiting.get("approvalId").asString();

        JsonNode pending = ok(call(client, "list_pending_approvals", Map.of()));
        assertThat(pending.get("approvals")).hasSize(1);
        assertThat(pending.get("approvals").get(0).get("approvalId").asString()).isEqualTo(approvalId);
        JsonNode byRun = ok(call(client, "list_pending_approvals", Map.of("runId", runId)));
        assertThat(byRun.get("approvals").get(0).get("runId").asString()).isEqualTo(runId);
    }

    @Test
    void aStepNoEdgeCanTakeShowsWhyInWaitingFor() {
        UUID ws = fleet.workspace("mcp-unplaced");
        fleet.edge(ws);
        McpSyncClient client = client(agentToken(ws));
        String runId = ok(call(client, "submit_run", Map.of("title", "ocr", "steps", List.of(Map.of("key", "scan",
                "handler", "ocr", "action", "read the invoice scan"))))).get("runId").asString();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
                ok(call(client, "get_run", Map.of("runId", runId))).get("waitingFor").size() == 1);
        JsonNode waiting = ok(call(client, "get_run", Map.of("runId", runId))).get("waitingFor").get(0);
        assertThat(waiting.get("kind").asString()).isEqualTo("placement");
        assertThat(waiting.get("step").asString()).isEqualTo("scan");
        assertThat(waiting.get("reason").asString()).contains("handler 'ocr'");
    }

    @Test
    void credentialNamesWithoutValues() {
        UUID ws = fleet.workspace("mcp-vault");
        String canary = "canary-" + UUID.randomUUID();
        TestApi.Response created = api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", fleet.adminToken(),
                Map.of("name", "billing-api", "kind", "opaque", "value", canary));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        McpSyncClient client = client(agentToken(ws));
        McpSchema.CallToolResult result = call(client, "list_credentials", Map.of());
        JsonNode answer = ok(result);
        assertThat(answer.get("credentials").get(0).get("name").asString()).isEqualTo("billing-api");
        assertThat(answer.get("credentials").get(0).get("kind").asString()).isEqualTo("opaque");
        assertThat(text(result)).doesNotContain(canary);
        assertThat(Json.write(result.structuredContent())).doesNotContain(canary);
        // a call that tries to smuggle the canary in as an argument is refused, and the audit masks it
        error(call(client, "list_credentials", Map.of("password", canary)));
        TestApi.Response events = api.get("/api/v1/workspaces/" + ws + "/events?after=0&limit=1000",
                fleet.adminToken());
        assertThat(events.body()).contains("mcp.tool_called").doesNotContain(canary);
    }

    @Test
    void everyCallIsAuditedWithMaskedArgumentsAndOutcome() {
        UUID ws = fleet.workspace("mcp-audit");
        String token = agentToken(ws);
        McpSyncClient client = client(token);
        String runId = ok(call(client, "submit_run", httpRun("audited", "GET", "https://example.test/a")))
                .get("runId").asString();
        ok(call(client, "get_run", Map.of("runId", runId)));
        String bad = error(call(client, "get_run", Map.of("runId", "not-a-uuid")));
        assertThat(bad).contains("runId").doesNotContain("Exception").doesNotContain("at io.");
        String missing = error(call(client, "get_run", Map.of()));
        assertThat(missing).contains("runId");
        error(call(client, "list_credentials", Map.of("apiToken", "s3cr3t-value")));

        List<JsonNode> calls = events(ws, "mcp.tool_called");
        assertThat(calls).hasSize(5);
        assertThat(calls).extracting(e -> e.get("data").get("tool").asString())
                .containsExactly("submit_run", "get_run", "get_run", "get_run", "list_credentials");
        assertThat(calls).extracting(e -> e.get("data").get("outcome").asString())
                .containsExactly("ok", "ok", "invalid_arguments", "invalid_arguments", "invalid_arguments");
        assertThat(calls.get(0).get("principalId").asString()).isNotBlank();
        assertThat(calls.get(0).get("data").get("principal").asString()).isEqualTo("admin");
        assertThat(calls.get(0).get("data").get("arguments").get("title").asString()).isEqualTo("audited");
        assertThat(calls.get(4).get("data").get("arguments").get("apiToken").asString()).isEqualTo("****");
        assertThat(Json.write(calls)).doesNotContain("s3cr3t-value");
        // the client's token is never recorded or passed on: not in any event, not in the run
        TestApi.Response all = api.get("/api/v1/workspaces/" + ws + "/events?after=0&limit=1000", fleet.adminToken());
        assertThat(all.body()).doesNotContain(token);
        assertThat(api.get("/api/v1/workspaces/" + ws + "/runs/" + runId, fleet.adminToken()).body())
                .doesNotContain(token);
    }

    @Test
    void scopesArePerTool() {
        UUID ws = fleet.workspace("mcp-scopes");
        McpSyncClient reader = client(token(ws, Scope.RUNS_READ));
        String refused = error(call(reader, "submit_run", httpRun("nope", "GET", "https://example.test/n")));
        assertThat(refused).contains("runs:write");
        assertThat(events(ws, "mcp.tool_called").getLast().get("data").get("outcome").asString())
                .isEqualTo("forbidden");
        ok(call(reader, "list_pending_approvals", Map.of()));
    }

    @Test
    void aTokenOfOneWorkspaceCannotSeeAnotherWorkspaceThroughAnyTool() {
        UUID a = fleet.workspace("mcp-a");
        UUID b = fleet.workspace("mcp-b");
        approvals.savePolicy(b, ApprovalFixtures.POLICY);
        TestApi.Response secret = api.send("POST", "/api/v1/workspaces/" + b + "/secrets", fleet.adminToken(),
                Map.of("name", "b-only", "kind", "opaque", "value", "b-value"));
        assertThat(secret.status()).as(secret.body()).isEqualTo(201);
        McpSyncClient inB = client(agentToken(b));
        String bRun = ok(call(inB, "submit_run", httpRun("b run", "POST", "https://approve.example/b")))
                .get("runId").asString();
        assertThat(fleet.lease(fleet.edge(b), 1, 0).leases()).isEmpty();
        assertThat(ok(call(inB, "list_pending_approvals", Map.of())).get("approvals")).hasSize(1);

        McpSyncClient inA = client(agentToken(a));
        assertThat(error(call(inA, "get_run", Map.of("runId", bRun)))).contains("Not found");
        assertThat(error(call(inA, "get_run_timeline", Map.of("runId", bRun)))).contains("Not found");
        assertThat(ok(call(inA, "list_pending_approvals", Map.of("runId", bRun))).get("approvals")).isEmpty();
        assertThat(ok(call(inA, "list_pending_approvals", Map.of())).get("approvals")).isEmpty();
        assertThat(ok(call(inA, "list_credentials", Map.of())).get("credentials")).isEmpty();
        // what A tried is audited in A, never in B
        assertThat(events(a, "mcp.tool_called")).hasSize(5);
        assertThat(events(b, "mcp.tool_called")).hasSize(2);
    }

    @Test
    void aSessionCanOnlyBeContinuedWithTheTokenThatOpenedIt() {
        UUID a = fleet.workspace("mcp-session-a");
        UUID b = fleet.workspace("mcp-session-b");
        TestApi.Response secret = api.send("POST", "/api/v1/workspaces/" + a + "/secrets", fleet.adminToken(),
                Map.of("name", "a-only", "kind", "opaque", "value", "a-value"));
        assertThat(secret.status()).as(secret.body()).isEqualTo(201);
        String tokenA = agentToken(a);
        String tokenB = agentToken(b);
        HttpResponse<String> init = raw(post("/mcp").header("Authorization", "Bearer " + tokenA));
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        raw(HttpRequest.newBuilder(URI.create(api.base() + "/mcp")).header("Authorization", "Bearer " + tokenA)
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18")
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")));
        HttpResponse<String> asB = raw(HttpRequest.newBuilder(URI.create(api.base() + "/mcp"))
                .header("Authorization", "Bearer " + tokenB)
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18")
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_credentials","arguments":{}}}""")));
        assertThat(asB.statusCode()).as(asB.body()).isEqualTo(404);
        assertThat(asB.body()).doesNotContain("a-only");
        assertThat(events(a, "mcp.tool_called")).isEmpty();
        assertThat(events(b, "mcp.tool_called")).isEmpty();
        // the token that opened it continues it
        HttpResponse<String> asA = raw(HttpRequest.newBuilder(URI.create(api.base() + "/mcp"))
                .header("Authorization", "Bearer " + tokenA)
                .header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18")
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"list_credentials","arguments":{}}}""")));
        assertThat(asA.statusCode()).as(asA.body()).isEqualTo(200);
        assertThat(asA.body()).contains("a-only");
    }

    @Test
    void unauthenticatedAnswers401PointingAtTheResourceMetadata() {
        HttpResponse<String> response = raw(post("/mcp"));
        assertThat(response.statusCode()).isEqualTo(401);
        String challenge = response.headers().firstValue("WWW-Authenticate").orElseThrow();
        String metadataUrl = api.base() + "/.well-known/oauth-protected-resource";
        assertThat(challenge).startsWith("Bearer ").contains("resource_metadata=\"" + metadataUrl + "\"");

        HttpResponse<String> bad = raw(post("/mcp").header("Authorization", "Bearer octvex_not_a_real_token"));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("resource_metadata=");

        for (String path : List.of("/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp")) {
            HttpResponse<String> doc = raw(HttpRequest.newBuilder(URI.create(api.base() + path)).GET());
            assertThat(doc.statusCode()).as(path).isEqualTo(200);
            JsonNode metadata = Json.tree(doc.body());
            assertThat(metadata.get("resource").asString()).isEqualTo(api.base() + "/mcp");
            assertThat(metadata.get("bearer_methods_supported").get(0).asString()).isEqualTo("header");
            assertThat(metadata.get("scopes_supported").toString()).contains("runs:write");
        }
    }

    @Test
    void tokenInTheQueryStringIsRefused() {
        UUID ws = fleet.workspace("mcp-query");
        String token = agentToken(ws);
        HttpResponse<String> response = raw(post("/mcp?access_token=" + token));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("query string").doesNotContain(token);
        assertThat(raw(post("/mcp?token=" + token).header("Authorization", "Bearer " + token)).statusCode())
                .isEqualTo(400);
    }

    @Test
    void foreignOriginIsRefusedAndLoopbackOriginServed() {
        UUID ws = fleet.workspace("mcp-origin");
        String token = agentToken(ws);
        HttpResponse<String> foreign = raw(post("/mcp").header("Authorization", "Bearer " + token)
                .header("Origin", "http://evil.example"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).contains("evil.example");
        assertThat(raw(post("/mcp").header("Origin", "null").header("Authorization", "Bearer " + token))
                .statusCode()).isEqualTo(403);
        // a rebinding page cannot even learn whether the endpoint wants a token
        assertThat(raw(post("/mcp").header("Origin", "http://evil.example")).statusCode()).isEqualTo(403);

        HttpResponse<String> local = raw(post("/mcp").header("Authorization", "Bearer " + token)
                .header("Origin", "http://127.0.0.1:" + port));
        assertThat(local.statusCode()).as(local.body()).isEqualTo(200);
    }

    @Test
    void aLoginSessionIsNotAWorkspaceToken() {
        HttpResponse<String> response = raw(post("/mcp").header("Authorization", "Bearer " + fleet.adminToken()));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("API token");
    }

    @Test
    void aRevokedTokenIsCutOffMidSession() {
        UUID ws = fleet.workspace("mcp-revoke");
        var issued = api.adminToken(ws, Scope.RUNS_READ, Scope.WORKSPACE_READ);
        McpSyncClient client = client(issued.secret());
        ok(call(client, "list_credentials", Map.of()));
        TestApi.Response revoked = api.send("POST", "/api/v1/workspaces/" + ws + "/tokens/" + issued.token().id()
                + "/revoke", fleet.adminToken(), null);
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        HttpResponse<String> after = raw(post("/mcp").header("Authorization", "Bearer " + issued.secret()));
        assertThat(after.statusCode()).isEqualTo(401);
    }
}
