package io.octvex.server.mcpclient;

import static io.octvex.server.mcp.McpTool.Schemas.object;
import static io.octvex.server.mcp.McpTool.Schemas.string;

import io.octvex.protocol.Json;
import io.octvex.protocol.McpServerView;
import io.octvex.protocol.McpToolView;
import io.octvex.protocol.RunView;
import io.octvex.protocol.Scope;
import io.octvex.server.mcp.McpTool;
import io.octvex.server.mcp.OneStepRuns;
import io.octvex.server.web.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    static final int CALL_TIMEOUT_SECONDS = 120;

    @Bean
    McpTool listMcpToolsTool(McpServers servers) {
        return new ListTool(servers);
    }

    @Bean
    McpTool callMcpToolTool(McpServers servers, OneStepRuns oneStep) {
        return new CallTool(servers, oneStep);
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

    private record CallTool(McpServers servers, OneStepRuns oneStep) implements McpTool {
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
                    structuredContent) when it completes within waitSeconds; with status "pending_approval" \
                    when policy holds it for a person (at once, or once the wait ends when waitForApproval is \
                    true); with "queued" or "running" when it is still under way (wait_for_run). A denial, an \
                    expired approval, or an error of the tool, is a tool error with the reason.""";
        }

        @Override
        public Map<String, Object> inputSchema() {
            Map<String, Object> properties = new LinkedHashMap<>(Map.of(
                    "server", string("The MCP server's name, the part before the dot in list_mcp_tools."),
                    "tool", string("The tool's name on that server, the part after the dot."),
                    "arguments", Map.of("type", "object", "description", "The tool's arguments, as its input "
                            + "schema describes them.")));
            properties.putAll(OneStepRuns.waitProperties(10));
            return object(properties, List.of("server", "tool"));
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
            Map<String, Object> arguments = call.arguments().get("arguments") instanceof Map<?, ?> m
                    ? (Map<String, Object>) m : Map.of();
            RunView run = servers.call(call.workspaceId(), call.caller().principalId(), server, tool, arguments,
                    CALL_TIMEOUT_SECONDS);
            return oneStep.answer(call, run, "call", 10,
                    (answer, result) -> completed(answer, result, server + "." + tool));
        }

        /** The downstream tool's result; a result the tool itself marked as an error is a tool error here too. */
        private static Object completed(Map<String, Object> answer, JsonNode result, String name) {
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
    }
}
