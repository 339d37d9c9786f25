package io.octvex.server.mcp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Binds each MCP session id to the token that opened it, so that a session id alone (leaked in a log, say)
 * lets no other token continue that session. The SDK keeps sessions in this replica's memory; so does this
 * map. At most {@link #MAX} sessions are remembered: the oldest one's binding is dropped beyond that, and
 * that session must then initialize again.
 */
final class McpSessions {
    static final int MAX = 10_000;

    private final Map<String, UUID> tokens = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, UUID> eldest) {
            return size() > MAX;
        }
    });

    void opened(String sessionId, UUID tokenId) {
        tokens.put(sessionId, tokenId);
    }

    /** True when the session was opened here by this token. */
    boolean mayUse(String sessionId, UUID tokenId) {
        return tokenId.equals(tokens.get(sessionId));
    }

    void closed(String sessionId) {
        tokens.remove(sessionId);
    }
}
