package io.octvex.server.fleet;

import static io.octvex.server.fleet.Rows.at;
import static io.octvex.server.fleet.Rows.instant;

import io.octvex.protocol.Json;
import io.octvex.protocol.StepStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The lease columns of {@code steps} (V030). Status changes never happen here: they go through the
 * {@code Runs} facade, and so does the lease a claimed step is handed with, in the same row update as its move
 * to running; a move out of running or blocked ends the lease there too (ADR 0036). This class picks and
 * locks the steps a claim takes, extends, fences and releases leases, and every statement is bounded by the
 * workspaces of the edge or the step at hand.
 */
@Component
class LeaseStore {
    private final JdbcClient jdbc;

    LeaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A queued step as placement sees it. */
    record Ready(UUID id, UUID workspaceId, UUID runId, String key, String handler, Map<String, String> require,
                 Map<String, String> prefer, Instant readySince) {
        PlacementScorer.StepNeeds needs() {
            return new PlacementScorer.StepNeeds(workspaceId, handler, require, prefer);
        }
    }

    /** The advisory locks' first key: claims' turns (the second is the workspace's hash). */
    private static final int CLAIM_TURNS = 0x0C1A1;

    /**
     * Waits for the claims in flight in these workspaces to end, and holds their turn until this transaction
     * ends: claims of one workspace take steps one after another, each reading the queue the one before left.
     * In workspace id order, so two claimers never wait for each other in a cycle; after the claimer's result
     * locks and its edge row, before anything a claim locks.
     */
    void takeClaimTurn(Collection<UUID> workspaceIds) {
        // one statement however many workspaces; the locks are taken as the sorted rows come out of the subquery
        jdbc.sql("""
                SELECT pg_advisory_xact_lock(:space, hashtext(CAST(w.id AS text)))
                FROM (SELECT id FROM unnest(CAST(:ws AS uuid[])) AS u(id) ORDER BY id OFFSET 0) w""")
                .param("space", CLAIM_TURNS).param("ws", workspaceIds.toArray(UUID[]::new))
                .query((rs, n) -> 1).list();
    }

    /**
     * Queued steps this edge may take (hard constraints in SQL), oldest in the queue first. No locks. Each
     * workspace's queue is read on its own, in the order of its index, stopping at the limit: with
     * {@code workspace_id = ANY(…)} the planner sorts every queued step of the workspaces instead, a cost that
     * grows with the queue.
     */
    List<Ready> ready(Collection<UUID> workspaceIds, Collection<String> capabilities, Map<String, String> labels,
                      Instant now, int limit) {
        return jdbc.sql("""
                SELECT s.* FROM unnest(CAST(:ws AS uuid[])) AS w(id) CROSS JOIN LATERAL (
                    SELECT id, workspace_id, run_id, key, handler, placement_require, placement_prefer, updated_at,
                           greatest(updated_at, coalesce(not_before, updated_at)) AS ready_since
                    FROM steps
                    WHERE status = 'queued' AND workspace_id = w.id AND handler = ANY(:caps)
                      AND placement_require <@ CAST(:labels AS jsonb) AND (not_before IS NULL OR not_before <= :now)
                    ORDER BY updated_at, id LIMIT :limit) s
                ORDER BY s.updated_at, s.id LIMIT :limit""")
                .param("ws", workspaceIds.toArray(UUID[]::new)).param("caps", capabilities.toArray(String[]::new))
                .param("labels", Json.write(labels)).param("now", at(now)).param("limit", limit)
                .query(LeaseStore::readyRow)
                .list();
    }

    /**
     * A step a claim holds: what the edge needs to run it, the epoch its lease gets, and the version its move
     * to running must expect.
     */
    record Claimed(UUID id, UUID workspaceId, UUID runId, String key, String handler, String action, JsonNode input,
                   int attempt, long epoch, long version, JsonNode checkpoint) {}

    /**
     * The step of each id {@code c.id} in one of the workspaces {@code :ws}, looked up by its primary key
     * (workspace_id, id) one at a time, for a {@code CROSS JOIN LATERAL}. {@code OFFSET 0} keeps the planner from
     * merging it into the outer query: it then weighed the workspace condition by statistics that lag a growing
     * table and walked other indexes (41 rows expected, 18,000 read, for 27 steps).
     */
    private static final String BY_PRIMARY_KEY =
            "SELECT id, run_id, workspace_id, status FROM steps WHERE workspace_id = ANY(:ws) AND id = c.id OFFSET 0";

