package io.octvex.edge.mcp;

import io.octvex.edge.handler.StepFailure;
import io.octvex.protocol.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/** An {@code mcp} step's input, checked: every refusal says which field and what would be accepted. */
record McpStep(String server, String transport, URI url, String command, List<String> args, boolean call,
               String tool, Map<String, Object> arguments, int timeoutSeconds) {

    static McpStep parse(JsonNode input) throws StepFailure {
        JsonNode server = input.path("server");
        String name = text(server.path("name"));
        if (name == null) {
            throw new StepFailure("'server.name' is required: the registered MCP server's name");
        }
        String op = text(input.path("op"));
        if (!"call".equals(op) && !"list_tools".equals(op)) {
            throw new StepFailure("'op' must be 'call' or 'list_tools'");
        }
        boolean call = op.equals("call");
        String tool = text(input.path("tool"));
        if (call && tool == null) {
            throw new StepFailure("'tool' is required for a call");
        }
        Map<String, Object> arguments = input.path("arguments").isObject()
                ? Json.mapper().convertValue(input.path("arguments"), new TypeReference<Map<String, Object>>() {})
                : Map.of();
        int timeout = input.path("timeoutSeconds").isIntegralNumber() ? input.path("timeoutSeconds").asInt()
                : McpHandler.DEFAULT_TIMEOUT_SECONDS;
        if (timeout < 1 || timeout > McpHandler.MAX_TIMEOUT_SECONDS) {
            throw new StepFailure("'timeoutSeconds' must be 1 to " + McpHandler.MAX_TIMEOUT_SECONDS);
        }
        String transport = text(server.path("transport"));
        transport = transport == null ? null : transport.toLowerCase(Locale.ROOT);
        if ("http".equals(transport)) {
            return new McpStep(name, transport, url(text(server.path("url"))), null, List.of(), call, tool, arguments,
                    timeout);
        }
        if ("stdio".equals(transport)) {
            String command = text(server.path("command"));
            if (command == null) {
                throw new StepFailure("'server.command' is required for a stdio MCP server");
            }
            List<String> args = new ArrayList<>();
            for (JsonNode arg : server.path("args")) {
                if (!arg.isString()) {
                    throw new StepFailure("'server.args' must be a list of texts");
                }
                args.add(arg.asString());
            }
            return new McpStep(name, transport, null, command, List.copyOf(args), call, tool, arguments, timeout);
        }
        throw new StepFailure("'server.transport' must be 'http' or 'stdio'");
    }

    private static URI url(String url) throws StepFailure {
        try {
            URI uri = url == null ? null : new URI(url);
            if (uri == null || uri.getHost() == null
                    || !"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new StepFailure("'server.url' must be an absolute http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new StepFailure("'server.url' is not a valid URL: " + e.getReason());
        }
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString().strip() : null;
    }
}
