package io.octvex.server.fleet;

import io.octvex.protocol.EdgeState;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Counts an edge's consecutive failures (lost leases, failed steps; a completed step resets the count) and
 * quarantines it after {@code octvex.fleet.quarantine-after} of them. Runs inside the caller's transaction,
 * which must not have appended audit events yet: the edge row is locked before any event head (the lock
 * order of the fleet: run → step → edge → event heads).
 */
@Component
class EdgeHealth {
    private final FleetStore store;
    private final AuditLog audit;
    private final FleetProperties properties;

    EdgeHealth(FleetStore store, AuditLog audit, FleetProperties properties) {
        this.store = store;
        this.audit = audit;
        this.properties = properties;
    }

    void failed(UUID edgeId, String what, java.time.Instant now) {
        int failures = store.failed(edgeId);
        if (failures >= properties.quarantineAfter()) {
            FleetStore.EdgeRow edge = store.edge(edgeId).orElseThrow();
            if (edge.state() == EdgeState.ACTIVE && store.setState(edgeId, EdgeState.ACTIVE, EdgeState.QUARANTINED, now)) {
                String reason = failures + " consecutive failures (the last: " + what + ")";
                for (UUID ws : edge.workspaceIds().stream().sorted().toList()) {
                    audit.append(ws, AuditEntry.of("edge.quarantined", null, Rows.data(
                            "edgeId", edgeId.toString(), "name", edge.name(), "reason", reason, "automatic", true)));
                }
            }
        }
    }

    void succeeded(UUID edgeId) {
        store.succeeded(edgeId);
    }

    static List<UUID> sorted(List<UUID> ids) {
        return ids.stream().sorted().toList();
    }
}