    /**
     * The first half of a claim: locks the runs of {@code stepIds}, skipping runs another transaction holds,
     * and answers the steps whose run it locked (step id → run id), at most {@code limit}. Steps no longer queued
     * (a concurrent claim took them since the queue was read) are passed over, not counted. Runs are locked before
     * their steps, as every run change does: locking a step and its run together with SKIP LOCKED could keep a
     * step's lock while skipping its run, starving a concurrent claimer of that step. Between the halves the
     * policy gate decides about each step.
     */
    Map<UUID, UUID> lockRuns(List<UUID> stepIds, Collection<UUID> workspaceIds, int limit) {
        // in the order given (the placement's), up to limit steps: rows skipped because another transaction
        // holds their run do not count, so the claim reaches past them to the next steps. SKIP LOCKED never
        // waits, so the order of these locks cannot close a cycle with anyone's
        Map<UUID, UUID> held = new java.util.LinkedHashMap<>();
        jdbc.sql("""
                SELECT s.id, r.id AS run_id
                FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS c(id, n)
                CROSS JOIN LATERAL (""" + BY_PRIMARY_KEY + """
                ) s
                JOIN runs r ON r.id = s.run_id AND r.workspace_id = s.workspace_id
                WHERE s.status = 'queued'
                ORDER BY c.n LIMIT :limit
                FOR NO KEY UPDATE OF r SKIP LOCKED""")
                .param("ws", workspaceIds.toArray(UUID[]::new)).param("ids", stepIds.toArray(UUID[]::new))
                .param("limit", limit)
                .query(rs -> {
                    held.put(rs.getObject("id", UUID.class), rs.getObject("run_id", UUID.class));
                });
        return held;
    }

    /**
     * The second half: in one statement, those of {@code steps} whose run we hold that are still queued and
     * within the edge's hard constraints are locked, at most {@code limit}, oldest first, each with the next
     * epoch. The caller moves them to running with their leases through {@code Runs} (one row update each).
     * <p>Each step is looked up by its whole primary key, and only by it: the conditions are applied outside the
     * lookup ({@code OFFSET 0} keeps them out). Inside it, {@code status = 'queued'} made the queue's partial
     * index eligible, and statistics taken before the queue grew priced that index as empty: the claim then
     * walked the workspace's queue for every step (160 buffers and 6 ms for a claim of 60 at 10,000 waiting,
     * against 5 and 0.4 ms). So the lock is taken on every step found, before the conditions; that is harmless,
     * since we hold their runs and every change to a step locks its run first, so they are still queued and
     * nobody else can be waiting for them. There are no more of them than {@code limit}.
     */
    List<Claimed> claim(Collection<Ready> steps, Collection<UUID> runs, Collection<UUID> workspaceIds,
                        Collection<String> capabilities, Map<String, String> labels, Instant now, int limit) {
        return jdbc.sql("""
                SELECT s.id, s.workspace_id, s.run_id, s.key, s.handler, s.action, s.input, s.attempt,
                       s.lease_epoch + 1 AS lease_epoch, s.version, s.checkpoint
                FROM unnest(CAST(:stepWs AS uuid[]), CAST(:ids AS uuid[])) AS c(ws, id)
                CROSS JOIN LATERAL (
                    SELECT * FROM steps WHERE workspace_id = c.ws AND id = c.id OFFSET 0) s
                WHERE s.workspace_id = ANY(:ws) AND s.run_id = ANY(:runs) AND s.status = 'queued'
                  AND s.handler = ANY(:caps) AND s.placement_require <@ CAST(:labels AS jsonb)
                  AND (s.not_before IS NULL OR s.not_before <= :now)
                ORDER BY s.updated_at, s.id LIMIT :limit
                FOR NO KEY UPDATE OF s SKIP LOCKED""")
                .param("stepWs", steps.stream().map(Ready::workspaceId).toArray(UUID[]::new))
                .param("ids", steps.stream().map(Ready::id).toArray(UUID[]::new))
                .param("runs", runs.toArray(UUID[]::new))
                .param("ws", workspaceIds.toArray(UUID[]::new)).param("caps", capabilities.toArray(String[]::new))
                .param("labels", Json.write(labels)).param("now", at(now)).param("limit", limit)
                .query((rs, n) -> new Claimed(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                        rs.getObject("run_id", UUID.class), rs.getString("key"), rs.getString("handler"),
                        rs.getString("action"), Rows.json(rs, "input"), rs.getInt("attempt"),
                        rs.getLong("lease_epoch"), rs.getLong("version"), Rows.json(rs, "checkpoint")))
                .list()
                .stream().sorted(java.util.Comparator.comparing(Claimed::runId).thenComparing(Claimed::id)).toList();
    }

