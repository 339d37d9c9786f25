package io.octvex.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.Json;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepResult;
import io.octvex.protocol.StepStatus;
import io.octvex.server.ServerTest;
import io.octvex.server.TestClock;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Waiting tools through the MCP Java SDK's client over real HTTP: {@code wait_for_run}, and {@code http_request} /
 * {@code browser} waiting through an approval, with progress notifications, a real gate, real approvals answered
 * over the API by a second person, the expiry sweeper after the {@link TestClock} moved, and an HTTP-driven edge.
 */
@ServerTest
class McpWaitTest {
    @LocalServerPort
    int port;
    @Autowired
    TestClock clock;
    @Autowired
    ApplicationContext context;

    private ApprovalFixtures approvals;
    private FleetFixtures fleet;
    private TestApi api;
    private final List<McpSyncClient> clients = new ArrayList<>();
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopEdges = new AtomicBoolean();
    /** Not the common pool: the SDK client finishes its HTTP exchanges there, and it has one thread on 2 cores. */
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void setUp() {
        approvals = new ApprovalFixtures(port);
        fleet = approvals.fleet();
        api = fleet.api();
    }

    @AfterEach
    void tearDown() {
        stopEdges.set(true);
        clock.reset();
        clients.forEach(McpSyncClient::close);
        background.shutdownNow();
    }

    private String agentToken(UUID ws) {
        return api.adminToken(ws, Scope.WORKSPACE_READ, Scope.RUNS_READ, Scope.RUNS_WRITE).secret();
    }

