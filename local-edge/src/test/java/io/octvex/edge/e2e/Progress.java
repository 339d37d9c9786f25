package io.octvex.edge.e2e;

import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventView;
import io.octvex.protocol.OctvexClient;
import java.util.UUID;

/** Leases granted plus steps completed so far, read incrementally from the audit log. */
final class Progress {
    private final OctvexClient admin;
    private final UUID workspace;
    private long after;
    private long count;

    Progress(OctvexClient admin, UUID workspace) {
        this.admin = admin;
        this.workspace = workspace;
    }

    synchronized long count() {
        while (true) {
            EventPage page = admin.events(workspace, after, 1000);
            for (EventView e : page.events()) {
                if (e.type().equals("step.placed") || "completed".equals(e.data().path("to").asString(null))) {
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
