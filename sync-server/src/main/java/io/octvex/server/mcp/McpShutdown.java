package io.octvex.server.mcp;

import io.modelcontextprotocol.server.McpSyncServer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the MCP sessions and their open streams first at shutdown (before the web server's graceful shutdown
 * waits on open requests), waiting at most {@code timeout} for them, then closing what is left at once.
 */
final class McpShutdown implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(McpShutdown.class);

    private final McpSyncServer server;
    private final Duration timeout;
    private volatile boolean running;

    McpShutdown(McpSyncServer server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        try {
            server.getAsyncServer().closeGracefully().timeout(timeout).block(timeout.plusSeconds(1));
        } catch (RuntimeException e) {
            log.warn("MCP sessions did not close within {}; closing them now", timeout);
            server.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
