package io.octvex.server.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.octvex.protocol.Json;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one tool call the same way for every tool: the caller must be an API token's principal (its workspace is
 * the tool's workspace), the arguments must match the tool's schema, the caller needs the tool's scope there;
 * then the tool runs and an {@code mcp.tool_called} event with the masked arguments and the outcome is
 * appended in the same transaction (fail-closed: when the event cannot be written, the call's changes are rolled
 * back and the client gets an error). A refused or failed call is audited in its own transaction afterwards.
 */
final class ToolInvoker {
    static final String CALLER_KEY = "octvex.caller";
    static final String EVENT_TYPE = "mcp.tool_called";
    private static final Logger log = LoggerFactory.getLogger(ToolInvoker.class);
    private static final String MASK = "****";
    private static final List<String> SECRET_WORDS = List.of("password", "passwd", "passphrase", "token", "secret",
            "authorization", "cookie", "credential", "apikey", "api_key", "api-key", "private_key", "privatekey");

    private final WorkspaceAccess access;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final JsonSchemaValidator validator;
    private final McpJsonMapper mapper;

    ToolInvoker(WorkspaceAccess access, AuditLog audit, TransactionTemplate tx, JsonSchemaValidator validator,
                McpJsonMapper mapper) {
        this.access = access;
        this.audit = audit;
        this.tx = tx;
        this.validator = validator;
        this.mapper = mapper;
    }

    McpSchema.CallToolResult invoke(McpTool tool, McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Caller caller = exchange.transportContext().get(CALLER_KEY) instanceof Caller c ? c : null;
        if (caller == null || caller.isSession()) {
            // the filters refuse such requests before they get here; this is the second lock on the door
            return error("Authentication required: the MCP endpoint needs a workspace API token");
        }
        UUID workspaceId = caller.tokenWorkspaceId();
        Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
        Map<String, Object> masked = maskMap(arguments);
        try {
            JsonSchemaValidator.ValidationResponse valid = validator.validate(tool.inputSchema(), arguments);
            if (!valid.valid()) {
                throw ApiException.badRequest("the arguments do not match the tool's input schema: "
                        + valid.errorMessage());
            }
            McpTool.Call call = new McpTool.Call(caller, workspaceId, arguments, ProgressSink.of(exchange, request));
            if (!tool.transactional()) {
                access.require(caller, workspaceId, tool.scope());
                Object answer = tool.call(call);
                tx.executeWithoutResult(status -> audit.append(workspaceId, event(caller, tool, masked, "ok", null)));
                return success(answer);
            }
            return tx.execute(status -> {
                access.require(caller, workspaceId, tool.scope());
                Object answer = tool.call(call);
                audit.append(workspaceId, event(caller, tool, masked, "ok", null));
                return success(answer);
            });
        } catch (McpTool.Failed e) {
            auditFailure(workspaceId, event(caller, tool, masked, "failed", e.getMessage()));
            return McpSchema.CallToolResult.builder().addTextContent(e.getMessage())
                    .structuredContent(Json.mapper().convertValue(e.details(), Object.class))
                    .isError(true).build();
        } catch (ApiException e) {
            String detail = e.title() + ": " + e.getMessage();
            auditFailure(workspaceId, event(caller, tool, masked, outcome(e), detail));
            return error(detail);
        } catch (RuntimeException e) {
            String reference = UUID.randomUUID().toString();
            log.error("MCP tool {} failed internally {}", tool.name(), reference, e);
            auditFailure(workspaceId, event(caller, tool, masked, "error", "internal error " + reference));
            return error("Internal error: the tool failed; nothing was changed. Reference: " + reference);
        }
    }

    private void auditFailure(UUID workspaceId, AuditEntry entry) {
        try {
            tx.executeWithoutResult(status -> audit.append(workspaceId, entry));
        } catch (RuntimeException e) {
            log.error("Could not audit a refused MCP tool call in workspace {}", workspaceId, e);
        }
    }

    private static String outcome(ApiException e) {
        return switch (e.status()) {
            case BAD_REQUEST -> "invalid_arguments";
            case UNAUTHORIZED -> "unauthenticated";
            case FORBIDDEN -> "forbidden";
            case NOT_FOUND -> "not_found";
            case CONFLICT -> "conflict";
            default -> "refused";
        };
    }

    private static AuditEntry event(Caller caller, McpTool tool, Map<String, Object> masked, String outcome,
                                    String error) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tool", tool.name());
        data.put("principal", caller.name());
        data.put("tokenId", caller.tokenId().toString());
        data.put("arguments", masked);
        data.put("outcome", outcome);
        if (error != null) {
            data.put("error", error);
        }
        return AuditEntry.of(EVENT_TYPE, caller.principalId(), data);
    }

    private McpSchema.CallToolResult success(Object answer) {
        Object structured = Json.mapper().convertValue(answer, Object.class);
        String text;
        try {
            text = mapper.writeValueAsString(structured);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return McpSchema.CallToolResult.builder()
                .structuredContent(structured instanceof Map<?, ?> ? structured : Map.of("items", structured))
                .addTextContent(text).isError(false).build();
    }

    static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    /** A copy with every value under a credential-looking key replaced, at any depth. */
    static Map<String, Object> maskMap(Map<String, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> copy.put(key, secretKey(key) && value != null ? MASK : mask(value)));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object mask(Object value) {
        if (value instanceof Map<?, ?> m) {
            return maskMap((Map<String, ?>) m);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(mask(v)));
            return copy;
        }
        return value;
    }

    static boolean secretKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains);
    }
}