    private McpSyncClient client(String token) {
        McpSyncClient client = McpClient.sync(transport(token, null)).requestTimeout(Duration.ofSeconds(90))
                .progressConsumer(progress::add).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private HttpClientStreamableHttpTransport transport(String token, String origin) {
        HttpRequest.Builder request = HttpRequest.newBuilder().header("Authorization", "Bearer " + token);
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HttpClientStreamableHttpTransport.builder(api.base()).endpoint("/mcp")
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build())).requestBuilder(request).build();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments,
                                                 String progressToken) {
        return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments)
                .progressToken(progressToken).build());
    }

    private CompletableFuture<McpSchema.CallToolResult> callAsync(McpSyncClient client, String tool,
            Map<String, Object> arguments, String progressToken) {
        return CompletableFuture.supplyAsync(() -> call(client, tool, arguments, progressToken), background);
    }

    private List<String> messages(String progressToken) {
        return progress.stream().filter(p -> progressToken.equals(p.progressToken()))
                .map(McpSchema.ProgressNotification::message).toList();
    }

    private void awaitMessage(String progressToken, String fragment) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                messages(progressToken).stream().anyMatch(m -> m.contains(fragment)));
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

    private static Map<String, Object> httpRun(String url) {
        return Map.of("title", "pay", "steps", List.of(Map.of("key", "call", "handler", "http",
                "action", "POST " + url, "input", Map.of("method", "POST", "url", url))));
    }

    /**
     * The edge: asks for work (each ask lets the gate look at the queued step) until it gets a lease, then reports
     * {@code result}; the lease it got is handed back.
     */
    private CompletableFuture<Lease> edgeWorker(FleetFixtures.Edge edge, JsonNode result) {
        return CompletableFuture.supplyAsync(() -> {
            while (!stopEdges.get()) {
                LeaseBatch batch = fleet.lease(edge, 1, 1);
                if (!batch.leases().isEmpty()) {
                    Lease lease = batch.leases().getFirst();
                    TestApi.Response done = fleet.report(edge, lease.stepId(), "result",
                            new StepResult(lease.epoch(), StepStatus.COMPLETED, result, null));
                    assertThat(done.status()).as(done.body()).isEqualTo(204);
                    return lease;
                }
            }
            return null;
        }, background);
    }

    private ApprovalView pendingApproval(UUID ws) {
        TestApi.Response list = api.get("/api/v1/workspaces/" + ws + "/approvals?status=pending", fleet.adminToken());
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        ApprovalView[] pending = Json.read(list.body(), ApprovalView[].class);
        assertThat(pending).hasSize(1);
        return pending[0];
    }

    private void answer(UUID ws, TestApi.User approver, UUID approvalId, String verb, String reason) {
        TestApi.Response r = api.send("POST", "/api/v1/workspaces/" + ws + "/approvals/" + approvalId + "/" + verb,
                approver.token(), new DecideApproval(reason, null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private List<JsonNode> toolEvents(UUID ws) {
        TestApi.Response page = api.get("/api/v1/workspaces/" + ws + "/events?after=0&limit=1000", fleet.adminToken());
        List<JsonNode> found = new ArrayList<>();
        Json.tree(page.body()).get("events").forEach(e -> {
            if (e.get("type").asString().equals("mcp.tool_called")) {
                found.add(e);
            }
        });
        return found;
    }

    @Test
    void waitForRunFollowsTheRunToItsResultReportingEachMove() throws Exception {
        UUID ws = fleet.workspace("mcp-wait-done");
        FleetFixtures.Edge edge = fleet.edge(ws);
        McpSyncClient client = client(agentToken(ws));
        String runId = ok(call(client, "submit_run", httpRun("https://example.test/invoices"), null))
                .get("runId").asString();

        var waiting = callAsync(client, "wait_for_run", Map.of("runId", runId, "timeoutSeconds", 60), "w1");
        awaitMessage("w1", "Waiting for run"); // the wait has begun: what happens now is reported
        Lease lease = edgeWorker(edge, Json.tree("{\"status\":200,\"body\":\"paid\"}")).get(30, TimeUnit.SECONDS);
        JsonNode answer = ok(waiting.get(60, TimeUnit.SECONDS));

        assertThat(answer.get("status").asString()).isEqualTo("completed");
        assertThat(answer.get("runId").asString()).isEqualTo(runId);
        assertThat(answer.get("steps").get(0).get("result").get("body").asString()).isEqualTo("paid");
        assertThat(lease.runId().toString()).isEqualTo(runId);
        List<String> moves = messages("w1");
        assertThat(moves).anyMatch(m -> m.contains("queued → running"));
        assertThat(moves).anyMatch(m -> m.contains("running → completed"));
        List<Double> values = progress.stream().filter(p -> "w1".equals(p.progressToken()))
                .map(McpSchema.ProgressNotification::progress).toList();
        // the SDK client may run notification handlers on several threads, so arrival order here is not the
        // stream's order: what the server sent is every count from 1, each once
        assertThat(values.stream().sorted().toList())
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, values.size()).mapToObj(i -> (double) i).toList());
        assertThat(toolEvents(ws).getLast().get("data").get("tool").asString()).isEqualTo("wait_for_run");
        assertThat(toolEvents(ws).getLast().get("data").get("outcome").asString()).isEqualTo("ok");
    }

    @Test
    void waitForRunWithoutAnEdgeAnswersStillQueuedWhenTheTimeRunsOut() {
        UUID ws = fleet.workspace("mcp-wait-queued");
        McpSyncClient client = client(agentToken(ws));
        String runId = ok(call(client, "submit_run", httpRun("https://example.test/q"), null)).get("runId").asString();
        JsonNode looked = ok(call(client, "wait_for_run", Map.of("runId", runId, "timeoutSeconds", 0), null));
        assertThat(looked.get("status").asString()).isEqualTo("queued");
        assertThat(looked.get("next").asString()).contains("wait_for_run");
        JsonNode waited = ok(call(client, "wait_for_run", Map.of("runId", runId, "timeoutSeconds", 1), null));
        assertThat(waited.get("status").asString()).isEqualTo("queued");
    }

    @Test
    void httpRequestWaitsThroughAnApprovalAndAnswersTheResponse() throws Exception {
        UUID ws = fleet.workspace("mcp-wait-approved");
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        TestApi.User approver = api.newUser(ws, Role.APPROVER);
        FleetFixtures.Edge edge = fleet.edge(ws);
        McpSyncClient client = client(agentToken(ws));
        var edgeSide = edgeWorker(edge, Json.tree("{\"status\":201,\"body\":\"paid after sign-off\"}"));

        var request = callAsync(client, "http_request", Map.of("url", "https://approve.example/pay", "method", "POST",
                "waitForApproval", true, "waitSeconds", 120), "h1");
        awaitMessage("h1", "Approval asked");
        assertThat(request).as("it waits for the person, not answering pending_approval").isNotDone();
        String asked = messages("h1").stream().filter(m -> m.contains("Approval asked")).findFirst().orElseThrow();
        assertThat(asked).contains("approver").contains("someone must look at this first").contains("until");
        answer(ws, approver, pendingApproval(ws).id(), "approve", "fine");

        JsonNode answer = ok(request.get(60, TimeUnit.SECONDS));
        assertThat(answer.get("status").asString()).isEqualTo("completed");
        assertThat(answer.get("response").get("body").asString()).isEqualTo("paid after sign-off");
        assertThat(edgeSide.get(30, TimeUnit.SECONDS).runId().toString()).isEqualTo(answer.get("runId").asString());
        assertThat(messages("h1")).anyMatch(m -> m.contains("approved by " + approver.name()));
    }

    @Test
    void aDenialWhileTheBrowserToolWaitsIsAToolErrorWithTheReason() throws Exception {
        UUID ws = fleet.workspace("mcp-wait-denied");
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        TestApi.User approver = api.newUser(ws, Role.APPROVER);
        FleetFixtures.Edge edge = fleet.edge(ws, TestApi.unique("edge"), Map.of(), List.of("http", "browser"), 2);
        McpSyncClient client = client(agentToken(ws));
        edgeWorker(edge, Json.tree("{}"));

        var browsing = callAsync(client, "browser", Map.of("actions", List.of(Map.of("goto", "https://approve.example/login"),
                Map.of("click", "#pay")), "waitForApproval", true, "waitSeconds", 120), "b1");
        awaitMessage("b1", "Approval asked");
        answer(ws, approver, pendingApproval(ws).id(), "deny", "not on a Friday");

        McpSchema.CallToolResult result = browsing.get(60, TimeUnit.SECONDS);
        assertThat(error(result)).contains("the browser session did not happen").contains("denied by " + approver.name())
                .contains("not on a Friday");
        JsonNode details = Json.toTree(result.structuredContent());
        assertThat(details.get("status").asString()).isEqualTo("failed");
        assertThat(details.get("approval").get("status").asString()).isEqualTo("denied");
        assertThat(details.get("approval").get("action").asString()).isEqualTo("browser.navigate");
        assertThat(messages("b1")).anyMatch(m -> m.contains("Approval denied"));
        assertThat(toolEvents(ws).getLast().get("data").get("outcome").asString()).isEqualTo("failed");
    }

    @Test
    void anApprovalThatExpiresWhileWaitForRunWaitsIsAToolError() throws Exception {
        UUID ws = fleet.workspace("mcp-wait-expired");
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        McpSyncClient client = client(agentToken(ws));
        String runId = ok(call(client, "submit_run", httpRun("https://approve.example/later"), null))
                .get("runId").asString();
        assertThat(fleet.lease(fleet.edge(ws), 1, 0).leases()).as("the gate holds the step").isEmpty();

        JsonNode prompt = ok(call(client, "wait_for_run", Map.of("runId", runId), null));
        assertThat(prompt.get("status").asString()).as("without waitForApproval it answers at once")
                .isEqualTo("pending_approval");
        assertThat(prompt.get("approval").get("expiresAt").asString()).isNotBlank();

        var waiting = callAsync(client, "wait_for_run", Map.of("runId", runId, "waitForApproval", true,
                "timeoutSeconds", 120), "e1");
        awaitMessage("e1", "Waiting for approval");
        assertThat(messages("e1")).anyMatch(m -> m.contains("expires"));
        clock.advance(Duration.ofMinutes(61));
        ApprovalFixtures.sweepExpired(context); // the scheduled sweep may be first: either way it expires once

        McpSchema.CallToolResult result = waiting.get(60, TimeUnit.SECONDS);
        assertThat(error(result)).contains("the run failed").contains("approval expired");
        JsonNode details = Json.toTree(result.structuredContent());
        assertThat(details.get("status").asString()).isEqualTo("failed");
        assertThat(details.get("approval").get("status").asString()).isEqualTo("expired");
        assertThat(messages("e1")).anyMatch(m -> m.contains("Approval expired"));
    }

    @Test
    void theBrowserToolHandsTheEdgeItsActionsAndAnswersTheResultWithoutTheCredential() throws Exception {
        UUID ws = fleet.workspace("mcp-browser");
        String canary = "canary-" + UUID.randomUUID();
        TestApi.Response secret = api.send("POST", "/api/v1/workspaces/" + ws + "/secrets", fleet.adminToken(),
                Map.of("name", "portal", "kind", "opaque", "value", canary));
        assertThat(secret.status()).as(secret.body()).isEqualTo(201);
        FleetFixtures.Edge edge = fleet.edge(ws, TestApi.unique("edge"), Map.of(), List.of("browser"), 2);
        McpSyncClient client = client(agentToken(ws));
        var edgeSide = edgeWorker(edge, Json.tree("""
                {"url":"https://portal.example/home","title":"Home","extracted":{"balance":"42"},"screenshots":[]}"""));
        List<Map<String, Object>> actions = List.of(Map.of("goto", "https://portal.example/login?next=home"),
                Map.of("fill", "#password", "secret", "portal", "field", "value"), Map.of("click", "button"),
                Map.of("extract", "#balance", "as", "balance"), Map.of("screenshot", "after", "fullPage", true));

        McpSchema.CallToolResult result = call(client, "browser", Map.of("actions", actions,
                "sandbox", Map.of("mode", "persistent", "name", "portal"), "waitSeconds", 60), "r1");
        JsonNode answer = ok(result);
        assertThat(answer.get("status").asString()).isEqualTo("completed");
        assertThat(answer.get("result").get("extracted").get("balance").asString()).isEqualTo("42");
        Lease lease = edgeSide.get(30, TimeUnit.SECONDS);
        assertThat(lease.handler()).isEqualTo("browser");
        assertThat(lease.input().get("actions")).isEqualTo(Json.toTree(actions));
        assertThat(lease.input().get("sandbox").get("name").asString()).isEqualTo("portal");
        TestApi.Response run = api.get("/api/v1/workspaces/" + ws + "/runs/" + answer.get("runId").asString(),
                fleet.adminToken());
        assertThat(Json.tree(run.body()).get("steps").get(0).get("action").asString())
                .isEqualTo("browse https://portal.example/login (5 actions)");
        String everything = text(result) + messages("r1") + api.get("/api/v1/workspaces/" + ws
                + "/events?after=0&limit=1000", fleet.adminToken()).body() + run.body();
        assertThat(everything).doesNotContain(canary);
    }

    @Test
    void theBrowserToolHeldForApprovalAnswersPromptlyUnlessAskedToWait() {
        UUID ws = fleet.workspace("mcp-browser-held");
        approvals.savePolicy(ws, ApprovalFixtures.POLICY);
        FleetFixtures.Edge edge = fleet.edge(ws, TestApi.unique("edge"), Map.of(), List.of("browser"), 2);
        McpSyncClient client = client(agentToken(ws));
        edgeWorker(edge, Json.tree("{}"));
        JsonNode answer = ok(call(client, "browser", Map.of("actions",
                List.of(Map.of("goto", "https://approve.example/form"))), null));
        assertThat(answer.get("status").asString()).isEqualTo("pending_approval");
        assertThat(answer.get("approval").get("resource").asString()).isEqualTo("https://approve.example/form");
        assertThat(answer.get("approval").get("rule").asString()).isEqualTo("sign-off");
        assertThat(answer.get("next").asString()).contains("wait_for_run");
    }

    @Test
    void invalidArgumentsAreRefusedByEveryToolAndAudited() {
        UUID ws = fleet.workspace("mcp-invalid");
        McpSyncClient client = client(agentToken(ws));
        List<McpSchema.Tool> tools = client.listTools().tools();
        for (McpSchema.Tool tool : tools) {
            String refused = error(call(client, tool.name(), Map.of("bogus", true), null));
            assertThat(refused).as(tool.name()).contains("Invalid request").contains("input schema")
                    .doesNotContain("Exception");
        }
        String runId = UUID.randomUUID().toString();
        assertThat(error(call(client, "wait_for_run", Map.of("runId", runId, "timeoutSeconds", 301), null)))
                .contains("timeoutSeconds");
        assertThat(error(call(client, "wait_for_run", Map.of("runId", "nope"), null))).contains("runId");
        assertThat(error(call(client, "wait_for_run", Map.of("runId", runId, "waitForApproval", "yes"), null)))
                .contains("waitForApproval");
        assertThat(error(call(client, "browser", Map.of("actions", List.of(Map.of("dance", "#floor"))), null)))
                .contains("input schema");
        assertThat(error(call(client, "browser", Map.of("actions", List.of()), null))).contains("input schema");
        assertThat(error(call(client, "browser", Map.of("actions", List.of(Map.of("fill", "#pw", "value", "x",
                "secret", "portal"))), null))).contains("input schema");
        assertThat(error(call(client, "http_request", Map.of("url", "https://example.test/", "waitSeconds", 301), null)))
                .contains("waitSeconds");
        List<JsonNode> events = toolEvents(ws);
        assertThat(events).hasSize(tools.size() + 7);
        assertThat(events).allMatch(e -> e.get("data").get("outcome").asString().equals("invalid_arguments"));
        assertThat(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/runs").body()).doesNotContain("MCP browser");
    }

    @Test
    void aTokenOfOneWorkspaceCannotWaitForAnotherWorkspacesRun() {
        UUID a = fleet.workspace("mcp-wait-a");
        UUID b = fleet.workspace("mcp-wait-b");
        McpSyncClient inB = client(agentToken(b));
        String bRun = ok(call(inB, "submit_run", httpRun("https://example.test/b"), null)).get("runId").asString();
        McpSyncClient inA = client(agentToken(a));
        assertThat(error(call(inA, "wait_for_run", Map.of("runId", bRun, "timeoutSeconds", 5), "x1")))
                .startsWith("Not found").doesNotContain("example.test");
        assertThat(error(call(inA, "wait_for_run", Map.of("runId", bRun, "waitForApproval", true), null)))
                .startsWith("Not found");
        assertThat(messages("x1")).isEmpty();
        assertThat(toolEvents(a)).hasSize(2).allMatch(e -> e.get("data").get("outcome").asString().equals("not_found"));
        assertThat(toolEvents(b)).hasSize(1);
    }

    @Test
    void eachWaitingToolNeedsItsRight() {
        UUID ws = fleet.workspace("mcp-wait-scopes");
        McpSyncClient reader = client(api.adminToken(ws, Scope.RUNS_READ).secret());
        assertThat(error(call(reader, "browser", Map.of("actions", List.of(Map.of("goto", "https://example.test/"))),
                null))).contains("runs:write");
        assertThat(error(call(reader, "http_request", Map.of("url", "https://example.test/"), null)))
                .contains("runs:write");
        McpSyncClient vaultReader = client(api.adminToken(ws, Scope.WORKSPACE_READ).secret());
        assertThat(error(call(vaultReader, "wait_for_run", Map.of("runId", UUID.randomUUID().toString()), null)))
                .contains("runs:read");
        assertThat(fleet.admin("GET", "/api/v1/workspaces/" + ws + "/runs").body()).doesNotContain("MCP ");
    }

    @Test
    void theJavaClientIsRefusedWithABadTokenOrAForeignOrigin() {
        UUID ws = fleet.workspace("mcp-client-refused");
        String token = agentToken(ws);
        AtomicReference<Throwable> badToken = new AtomicReference<>();
        McpSyncClient unknown = McpClient.sync(transport("octvex_not_a_token", null))
                .requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(unknown);
        assertThatThrownBy(unknown::initialize).satisfies(badToken::set);
        assertThat(status(badToken.get())).isEqualTo(401);

        McpSyncClient foreign = McpClient.sync(transport(token, "http://evil.example"))
                .requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(foreign);
        AtomicReference<Throwable> rebinding = new AtomicReference<>();
        assertThatThrownBy(foreign::initialize).satisfies(rebinding::set);
        assertThat(status(rebinding.get())).isEqualTo(403);
        assertThat(toolEvents(ws)).isEmpty();
        // the same token from a loopback origin is served
        McpSyncClient local = McpClient.sync(transport(token, "http://127.0.0.1:" + port))
                .requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(local);
        local.initialize();
        assertThat(local.listTools().tools()).isNotEmpty();
    }

    /** The HTTP status the SDK's transport was refused with. */
    private static int status(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof McpHttpClientTransportAuthorizationException refused) {
                return refused.getResponseInfo().statusCode();
            }
        }
        throw new AssertionError("not refused by the server: " + t, t);
    }
}
