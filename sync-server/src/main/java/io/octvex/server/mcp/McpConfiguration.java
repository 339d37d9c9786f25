package io.octvex.server.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The upstream MCP server: the SDK's streamable HTTP transport as a servlet at {@value #ENDPOINT}, the tools
 * every {@link McpTool} bean contributes, and the filters around it (Host/Origin before authentication, the
 * workspace-token check after it). Shutdown closes open streams, bounded by {@code octvex.mcp.shutdown-timeout}.
 */
@Configuration(proxyBeanMethods = false)
class McpConfiguration {
    static final String ENDPOINT = "/mcp";

    /**
     * The SDK's own mapper, given explicitly (no service loading). Lenient about unknown properties, unlike the
     * REST API's: MCP messages grow fields between protocol revisions and a client must not be refused for that.
     */
    @Bean
    McpJsonMapper mcpJsonMapper() {
        return new JacksonMcpJsonMapper(JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
    }

    @Bean
    McpOrigins mcpOrigins(@Value("${octvex.mcp.allowed-hosts:}") List<String> hosts,
                          @Value("${octvex.mcp.allowed-origins:}") List<String> origins) {
        return new McpOrigins(hosts, origins);
    }

    @Bean
    FilterRegistrationBean<McpRequestFilter> mcpRequestFilter(McpOrigins origins) {
        var registration = new FilterRegistrationBean<>(new McpRequestFilter(origins));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5); // after request limits, before authentication
        return registration;
    }

    @Bean
    FilterRegistrationBean<McpCallerFilter> mcpCallerFilter() {
        var registration = new FilterRegistrationBean<>(new McpCallerFilter(new McpSessions()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20); // after authentication
        return registration;
    }

    @Bean
    HttpServletStreamableServerTransportProvider mcpTransport(McpJsonMapper mapper, McpOrigins origins,
            @Value("${octvex.mcp.keep-alive:PT15S}") Duration keepAlive) {
        return HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(mapper)
                .mcpEndpoint(ENDPOINT)
                .securityValidator(origins)
                .keepAliveInterval(keepAlive)
                .contextExtractor(request -> request.getAttribute(Caller.REQUEST_ATTRIBUTE) instanceof Caller c
                        ? McpTransportContext.create(Map.of(ToolInvoker.CALLER_KEY, c))
                        : McpTransportContext.EMPTY)
                .build();
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
            HttpServletStreamableServerTransportProvider transport) {
        var registration = new ServletRegistrationBean<>(transport, ENDPOINT, ENDPOINT + "/*");
        registration.setName("mcp");
        registration.setAsyncSupported(true);
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    JsonSchemaValidator mcpSchemaValidator() {
        return new DefaultJsonSchemaValidator(JsonMapper.builder().build());
    }

    @Bean(destroyMethod = "")
    McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport, McpJsonMapper mapper,
                            JsonSchemaValidator validator, List<McpTool> tools, WorkspaceAccess access,
                            AuditLog audit, TransactionTemplate tx,
                            @Value("${octvex.version:dev}") String version) {
        ToolInvoker invoker = new ToolInvoker(access, audit, tx, validator, mapper);
        Set<String> names = new HashSet<>();
        List<McpServerFeatures.SyncToolSpecification> specs = tools.stream().map(tool -> {
            if (!names.add(tool.name())) {
                throw new IllegalStateException("two MCP tools are named " + tool.name());
            }
            McpSchema.Tool definition = McpSchema.Tool.builder()
                    .name(tool.name())
                    .description(tool.description())
                    .inputSchema(tool.inputSchema())
                    .annotations(new McpSchema.ToolAnnotations(null, tool.readOnly(), !tool.readOnly() ? false : null,
                            null, !tool.readOnly(), null))
                    .build();
            return McpServerFeatures.SyncToolSpecification.builder().tool(definition)
                    .callHandler((exchange, request) -> invoker.invoke(tool, exchange, request)).build();
        }).toList();
        return McpServer.sync(transport)
                .serverInfo("octvex", version)
                .jsonMapper(mapper)
                .jsonSchemaValidator(validator)
                // the invoker validates, so an invalid call is audited like any other
                .validateToolInputs(false)
                // run each call on its request's own (virtual) thread instead of Reactor's bounded-elastic pool of
                // 10 × cores threads, which a few calls that wait (wait_for_run) would otherwise use up
                .immediateExecution(true)
                .instructions("""
                        Octvex runs tasks for agents under a workspace's policy. Submit work with submit_run, or \
                        one governed action with http_request or browser; every action may be allowed, denied or \
                        held for a human approval. Use wait_for_run to wait for a run (with progress), get_run to \
                        see status and what a run waits for, get_run_timeline for its history, \
                        list_pending_approvals for approvals waiting for people, and list_credentials for the \
                        credential names a step may use (values are never shown).""")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(specs)
                .build();
    }

    @Bean
    McpShutdown mcpShutdown(McpSyncServer server, @Value("${octvex.mcp.shutdown-timeout:PT5S}") Duration timeout) {
        return new McpShutdown(server, timeout);
    }
}
