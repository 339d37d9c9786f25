package io.octvex.edge.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.edge.handler.Handler;
import io.octvex.edge.handler.Redaction;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import io.octvex.edge.http.CredentialHeaders;
import io.octvex.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code mcp} handler: one contact with a downstream MCP server, with the official MCP Java SDK client.
 * The server is reached over Streamable HTTP (its credential, leased just in time, as a request header) or
 * started here over stdio ({@code command} + {@code args}: the server never starts anything).
 *
 * <p>Input: {@code op} ({@code list_tools} or {@code call}), {@code server} ({@code name}, {@code transport}
 * {@code http} with {@code url}, or {@code stdio} with {@code command} and {@code args}), {@code tool} and
 * {@code arguments} for a call, {@code auth} (a vault secret, leased with the step), {@code timeoutSeconds}
 * (default 60, at most 300, per request).
 *
 * <p>Result: {@code list_tools} → {@code {"tools": [{name, description, inputSchema}]}}; {@code call} → the
 * tool's result as MCP gives it ({@code content}, {@code structuredContent}, {@code isError}). Credential values
 * the server echoed are redacted from results and errors before anything is reported.
 */
public final class McpHandler implements Handler {
    public static final String NAME = "mcp";
    static final int DEFAULT_TIMEOUT_SECONDS = 60;
    static final int MAX_TIMEOUT_SECONDS = 300;
    static final int MAX_RESULT_BYTES = 1 << 20;
    static final int MAX_TOOL_PAGES = 20;

    private final CredentialHeaders credentials;
    /** As the server's (ADR 0015): MCP messages grow fields between revisions, so unknown ones are ignored. */
    private final McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());

    public McpHandler(CredentialHeaders credentials) {
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonNode run(StepContext context) throws Exception {
        McpStep step = McpStep.parse(context.input());
        Map<String, String> secret = step.url() == null ? Map.of() : credentials.headers(context, step.url());
        Redaction redaction = new Redaction(secret.values());
        Duration timeout = Duration.ofSeconds(step.timeoutSeconds());
        McpSyncClient client = McpClient.sync(transport(step, secret))
                .clientInfo(new McpSchema.Implementation("octvex-edge", version()))
                .requestTimeout(timeout).initializationTimeout(timeout).build();
        try {
            client.initialize();
            Object result = step.call() ? client.callTool(new McpSchema.CallToolRequest(step.tool(), step.arguments()))
                    : tools(client);
            return redacted(result, redaction);
        } catch (RuntimeException e) {
            throw new StepFailure(redaction.apply(failure(step, e)));
        } finally {
            try {
                client.closeGracefully();
            } catch (RuntimeException ignored) {
                // the server or its process is gone already; nothing to give back
            }
        }
    }

    private McpClientTransport transport(McpStep step, Map<String, String> secret) {
        if (step.url() != null) {
            URI url = step.url();
            HttpRequest.Builder request = HttpRequest.newBuilder();
            secret.forEach(request::header); // on every request to the server's one origin; never logged
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            return HttpClientStreamableHttpTransport.builder(url.getScheme() + "://" + url.getRawAuthority())
                    .endpoint(path).jsonMapper(mapper).requestBuilder(request)
                    .connectTimeout(Duration.ofSeconds(Math.min(step.timeoutSeconds(), 30))).build();
        }
        StdioClientTransport stdio = new StdioClientTransport(
                ServerParameters.builder(step.command()).args(step.args()).build(), mapper);
        stdio.setStdErrorHandler(line -> { }); // a server's diagnostics are its own; they are not the step's result
        return stdio;
    }

    private static Map<String, Object> tools(McpSyncClient client) throws StepFailure {
        List<McpSchema.Tool> tools = new ArrayList<>();
        String cursor = null;
        for (int page = 0; ; page++) {
            McpSchema.ListToolsResult result = cursor == null ? client.listTools() : client.listTools(cursor);
            tools.addAll(result.tools());
            cursor = result.nextCursor();
            if (cursor == null || cursor.isEmpty()) {
                break;
            }
            if (page + 1 >= MAX_TOOL_PAGES) {
                throw new StepFailure("the MCP server lists its tools in more than " + MAX_TOOL_PAGES + " pages");
            }
        }
        List<Map<String, Object>> listed = new ArrayList<>();
        for (McpSchema.Tool tool : tools) {
            Map<String, Object> t = new java.util.LinkedHashMap<>();
            t.put("name", tool.name());
            t.put("description", tool.description());
            t.put("inputSchema", tool.inputSchema());
            listed.add(t);
        }
        return Map.of("tools", listed);
    }

    /** The result as the SDK writes it on the wire, with echoed credentials removed, within the size limit. */
    private JsonNode redacted(Object result, Redaction redaction) throws StepFailure {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(result);
        } catch (IOException e) {
            throw new StepFailure("the MCP server's answer could not be read as JSON");
        }
        if (json.length > MAX_RESULT_BYTES) {
            throw new StepFailure("the MCP server's answer is " + json.length + " bytes; at most " + MAX_RESULT_BYTES
                    + " are returned");
        }
        redaction.apply(json);
        JsonNode node = Json.tree(new String(json, StandardCharsets.UTF_8));
        if (node instanceof ObjectNode object) {
            object.remove("_meta");
        }
        return node;
    }

    /** A failure in words, without a stack trace; the caller redacts credentials from it. */
    private static String failure(McpStep step, RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        detail = detail.replaceAll("\\s+", " ").strip();
        if (detail.length() > 300) {
            detail = detail.substring(0, 300) + "…";
        }
        return "MCP server '" + step.server() + "' (" + step.transport() + ") failed "
                + (step.call() ? "the call of " + step.tool() : "to list its tools") + ": " + detail;
    }

    private static String version() {
        String v = McpHandler.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
