package io.octvex.server.mcpclient;

import io.octvex.protocol.Json;
import io.octvex.server.run.StepInputCheck;
import io.octvex.server.web.ApiException;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * An {@code mcp} step, however it is submitted (these tools, the REST API, {@code submit_run}), must name a
 * server this workspace registered, with exactly its registered endpoint and credential, and (for a call) a
 * tool on its allow-list. Otherwise anyone who may submit runs could have an edge start any command or call
 * any URL as an "MCP server": registering one is an admin's decision.
 */
@Component
class McpStepCheck implements StepInputCheck {
    private final McpServerStore store;

    McpStepCheck(McpServerStore store) {
        this.store = store;
    }

    @Override
    public void check(UUID workspaceId, String where, String handler, JsonNode input) {
        if (!McpServers.HANDLER.equals(handler)) {
            return;
        }
        JsonNode name = input.path("server").path("name");
        McpServerSettings s = name.isString() ? store.findByName(workspaceId, name.asString())
                .map(McpServerStore.Row::settings).orElse(null) : null;
        if (s == null) {
            throw ApiException.badRequest("'" + where + ".input.server.name' must name an MCP server registered in "
                    + "this workspace (GET …/mcp-servers)");
        }
        if (!input.path("server").equals(Json.toTree(s.endpoint()))
                || !same(input.get("auth"), s.stepAuth())) {
            throw ApiException.badRequest("'" + where + ".input' must reach MCP server '" + s.name() + "' exactly as it "
                    + "is registered (its url or command, args and auth); use call_mcp_tool or copy them from the "
                    + "registration");
        }
        String op = input.path("op").isString() ? input.path("op").asString() : "";
        switch (op) {
            case "list_tools" -> { }
            case "call" -> {
                JsonNode tool = input.path("tool");
                if (!tool.isString() || !s.allows(tool.asString())) {
                    throw ApiException.badRequest("'" + where + ".input.tool' must be a tool on MCP server '" + s.name()
                            + "''s allow-list");
                }
                if (input.has("arguments") && !input.get("arguments").isObject()) {
                    throw ApiException.badRequest("'" + where + ".input.arguments' must be an object");
                }
            }
            default -> throw ApiException.badRequest("'" + where + ".input.op' must be 'call' or 'list_tools'");
        }
    }

    private static boolean same(JsonNode given, Map<String, Object> registered) {
        boolean none = given == null || given.isNull();
        return registered == null ? none : !none && given.equals(Json.toTree(registered));
    }
}
