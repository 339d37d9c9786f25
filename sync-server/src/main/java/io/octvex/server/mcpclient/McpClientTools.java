package io.octvex.server.mcpclient;

import static io.octvex.server.mcp.McpTool.Schemas.integer;
import static io.octvex.server.mcp.McpTool.Schemas.object;
import static io.octvex.server.mcp.McpTool.Schemas.string;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.Json;
import io.octvex.protocol.McpServerView;
import io.octvex.protocol.McpToolView;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.protocol.StepView;
import io.octvex.server.approval.Approvals;
import io.octvex.server.mcp.McpTool;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

/**
 * The downstream servers' tools, offered to agents through the upstream MCP server as two generic tools (the
 * SDK's tool list is one per server, not per caller; ADR 0016): {@code list_mcp_tools} names the allowed tools
 * of the caller's workspace as {@code <server>.<tool>}, {@code call_mcp_tool} calls one as a governed one-step
 * run and waits for it like {@code http_request}.
 */
@Configuration(proxyBeanMethods = false)
class McpClientTools {
    static final int MAX_WAIT_SECONDS = 30;
    static final int CALL_TIMEOUT_SECONDS = 120;

    @Bean
    McpTool listMcpToolsTool(McpServers servers) {
        return new ListTool(servers);
    }

    @Bean
    McpTool callMcpToolTool(McpServers servers, Runs runs, Approvals approvals,
                            @Value("${octvex.mcp.poll-interval:PT0.2S}") Duration poll) {
        return new CallTool(servers, runs, approvals, poll);
    }

    private record ListTool(McpServers servers) implements McpTool {
        @Override
        public String name() {
            return "list_mcp_tools";
        }

        @Override
        public String description() {
            return """
                    List the tools of the MCP servers this workspace registered that you may call with \
                    call_mcp_tool: each as <server>.<tool> with its description and input schema. Only tools on \
                    the workspace's allow-list are shown.""";
        }

        @Override
        public Map<String, Object> inputSchema() {
            return object(Map.of("server", string("Only this server's tools (its name); default all servers.")),
                    List.of());
        }

