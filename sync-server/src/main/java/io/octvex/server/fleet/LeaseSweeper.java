package io.octvex.server.fleet;

import io.octvex.protocol.RetryPolicy;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepUpdate;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.run.Runs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The fleet's singleton job, run by one replica at a time (a PostgreSQL advisory lock): re-offers steps whose
 * lease expired (attempt + 1 after a backoff) or fails them once their retry policy is spent ("lease lost N
 * times"), counts the loss against the edge (quarantine after N), and records once why a queued step has no
 * edge at all ({@code step.unplaced}). Each step is its own transaction.
 */
@Component
class LeaseSweeper {
    /** Advisory lock key: "ovx-flt1". */
    static final long LOCK = 0x6f76782d666c7431L;
    static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final int BATCH = 100;
    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

    private final DataSource dataSource;
    private final LeaseStore leases;
    private final FleetStore fleet;
    private final EdgeHealth health;
    private final Runs runs;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    LeaseSweeper(DataSource dataSource, LeaseStore leases, FleetStore fleet, EdgeHealth health, Runs runs,
                 AuditLog audit, TransactionTemplate tx, Clock clock) {
        this.dataSource = dataSource;
        this.leases = leases;
        this.fleet = fleet;
        this.health = health;
        this.runs = runs;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${octvex.fleet.sweep-interval:PT1S}", initialDelayString = "PT1S")
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("Lease sweep failed; the next one retries", e);
        }
    }

    /** One sweep if this replica gets the lock; answers the number of leases it handled (-1: another replica holds it). */
    int sweep() {
        try (Connection c = dataSource.getConnection()) {
            if (!advisory(c, "SELECT pg_try_advisory_lock(?)")) {
                return -1;
            }
            try {
                int handled = 0;
                for (LeaseStore.Held step : leases.expired(now(), BATCH)) {
                    try {
                        if (Boolean.TRUE.equals(tx.execute(s -> expire(step, "the lease expired", true)))) {
                            handled++;
                        }
                    } catch (RuntimeException e) {
                        log.warn("Could not re-offer step {}: {}", step.id(), e.getMessage());
                    }
                }
                unplaced();
                return handled;
            } finally {
                advisory(c, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lease sweep: " + e.getMessage(), e);
        }
    }

    private static boolean advisory(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, LOCK);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Takes a lease away (in the caller's transaction): re-offers the step, or fails it when its attempts are
     * spent. {@code expired}: only if the lease still ran out (a heartbeat that got in first wins), and the
     * loss counts against the edge; otherwise (revocation) at once and without backoff.
     */
    boolean expire(LeaseStore.Held seen, String why, boolean expired) {
        Instant now = now();
        LeaseStore.Held step = leases.lockStep(List.of(seen.workspaceId()), seen.id()).orElse(null);
        if (step == null || step.edgeId() == null || step.leaseExpiresAt() == null
                || step.epoch() != seen.epoch() || !step.edgeId().equals(seen.edgeId())) {
            return false;
        }
        if (!leases.release(step.workspaceId(), step.id(), step.edgeId(), step.epoch(), expired ? now : null)) {
            return false;
        }
        if (expired) {
            health.failed(step.edgeId(), "lost the lease on step '" + step.key() + "'", now);
        }
        RetryPolicy retry = step.maxAttempts() == null ? RetryPolicy.DEFAULT
                : new RetryPolicy(step.maxAttempts(), step.backoffSeconds() == null ? 0 : step.backoffSeconds());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("stepId", step.id().toString());
        data.put("key", step.key());
        data.put("edgeId", step.edgeId().toString());
        data.put("epoch", step.epoch());
        data.put("attempt", step.attempt());
        data.put("reason", why);
        if (step.status() == StepStatus.RUNNING && step.attempt() < retry.maxAttempts()) {
            Duration backoff = expired ? backoff(retry, step.attempt()) : Duration.ZERO;
            data.put("outcome", "requeued");
            data.put("backoffSeconds", backoff.toSeconds());
            audit.append(step.workspaceId(), AuditEntry.ofRun("lease.expired", step.runId(), step.id(), null, data));
            runs.requeueStep(step.workspaceId(), step.runId(), step.id(), step.version(), null);
            if (!backoff.isZero()) {
                leases.holdBack(step.workspaceId(), step.id(), now.plus(backoff));
            }
        } else {
            data.put("outcome", "failed");
            audit.append(step.workspaceId(), AuditEntry.ofRun("lease.expired", step.runId(), step.id(), null, data));
            runs.updateStep(step.workspaceId(), step.runId(), step.id(), new StepUpdate(StepStatus.FAILED, null,
                    "lease lost " + step.attempt() + (step.attempt() == 1 ? " time" : " times"), step.version()), null);
        }
        return true;
    }

    /** {@code backoffSeconds × 2^(attempt-1)}, at most an hour. */
    static Duration backoff(RetryPolicy retry, int attempt) {
        long seconds = (long) retry.backoffSeconds() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    /** Releases every lease of an edge (revoked): each step is offered again at once. */
    void releaseAll(UUID edgeId) {
        for (LeaseStore.Held step : leases.leasedTo(edgeId)) {
            try {
                tx.execute(s -> expire(step, "the edge was revoked", false));
            } catch (RuntimeException e) {
                log.warn("Could not release step {} of revoked edge {}: {}", step.id(), edgeId, e.getMessage());
            }
        }
    }

    /**
     * Records, once per wait, why queued steps have no edge that could ever take them: one transaction per
     * pass, so a backlog waiting for its first edge takes the chain head's lock once a second, not once a step.
     */
    void unplaced() {
        List<LeaseStore.Ready> steps = leases.unplaced(now(), BATCH);
        if (steps.isEmpty()) {
            return;
        }
        Map<UUID, List<FleetStore.EdgeRow>> edges = new HashMap<>(); // each workspace's, read once a pass
        Map<LeaseStore.Ready, String> reasons = new LinkedHashMap<>();
        for (LeaseStore.Ready step : steps) {
            reasons.put(step, reason(step, edges.computeIfAbsent(step.workspaceId(), ws -> fleet.edges(ws).stream()
                    .filter(e -> e.state() != io.octvex.protocol.EdgeState.REVOKED).toList())));
        }
        tx.executeWithoutResult(s -> {
            Set<UUID> marked = leases.markUnplaced(reasons);
            reasons.forEach((step, reason) -> {
                if (marked.contains(step.id())) {
                    audit.append(step.workspaceId(), AuditEntry.ofRun("step.unplaced", step.runId(), step.id(), null,
                            Rows.data("key", step.key(), "reason", reason)));
                }
            });
        });
    }

    /** Why no edge of {@code edges} (the workspace's, revoked ones left out) could ever take {@code step}. */
    private static String reason(LeaseStore.Ready step, List<FleetStore.EdgeRow> edges) {
        if (edges.isEmpty()) {
            return "no edge is enrolled for this workspace";
        }
        List<FleetStore.EdgeRow> capable = edges.stream().filter(e -> e.capabilities().contains(step.handler())).toList();
        if (capable.isEmpty()) {
            return "no edge of this workspace runs the handler '" + step.handler() + "'";
        }
        List<FleetStore.EdgeRow> labelled = capable.stream().filter(e -> step.require().entrySet().stream()
                .allMatch(r -> r.getValue().equals(e.labels().get(r.getKey())))).toList();
        if (labelled.isEmpty()) {
            return "no edge that runs '" + step.handler() + "' has the required labels " + step.require();
        }
        return "every edge that could run it is quarantined or draining";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
