package io.octvex.edge.e2e;

import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import java.util.UUID;
import java.time.Instant;
import java.util.function.BiPredicate;

/**
 * Leases granted (those {@code counts} accepts, by edge and time) plus steps completed so far, read incrementally
 * from the audit log.
 */
final class Progress {
    private final OctvexClient admin;
    private final UUID workspace;
    private final BiPredicate<UUID, Instant> counts;
    private long after;
    private long count;

    Progress(OctvexClient admin, UUID workspace, BiPredicate<UUID, Instant> counts) {
        this.admin = admin;
        this.workspace = workspace;
        this.counts = counts;
    }

    synchronized long count() {
        while (true) {
            EventPage page = admin.events(workspace, after, 1000);
            for (EventView e : page.events()) {
                boolean placed = e.type().equals("step.placed")
                        && counts.test(UUID.fromString(e.data().path("edgeId").asString()), e.at());
                if (placed || "completed".equals(e.data().path("to").asString(null))) {
                    count++;
                }
            }
            after = page.lastSeq();
            if (!page.more() || page.events().isEmpty()) {
                return count;
            }
        }
    }
}
