package io.octvex.edge.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tiny MCP server over stdio, started by the edge in tests with {@code java -cp <test class path>
 * io.octvex.edge.mcp.StdioMcpServer}. Tool {@code echo {text}} answers {@code echo: <text> (pid <pid>)}, so a
 * test sees that a process of its own answered.
 */
public final class StdioMcpServer {
    private StdioMcpServer() {}

    public static void main(String[] args) throws InterruptedException {
        McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        McpServer.sync(new StdioServerTransportProvider(mapper)).serverInfo("stdio-echo", "1.0").jsonMapper(mapper)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(McpServerFeatures.SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder().name("echo").description("Echoes a text.")
                                .inputSchema(Map.of("type", "object", "properties",
                                        Map.of("text", Map.of("type", "string")), "required", java.util.List.of("text")))
                                .build())
                        .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                                .addTextContent("echo: " + request.arguments().get("text") + " (pid "
                                        + ProcessHandle.current().pid() + ")").build())
                        .build())
                .build();
        Thread.currentThread().join(); // the transport reads stdin on its own threads; stdin's end stops the process
    }
}