        @Override
        public Scope scope() {
            return Scope.RUNS_READ;
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public Object call(Call call) {
            String only = call.text("server");
            List<McpServerView> list = only == null ? servers.list(call.workspaceId())
                    : servers.byName(call.workspaceId(), only).map(List::of)
                            .orElseThrow(() -> ApiException.notFound("MCP server '" + only + "'"));
            List<Map<String, Object>> tools = new ArrayList<>();
            List<Map<String, Object>> undiscovered = new ArrayList<>();
            for (McpServerView server : list) {
                if (server.toolsDiscoveredAt() == null && !server.allowedTools().isEmpty()) {
                    undiscovered.add(Map.of("server", server.name(), "allowedTools", server.allowedTools()));
                }
                for (McpToolView tool : server.tools()) {
                    if (server.allowedTools().contains("*") || server.allowedTools().contains(tool.name())) {
                        Map<String, Object> t = new LinkedHashMap<>();
                        t.put("name", server.name() + "." + tool.name());
                        t.put("server", server.name());
                        t.put("tool", tool.name());
                        t.put("description", tool.description());
                        t.put("inputSchema", tool.inputSchema() == null ? null
                                : Json.mapper().convertValue(tool.inputSchema(), Object.class));
                        tools.add(t);
                    }
                }
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("tools", tools);
            if (!undiscovered.isEmpty()) {
                answer.put("notYetDiscovered", undiscovered);
            }
            return answer;
        }
    }

    private record CallTool(McpServers servers, Runs runs, Approvals approvals, Duration poll) implements McpTool {
        @Override
        public String name() {
            return "call_mcp_tool";
        }

        @Override
        public String description() {
            return """
                    Call a tool of an MCP server this workspace registered (see list_mcp_tools), through Octvex: \
                    it runs on an edge as a one-step run after the workspace's policy allowed it, with the \
                    server's credential from the vault (never yours). Answers with the tool's result (content, \
                    structuredContent) when it completes within waitSeconds; with status "pending_approval" at \
                    once when policy holds it for a person; with "queued" or "running" when it is still under \
                    way (poll get_run). A denial, or an error of the tool, is a tool error with the reason.""";
        }

        @Override
        public Map<String, Object> inputSchema() {
            return object(Map.of(
                    "server", string("The MCP server's name, the part before the dot in list_mcp_tools."),
                    "tool", string("The tool's name on that server, the part after the dot."),
                    "arguments", Map.of("type", "object", "description", "The tool's arguments, as its input "
                            + "schema describes them."),
                    "waitSeconds", integer("How long to wait for the outcome (0–" + MAX_WAIT_SECONDS
                            + ", default 10). A call held for approval answers at once.", 0, MAX_WAIT_SECONDS)),
                    List.of("server", "tool"));
        }

        @Override
        public Scope scope() {
            return Scope.RUNS_WRITE;
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public boolean transactional() {
            return false; // it waits for the edge and the gate, which work in their own transactions
        }

        @Override
        @SuppressWarnings("unchecked")
        public Object call(Call call) {
            String server = call.requiredText("server");
            String tool = call.requiredText("tool");
            int wait = call.integer("waitSeconds", 10, 0, MAX_WAIT_SECONDS);
            Map<String, Object> arguments = call.arguments().get("arguments") instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
            RunView run = servers.call(call.workspaceId(), call.caller().principalId(), server, tool, arguments,
                    CALL_TIMEOUT_SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(wait).toNanos();
            while (true) {
                run = runs.get(call.workspaceId(), run.id());
                StepView step = run.steps().getFirst();
                if (run.status() == RunStatus.COMPLETED) {
                    return completed(run, step.result(), server + "." + tool);
                }
                if (run.status().terminal()) {
                    Map<String, Object> details = base(run, run.status().wire());
                    details.put("error", step.error());
                    throw new Failed("the call did not happen: " + (step.error() == null ? run.status().wire()
                            : step.error()), details);
                }
                List<ApprovalView> pending = approvals.list(call.workspaceId(), ApprovalStatus.PENDING, run.id(), 10);
                if (run.status() == RunStatus.BLOCKED && !pending.isEmpty()) {
                    Map<String, Object> answer = base(run, "pending_approval");
                    answer.put("approval", approval(pending.getFirst()));
                    answer.put("next", "a person must approve it (Octvex Desk or API); call get_run with the runId "
                            + "to follow it. Once approved, the call runs without a new call_mcp_tool.");
                    return answer;
                }
                if (System.nanoTime() >= deadline) {
                    Map<String, Object> answer = base(run, run.status().wire());
                    answer.put("next", "still under way; call get_run with the runId to follow it");
                    return answer;
                }
                sleep();
            }
        }

        /** The downstream tool's result; a result the tool itself marked as an error is a tool error here too. */
        private static Object completed(RunView run, JsonNode result, String name) {
            Map<String, Object> answer = base(run, "completed");
            Object content = result == null ? null : Json.mapper().convertValue(result.path("content"), Object.class);
            answer.put("content", content);
            if (result != null && result.path("structuredContent").isObject()) {
                answer.put("structuredContent", Json.mapper().convertValue(result.get("structuredContent"), Object.class));
            }
            if (result != null && result.path("isError").asBoolean(false)) {
                StringBuilder text = new StringBuilder();
                result.path("content").forEach(c -> text.append(c.path("text").asString("")));
                throw new Failed(name + " answered with an error: " + (text.isEmpty() ? "(no text)" : text), answer);
            }
            return answer;
        }

        private void sleep() {
            try {
                Thread.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.conflict("the wait was interrupted; the run goes on: call get_run");
            }
        }

        private static Map<String, Object> approval(ApprovalView a) {
            JsonNode ev = a.evidence();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "approval");
            m.put("approvalId", a.id().toString());
            m.put("action", ev.path("action").asString(null));
            m.put("resource", ev.path("resource").asString(null));
            m.put("rule", ev.path("rule").asString(null));
            m.put("message", ev.path("message").asString(null));
            m.put("approverRole", a.approverRole() == null ? null : a.approverRole().wire());
            m.put("quorum", a.quorum());
            m.put("expiresAt", a.expiresAt().toString());
            return m;
        }

        private static Map<String, Object> base(RunView run, String status) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status);
            m.put("runId", run.id().toString());
            m.put("stepId", run.steps().getFirst().id().toString());
            return m;
        }
    }
}