    record Extended(UUID stepId, long epoch) {}

    /** Extends the leases that are still this edge's at these epochs; answers those it extended. */
    List<Extended> extend(UUID edgeId, List<UUID> stepIds, List<Long> epochs, Instant expiresAt) {
        if (stepIds.isEmpty()) {
            return List.of();
        }
        // rows locked in id order first, as a batch of results locks them (see lockSteps): the update alone
        // would lock them in whatever order its join yields
        jdbc.sql("""
                SELECT id FROM steps WHERE edge_id = :edge AND lease_expires_at IS NOT NULL AND id = ANY(:ids)
                ORDER BY id FOR NO KEY UPDATE""")
                .param("ids", stepIds.toArray(UUID[]::new)).param("edge", edgeId).query(UUID.class).list();
        return jdbc.sql("""
                UPDATE steps s SET lease_expires_at = :expires
                FROM unnest(CAST(:ids AS uuid[]), CAST(:epochs AS bigint[])) AS r(id, epoch)
                WHERE s.id = r.id AND s.lease_epoch = r.epoch AND s.edge_id = :edge
                  AND s.lease_expires_at IS NOT NULL AND s.status IN ('running', 'blocked')
                RETURNING s.id, s.lease_epoch""")
                .param("expires", at(expiresAt)).param("ids", stepIds.toArray(UUID[]::new))
                .param("epochs", epochs.toArray(Long[]::new)).param("edge", edgeId)
                .query((rs, n) -> new Extended(rs.getObject("id", UUID.class), rs.getLong("lease_epoch"))).list();
    }

    /** A step as a report about it sees it, read after its run was locked. */
    record Held(UUID id, UUID workspaceId, UUID runId, String key, StepStatus status, UUID edgeId, long epoch,
                Instant leaseExpiresAt, int attempt, long version, Integer maxAttempts, Integer backoffSeconds) {
        boolean heldBy(UUID edge, long reportedEpoch) {
            return edge.equals(edgeId) && epoch == reportedEpoch && leaseExpiresAt != null
                    && (status == StepStatus.RUNNING || status == StepStatus.BLOCKED);
        }
    }

    /**
     * Locks the run of a step in one of {@code workspaceIds} (every change to a run takes this lock first),
     * then reads the step; empty when no such step is visible there.
     */
    Optional<Held> lockStep(Collection<UUID> workspaceIds, UUID stepId) {
        Optional<UUID> run = jdbc.sql("""
                SELECT r.id FROM runs r JOIN steps s ON s.workspace_id = r.workspace_id AND s.run_id = r.id
                WHERE s.id = :step AND s.workspace_id = ANY(:ws)
                FOR NO KEY UPDATE OF r""")
                .param("step", stepId).param("ws", workspaceIds.toArray(UUID[]::new)).query(UUID.class).optional();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT * FROM steps WHERE id = :step AND workspace_id = ANY(:ws)")
                .param("step", stepId).param("ws", workspaceIds.toArray(UUID[]::new)).query(LeaseStore::held).optional();
    }

    /**
     * {@link #lockStep} for several steps: locks their runs in id order (two batches never wait for each other
     * in a cycle), then the steps in id order; answers those visible in {@code workspaceIds}, by id.
     */
    Map<UUID, Held> lockSteps(Collection<UUID> workspaceIds, Collection<UUID> stepIds) {
        // each step's workspace, found with its run's lock (a run locked once per step of it changes nothing)
        List<UUID> ids = new ArrayList<>();
        List<UUID> ws = new ArrayList<>();
        jdbc.sql("""
                SELECT s.id, s.workspace_id
                FROM unnest(CAST(:ids AS uuid[])) AS c(id)
                CROSS JOIN LATERAL (""" + BY_PRIMARY_KEY + """
                ) s
                JOIN runs r ON r.id = s.run_id AND r.workspace_id = s.workspace_id
                ORDER BY r.id
                FOR NO KEY UPDATE OF r""")
                .param("ws", workspaceIds.toArray(UUID[]::new)).param("ids", stepIds.toArray(UUID[]::new))
                .query(rs -> {
                    ids.add(rs.getObject("id", UUID.class));
                    ws.add(rs.getObject("workspace_id", UUID.class));
                });
        // the steps too, in id order, before any of them is changed: a heartbeat locks an edge's steps in the
        // same order, so a batch and a heartbeat about the same steps never wait for each other in a cycle
        Map<UUID, Held> held = new java.util.HashMap<>();
        jdbc.sql("""
                SELECT s.* FROM steps s
                JOIN unnest(CAST(:ws AS uuid[]), CAST(:ids AS uuid[])) AS k(ws, id) ON s.workspace_id = k.ws AND s.id = k.id
                ORDER BY s.id FOR NO KEY UPDATE OF s""")
                .param("ws", ws.toArray(UUID[]::new)).param("ids", ids.toArray(UUID[]::new)).query(LeaseStore::held).list()
                .forEach(h -> held.put(h.id(), h));
        return held;
    }

