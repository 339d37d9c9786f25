package io.octvex.server.mcp;

import io.octvex.protocol.Scope;
import java.util.Map;
import java.util.function.Function;

/** A tool made of its parts; features may also implement {@link McpTool} themselves. */
record Tool(String name, String description, Map<String, Object> inputSchema, Scope scope, boolean readOnly,
            Function<Call, Object> body) implements McpTool {
    @Override
    public Object call(Call call) {
        return body.apply(call);
    }
}
