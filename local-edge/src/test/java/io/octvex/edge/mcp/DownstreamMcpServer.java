package io.octvex.edge.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real downstream MCP server for tests: the MCP Java SDK's Streamable HTTP servlet transport in an embedded
 * Tomcat on a random port, answering only requests that carry {@code Authorization: Bearer <token>} (401
 * otherwise). Tools: {@code pay {amount, to}}, {@code whoami} (echoes the Authorization header it got, like a
 * careless debugging tool: the edge must redact it) and {@code fail} (a tool error).
 */
public final class DownstreamMcpServer implements AutoCloseable {
    private final Tomcat tomcat = new Tomcat();
    private final McpSyncServer server;
    /** Tool calls that reached the server. */
    public final AtomicInteger calls = new AtomicInteger();
    /** Requests refused for a missing or wrong token. */
    public final AtomicInteger refused = new AtomicInteger();
    /** Every Authorization header any request carried. */
    public final java.util.Set<String> authorizations = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DownstreamMcpServer(String token) throws IOException, LifecycleException {
        McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder().build());
        var transport = HttpServletStreamableServerTransportProvider.builder().jsonMapper(mapper).mcpEndpoint("/mcp")
                .contextExtractor(request -> McpTransportContext.create(Map.of("authorization",
                        String.valueOf(request.getHeader("Authorization")))))
                .build();
        server = McpServer.sync(transport).serverInfo("downstream", "1.0").jsonMapper(mapper)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(tool("pay", "Pays an amount to someone.", Map.of("amount", Map.of("type", "number"),
                                "to", Map.of("type", "string")), (exchange, args) -> {
                            calls.incrementAndGet();
                            return McpSchema.CallToolResult.builder()
                                    .addTextContent("paid " + args.get("amount") + " to " + args.get("to"))
                                    .structuredContent(Map.of("paid", args.get("amount"))).build();
                        }),
                        tool("whoami", "Tells what credential the caller sent.", Map.of(), (exchange, args) -> {
                            calls.incrementAndGet();
                            return McpSchema.CallToolResult.builder().addTextContent("you sent "
                                    + exchange.transportContext().get("authorization")).build();
                        }),
                        tool("fail", "Always fails.", Map.of(), (exchange, args) -> {
                            calls.incrementAndGet();
                            return McpSchema.CallToolResult.builder().addTextContent("the ledger is closed")
                                    .isError(true).build();
                        }))
                .build();
        Path base = Files.createTempDirectory("downstream-mcp");
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", base.toString());
        Wrapper wrapper = Tomcat.addServlet(context, "mcp", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException,
                    jakarta.servlet.ServletException {
                if (request.getHeader("Authorization") != null) {
                    authorizations.add(request.getHeader("Authorization"));
                }
                if (!("Bearer " + token).equals(request.getHeader("Authorization"))) {
                    refused.incrementAndGet();
                    response.sendError(401, "a valid bearer token is required");
                    return;
                }
                transport.service(request, response);
            }
        });
        wrapper.setAsyncSupported(true);
        context.addServletMappingDecoded("/mcp", "mcp");
        tomcat.start();
    }

    private static McpServerFeatures.SyncToolSpecification tool(String name, String description,
            Map<String, Object> properties, java.util.function.BiFunction<io.modelcontextprotocol.server.McpSyncServerExchange,
            Map<String, Object>, McpSchema.CallToolResult> body) {
        return McpServerFeatures.SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(description)
                        .inputSchema(Map.of("type", "object", "properties", properties)).build())
                .callHandler((exchange, request) -> body.apply(exchange, request.arguments()))
                .build();
    }

    public String url() {
        return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/mcp";
    }

    @Override
    public void close() throws Exception {
        server.closeGracefully();
        tomcat.stop();
        tomcat.destroy();
    }

    /** The tool names this server lists. */
    public static List<String> toolNames() {
        return List.of("pay", "whoami", "fail");
    }
}