    /** A step visible to an edge, read without locks. */
    Optional<Held> find(Collection<UUID> workspaceIds, UUID stepId) {
        return jdbc.sql("SELECT * FROM steps WHERE id = :step AND workspace_id = ANY(:ws)")
                .param("step", stepId).param("ws", workspaceIds.toArray(UUID[]::new)).query(LeaseStore::held).optional();
    }

    /** Running steps whose lease ran out, oldest expiry first. */
    List<Held> expired(Instant now, int limit) {
        return jdbc.sql("""
                SELECT * FROM steps WHERE lease_expires_at < :now AND status IN ('running', 'blocked')
                ORDER BY lease_expires_at LIMIT :limit""")
                .param("now", at(now)).param("limit", limit).query(LeaseStore::held).list();
    }

    /** Running steps leased to an edge (for revocation). */
    List<Held> leasedTo(UUID edgeId) {
        return jdbc.sql("""
                SELECT * FROM steps WHERE edge_id = :edge AND lease_expires_at IS NOT NULL
                  AND status IN ('running', 'blocked')""")
                .param("edge", edgeId).query(LeaseStore::held).list();
    }

    /**
     * Takes the lease away if it is still the one described (same edge and epoch; when {@code expiredBefore} is
     * given, only if it expired before then, so a heartbeat that got in first wins).
     */
    boolean release(UUID workspaceId, UUID stepId, UUID edgeId, long epoch, Instant expiredBefore) {
        return jdbc.sql("""
                UPDATE steps SET lease_expires_at = NULL
                WHERE workspace_id = :ws AND id = :id AND edge_id = :edge AND lease_epoch = :epoch
                  AND lease_expires_at IS NOT NULL
                  AND (CAST(:before AS timestamptz) IS NULL OR lease_expires_at < :before)""")
                .param("ws", workspaceId).param("id", stepId).param("edge", edgeId).param("epoch", epoch)
                .param("before", at(expiredBefore)).update() == 1;
    }

    void holdBack(UUID workspaceId, UUID stepId, Instant notBefore) {
        jdbc.sql("UPDATE steps SET not_before = :at WHERE workspace_id = :ws AND id = :id")
                .param("at", at(notBefore)).param("ws", workspaceId).param("id", stepId).update();
    }

    void storeCheckpoint(UUID workspaceId, UUID stepId, JsonNode checkpoint) {
        jdbc.sql("UPDATE steps SET checkpoint = CAST(:cp AS jsonb) WHERE workspace_id = :ws AND id = :id")
                .param("cp", Json.write(checkpoint)).param("ws", workspaceId).param("id", stepId).update();
    }

