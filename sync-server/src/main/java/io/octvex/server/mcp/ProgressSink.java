package io.octvex.server.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tool's progress reports as MCP {@code notifications/progress} on the call's own response stream, carrying the
 * client's progress token. The protocol wants the progress value to grow with every notification and the total
 * may be unknown, so the value counts the reports. A client that sent no token gets none.
 */
final class ProgressSink {
    private static final Logger log = LoggerFactory.getLogger(ProgressSink.class);

    private ProgressSink() {}

    static McpTool.Progress of(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Object token = request.progressToken();
        if (token == null) {
            return McpTool.Progress.NONE;
        }
        AtomicInteger sent = new AtomicInteger();
        return message -> {
            synchronized (sent) { // numbered and sent as one step: the values reach the stream in order
                try {
                    exchange.progressNotification(new McpSchema.ProgressNotification(token,
                            (double) sent.incrementAndGet(), null, message));
                } catch (RuntimeException e) { // the client went away: the call still ends as it would have
                    log.debug("could not send a progress notification: {}", e.toString());
                }
            }
        };
    }
}
