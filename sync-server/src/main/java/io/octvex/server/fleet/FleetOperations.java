package io.octvex.server.fleet;

import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.Scope;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What operators do with edges of a workspace: list, read, quarantine, drain, release, revoke. An edge's
 * state is the edge's own (it may serve several workspaces), so changing it needs {@code workspace:admin}
 * in every workspace it serves; seen from one workspace, its active leases are that workspace's only.
 */
@Service
class FleetOperations {
    private final FleetStore store;
    private final WorkspaceAccess access;
    private final AuditLog audit;
    private final LeaseSweeper sweeper;
    private final StepWakeups wakeups;
    private final TransactionTemplate tx;
    private final FleetProperties properties;
    private final Clock clock;

    FleetOperations(FleetStore store, WorkspaceAccess access, AuditLog audit, LeaseSweeper sweeper,
                    StepWakeups wakeups, TransactionTemplate tx, FleetProperties properties, Clock clock) {
        this.store = store;
        this.access = access;
        this.audit = audit;
        this.sweeper = sweeper;
        this.wakeups = wakeups;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    List<EdgeView> list(Caller caller, UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        List<FleetStore.EdgeRow> edges = store.edges(workspaceId);
        Map<UUID, Integer> load = store.activeLeases(edges.stream().map(FleetStore.EdgeRow::id).toList(), workspaceId);
        Instant now = clock.instant();
        return edges.stream().map(e -> view(e, load.getOrDefault(e.id(), 0), now)).toList();
    }

    EdgeView get(Caller caller, UUID workspaceId, UUID edgeId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        FleetStore.EdgeRow edge = store.edge(workspaceId, edgeId).orElseThrow(() -> ApiException.notFound("edge " + edgeId));
        return view(edge, store.activeLeases(List.of(edgeId), workspaceId).getOrDefault(edgeId, 0), clock.instant());
    }

    /** The edge as it sees itself: leases of all its workspaces. */
    EdgeView me(AuthenticatedEdge edge) {
        FleetStore.EdgeRow row = store.edge(edge.id()).orElseThrow(() -> ApiException.unauthorized("the edge is unknown"));
        return view(row, store.activeLeases(List.of(edge.id()), null).getOrDefault(edge.id(), 0), clock.instant());
    }

    EdgeView change(Caller caller, UUID workspaceId, UUID edgeId, EdgeState to) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        boolean changed = Boolean.TRUE.equals(tx.execute(status -> {
            FleetStore.EdgeRow edge = store.edge(workspaceId, edgeId)
                    .orElseThrow(() -> ApiException.notFound("edge " + edgeId));
            for (UUID other : edge.workspaceIds()) {
                if (!other.equals(workspaceId)) {
                    try {
                        access.require(caller, other, Scope.WORKSPACE_ADMIN);
                    } catch (ApiException e) {
                        throw ApiException.forbidden("this edge also serves workspaces you do not administer; its state"
                                + " can be changed only by someone who administers all of them");
                    }
                }
            }
            edge = store.lockEdge(edgeId).orElseThrow();
            if (edge.state() == to) {
                return false;
            }
            EdgeTransitions.check(edge.state(), to);
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            if (!store.setState(edgeId, edge.state(), to, now)) {
                throw ApiException.conflict("the edge was changed by someone else at the same time; read it again");
            }
            String type = switch (to) {
                case ACTIVE -> "edge.released";
                case QUARANTINED -> "edge.quarantined";
                case DRAINING -> "edge.draining";
                case REVOKED -> "edge.revoked";
            };
            for (UUID ws : edge.workspaceIds().stream().sorted().toList()) {
                audit.append(ws, AuditEntry.of(type, caller.principalId(), Rows.data("edgeId", edgeId.toString(),
                        "name", edge.name(), "from", edge.state().wire(), "reason", "by an operator")));
            }
            return true;
        }));
        if (changed && to == EdgeState.REVOKED) {
            sweeper.releaseAll(edgeId);
        }
        if (changed) {
            wakeups.wakeAll(); // waiting lease requests look again at once
        }
        return get(caller, workspaceId, edgeId);
    }

    EdgeView view(FleetStore.EdgeRow e, int activeLeases, Instant now) {
        boolean live = e.lastSeenAt() != null && !e.lastSeenAt().isBefore(now.minus(properties.liveWindow()));
        boolean healthy = e.state() == EdgeState.ACTIVE && live && e.consecutiveFailures() < properties.quarantineAfter();
        return new EdgeView(e.id(), e.name(), e.state(), e.labels(), e.capabilities(), e.capacity(), activeLeases,
                e.enrolledAt(), e.lastHeartbeatAt(), e.latencyMillis(), e.consecutiveFailures(), healthy,
                e.softwareVersion());
    }
}