    /**
     * Queued, ready steps for which no active edge fits at all, not yet reported as unplaced. Only in
     * workspaces that have an edge: one without any fleet (the interim worker API) is not told so on every run.
     * Every sweep runs this, so it reads only steps not reported yet, through their own indexes (V112): the
     * distinct (workspace, handler) pairs by a skip scan (one probe per pair), then every step of a pair no active
     * edge runs, and of the other pairs only the steps that require labels. Reading the whole queue for its
     * distinct (workspace, handler, labels) cost 187 ms a pass at 100,000 waiting.
     */
    static final String UNPLACED = """
            WITH RECURSIVE pairs AS (
                (SELECT workspace_id, handler FROM steps WHERE status = 'queued' AND unplaced_reason IS NULL
                 ORDER BY workspace_id, handler LIMIT 1)
                UNION ALL
                SELECT n.workspace_id, n.handler FROM pairs p CROSS JOIN LATERAL (
                    SELECT workspace_id, handler FROM steps
                    WHERE status = 'queued' AND unplaced_reason IS NULL
                      AND (workspace_id, handler) > (p.workspace_id, p.handler)
                    ORDER BY workspace_id, handler LIMIT 1) n),
            served AS (
                SELECT p.workspace_id, p.handler,
                       EXISTS (SELECT 1 FROM edges e JOIN edge_workspaces w ON w.edge_id = e.id
                               WHERE w.workspace_id = p.workspace_id AND e.state = 'active'
                                 AND p.handler = ANY(e.capabilities)) AS runnable
                FROM pairs p
                WHERE EXISTS (SELECT 1 FROM edges e JOIN edge_workspaces w ON w.edge_id = e.id
                              WHERE w.workspace_id = p.workspace_id AND e.state <> 'revoked'))
            -- two branches, not one with an OR, so that each matches its own partial index
            SELECT s.* FROM (
                SELECT s.* FROM served p CROSS JOIN LATERAL (
                    SELECT id, workspace_id, run_id, key, handler, placement_require, placement_prefer,
                           updated_at AS ready_since
                    FROM steps s
                    WHERE s.status = 'queued' AND s.unplaced_reason IS NULL
                      AND s.workspace_id = p.workspace_id AND s.handler = p.handler
                      AND (s.not_before IS NULL OR s.not_before <= :now)
                    ORDER BY s.updated_at LIMIT :limit) s
                WHERE NOT p.runnable
                UNION ALL
                SELECT s.* FROM served p CROSS JOIN LATERAL (
                    SELECT id, workspace_id, run_id, key, handler, placement_require, placement_prefer,
                           updated_at AS ready_since
                    FROM steps s
                    WHERE s.status = 'queued' AND s.unplaced_reason IS NULL AND s.placement_require <> '{}'::jsonb
                      AND s.workspace_id = p.workspace_id AND s.handler = p.handler
                      AND (s.not_before IS NULL OR s.not_before <= :now)
                      AND NOT EXISTS (SELECT 1 FROM edges e JOIN edge_workspaces w ON w.edge_id = e.id
                                      WHERE w.workspace_id = s.workspace_id AND e.state = 'active'
                                        AND s.handler = ANY(e.capabilities) AND s.placement_require <@ e.labels)
                    ORDER BY s.updated_at LIMIT :limit) s
                WHERE p.runnable) s
            ORDER BY s.ready_since LIMIT :limit""";

    List<Ready> unplaced(Instant now, int limit) {
        return jdbc.sql(UNPLACED)
                .param("now", at(now)).param("limit", limit)
                .query(LeaseStore::readyRow)
                .list();
    }

    /**
     * Records why each of {@code reasons}' steps waits, for those still queued and not yet reported; answers
     * the ids it recorded. Each step is found by its primary key alone and updated by its row's address: with
     * {@code status = 'queued' AND unplaced_reason IS NULL} on the updated table, the sweep's own partial
     * indexes were eligible, and under statistics that lag a growing queue one was walked for every step (as
     * the claim's lookup was, {@link #claim}). A step moved since it was read has a new row version, which the
     * address no longer matches: it is passed over.
     */
    Set<UUID> markUnplaced(Map<Ready, String> reasons) {
        List<Ready> steps = List.copyOf(reasons.keySet());
        return new java.util.HashSet<>(jdbc.sql("""
                UPDATE steps s SET unplaced_reason = f.reason
                FROM (SELECT t.ctid AS address, u.reason
                      FROM unnest(CAST(:ws AS uuid[]), CAST(:ids AS uuid[]), CAST(:reasons AS text[])) AS u(ws, id, reason)
                      CROSS JOIN LATERAL (
                          SELECT ctid, status, unplaced_reason FROM steps WHERE workspace_id = u.ws AND id = u.id
                          OFFSET 0) t
                      WHERE t.status = 'queued' AND t.unplaced_reason IS NULL) f
                WHERE s.ctid = f.address
                RETURNING s.id""")
                .param("ws", steps.stream().map(Ready::workspaceId).toArray(UUID[]::new))
                .param("ids", steps.stream().map(Ready::id).toArray(UUID[]::new))
                .param("reasons", steps.stream().map(reasons::get).toArray(String[]::new))
                .query(UUID.class).list());
    }

    /** A row with the columns of a {@link Ready}. */
    private static Ready readyRow(ResultSet rs, int n) throws SQLException {
        return new Ready(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                rs.getObject("run_id", UUID.class), rs.getString("key"), rs.getString("handler"),
                Rows.labels(rs, "placement_require"), Rows.labels(rs, "placement_prefer"), instant(rs, "ready_since"));
    }

    static Held held(ResultSet rs, int n) throws SQLException {
        return new Held(rs.getObject("id", UUID.class), rs.getObject("workspace_id", UUID.class),
                rs.getObject("run_id", UUID.class), rs.getString("key"), StepStatus.fromWire(rs.getString("status")),
                rs.getObject("edge_id", UUID.class), rs.getLong("lease_epoch"), instant(rs, "lease_expires_at"),
                rs.getInt("attempt"), rs.getLong("version"), Rows.nullableInt(rs, "max_attempts"),
                Rows.nullableInt(rs, "backoff_seconds"));
    }
}
