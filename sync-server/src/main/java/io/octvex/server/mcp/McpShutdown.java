package io.octvex.server.mcp;

import io.modelcontextprotocol.server.McpSyncServer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * Closes the MCP sessions and their open streams first at shutdown (before the web server's graceful shutdown
 * waits on open requests), waiting at most {@code timeout} for them, then closing what is left at once.
 *
 * <p>On the context's close event, not as a {@code SmartLifecycle} stop: a stop also happens when a context is
 * only paused (Spring's test framework pauses cached contexts between test classes and starts them again),
 * and the SDK's server cannot be reopened once closed; it would answer every later request 503.
 */
final class McpShutdown implements ApplicationListener<ContextClosedEvent> {
    private static final Logger log = LoggerFactory.getLogger(McpShutdown.class);

    private final McpSyncServer server;
    private final Duration timeout;

    McpShutdown(McpSyncServer server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
        try {
            server.getAsyncServer().closeGracefully().timeout(timeout).block(timeout.plusSeconds(1));
        } catch (RuntimeException e) {
            log.warn("MCP sessions did not close within {}; closing them now", timeout);
            server.close();
        }
    }
}
