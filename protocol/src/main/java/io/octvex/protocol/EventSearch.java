package io.octvex.protocol;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Filters of {@code GET …/events}; every part is optional (null). {@code type} is an event type
 * ({@code run.transitioned}) or a prefix ending in {@code .} or {@code *} ({@code approval.}, {@code run.*});
 * {@code principal} is a principal's id or name; {@code from} is inclusive, {@code to} exclusive.
 */
public record EventSearch(UUID runId, String type, String principal, Instant from, Instant to) {
    public static final EventSearch ALL = new EventSearch(null, null, null, null, null);

    /** The filters as query parameters, each starting with {@code &}; empty for {@link #ALL}. */
    String query() {
        StringBuilder q = new StringBuilder();
        add(q, "run", runId == null ? null : runId.toString());
        add(q, "type", type);
        add(q, "principal", principal);
        add(q, "from", from == null ? null : from.toString());
        add(q, "to", to == null ? null : to.toString());
        return q.toString();
    }

    private static void add(StringBuilder q, String name, String value) {
        if (value != null) {
            q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
