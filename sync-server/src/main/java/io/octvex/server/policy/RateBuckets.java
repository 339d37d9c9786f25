package io.octvex.server.policy;

import java.time.Duration;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Token buckets in PostgreSQL, so a limit holds across every replica: capacity {@code limit + burst},
 * refilled at {@code limit / window}. Taking a token is one upsert whose row lock serialises concurrent
 * takers of the same key; the database's clock is the only clock, so replicas cannot disagree on refills.
 */
@Component
class RateBuckets {
    private final JdbcClient jdbc;

    RateBuckets(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes one token; false when the bucket is empty (the action is over its limit). */
    boolean take(UUID workspaceId, String limitId, String key, int limit, Duration window, int burst) {
        double capacity = limit + burst;
        double perSecond = limit / (window.toNanos() / 1e9);
        return jdbc.sql("""
                INSERT INTO rate_buckets AS b (workspace_id, limit_id, key, tokens, updated_at)
                VALUES (:ws, :id, :key, :capacity - 1, clock_timestamp())
                ON CONFLICT (workspace_id, limit_id, key) DO UPDATE
                SET tokens = LEAST(:capacity, b.tokens
                                 + EXTRACT(EPOCH FROM (clock_timestamp() - b.updated_at)) * :rate) - 1,
                    updated_at = clock_timestamp()
                WHERE LEAST(:capacity, b.tokens + EXTRACT(EPOCH FROM (clock_timestamp() - b.updated_at)) * :rate) >= 1
                RETURNING tokens""")
                .param("ws", workspaceId).param("id", limitId).param("key", key)
                .param("capacity", capacity).param("rate", perSecond)
                .query(Double.class).optional().isPresent();
    }
}
