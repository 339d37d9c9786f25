package io.octvex.bench;

import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.SubmitRuns;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Governed runs through the API: each a single {@code noop} step, so each passes the policy gate (a recorded
 * decision), is placed and leased to an edge process, runs, and completes, every change with its audit
 * event in the same transaction. Times come from the server's own audit events, read from the database
 * afterwards (the harness reads; it never writes there); the submit time is the client's clock just before
 * the request (same machine, same wall clock).
 */
final class GovernedRuns {
    private static final List<String> TERMINAL = List.of("completed", "failed", "cancelled");

    private final OctvexClient admin;
    private final UUID workspace;
    private final DataSource db;
    private final int fillBatch;

    /** {@code fillBatch} above 1: backlogs are filled through the batch submit, that many runs per request. */
    GovernedRuns(OctvexClient admin, UUID workspace, DataSource db, int fillBatch) {
        this.fillBatch = fillBatch;
        this.admin = admin;
        this.workspace = workspace;
        this.db = db;
    }

    int fillBatch() {
        return fillBatch;
    }

    record Submitted(UUID runId, Instant at) {}

    /** What the audit log says about one run. */
    record Timing(UUID runId, Instant submitted, Instant queued, Instant placed, Instant completed, int events) {}

    /** Submits {@code count} runs as fast as {@code concurrency} clients can; answers them and how long it took. */
    List<Submitted> backlog(int count, int concurrency) throws InterruptedException {
        List<Submitted> submitted = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                clients.submit(() -> {
                    int n = Math.max(1, fillBatch);
                    for (int first = next.getAndAdd(n); first < count; first = next.getAndAdd(n)) {
                        if (n == 1) {
                            submitted.add(submitOne());
                        } else {
                            submitted.addAll(submitSome(Math.min(n, count - first)));
                        }
                    }
                    return null;
                });
            }
        }
        if (submitted.size() != count) {
            throw new IllegalStateException("only " + submitted.size() + " of " + count + " runs were submitted");
        }
        return submitted;
    }

    /** Open loop: one run every 1/{@code perSecond} s for {@code duration}, however long each submit takes. */
    List<Submitted> atRate(double perSecond, Duration duration) throws InterruptedException {
        List<Submitted> submitted = Collections.synchronizedList(new ArrayList<>());
        long interval = (long) (1e9 / perSecond);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long due = start; due < end; due += interval) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                clients.submit(() -> submitted.add(submitOne()));
            }
        }
        return submitted;
    }

    private Submitted submitOne() {
        Instant at = Instant.now();
        StepSpec step = new StepSpec("noop", "noop", "run", Json.tree("{}"), List.of());
        return new Submitted(admin.submitRun(workspace, new SubmitRun("bench", null, List.of(step))).id(), at);
    }

    private List<Submitted> submitSome(int n) {
        Instant at = Instant.now();
        StepSpec step = new StepSpec("noop", "noop", "run", Json.tree("{}"), List.of());
        List<SubmitRuns.Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(SubmitRuns.Item.of(new SubmitRun("bench", null, List.of(step)), null));
        }
        return admin.submitRuns(workspace, new SubmitRuns(items)).runs().stream()
                .map(e -> new Submitted(e.run().id(), at)).toList();
    }

    /**
     * Waits until every run is terminal; fails when some did not finish within {@code timeout}. Each poll reads
     * the status of at most {@link #POLL_WINDOW} runs, the oldest not yet seen finished (runs finish roughly in
     * submission order), so its cost does not grow with the backlog: counting every run each 100 ms cost the
     * database 17 ms per poll at 20,000 runs, charged to PostgreSQL's share of the drain it measured (before
     * 2026-11-24 21:15).
     */
    void awaitFinished(List<Submitted> runs, Duration timeout) throws Exception {
        Set<UUID> left = new LinkedHashSet<>();
        runs.forEach(r -> left.add(r.runId()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!left.isEmpty()) {
            List<UUID> window = left.stream().limit(POLL_WINDOW).toList();
            Set<UUID> done = finished(window);
            left.removeAll(done);
            if (done.size() == window.size()) {
                continue; // the whole window finished: look further at once
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException((runs.size() - left.size()) + " of " + runs.size()
                        + " runs seen finished within " + timeout);
            }
            Thread.sleep(100);
        }
    }

    private static final int POLL_WINDOW = 512;

    private Set<UUID> finished(List<UUID> ids) throws SQLException {
        Set<UUID> done = new HashSet<>();
        // each run by its primary key, the status checked outside the lookup: with it inside, the plan walked the
        // workspace's (workspace_id, status) index, every finished run per poll (6 ms a poll at 20,000 runs,
        // charged to PostgreSQL's share of the drain it measured)
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT r.id FROM unnest(CAST(? AS uuid[])) AS k(id)
                CROSS JOIN LATERAL (SELECT id, status FROM runs WHERE workspace_id = ? AND id = k.id OFFSET 0) r
                WHERE r.status = ANY(?)""")) {
            s.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            s.setObject(2, workspace);
            s.setArray(3, c.createArrayOf("text", TERMINAL.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    done.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return done;
    }

    /** Steps waiting for an edge (queued). */
    long waiting() throws SQLException {
        return workspaceNumber("SELECT count(*) FROM steps WHERE workspace_id = ? AND status = 'queued'");
    }

    /** The workspace's newest event: phases that measure "from now" start after it. */
    long lastSeq() throws SQLException {
        return workspaceNumber("SELECT coalesce(max(seq), 0) FROM events WHERE workspace_id = ?");
    }

    /** One number about this workspace: {@code sql} takes its id as the only parameter. */
    private long workspaceNumber(String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, workspace);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Waits until {@code skip + count} runs completed in events after {@code afterSeq}; answers the span from
     * the {@code skip}-th completion (the first pickup when none is skipped) to the last of them, from the
     * events' times (set at commit).
     */
    Duration awaitCompletions(long afterSeq, int skip, int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                    SELECT CASE WHEN ? = 0
                                THEN (SELECT min(at) FROM events WHERE workspace_id = ? AND type = 'step.placed' AND seq > ?)
                                ELSE (SELECT at FROM events WHERE workspace_id = ? AND type = 'run.transitioned' AND seq > ?
                                      AND data->>'to' = 'completed' ORDER BY seq OFFSET greatest(? - 1, 0) LIMIT 1) END,
                           (SELECT at FROM events WHERE workspace_id = ? AND type = 'run.transitioned' AND seq > ?
                                   AND data->>'to' = 'completed' ORDER BY seq OFFSET ? LIMIT 1)""")) {
                s.setInt(1, skip);
                s.setObject(2, workspace);
                s.setLong(3, afterSeq);
                s.setObject(4, workspace);
                s.setLong(5, afterSeq);
                s.setInt(6, skip);
                s.setObject(7, workspace);
                s.setLong(8, afterSeq);
                s.setInt(9, skip + count - 1);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    Instant first = instant(rs, 1);
                    Instant last = instant(rs, 2);
                    if (first != null && last != null) {
                        return Duration.between(first, last);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(count + " runs did not complete within " + timeout);
            }
            Thread.sleep(500);
        }
    }

    /** Reads each run's queued, placed and completed times from its audit events. */
    List<Timing> timings(List<Submitted> runs) throws SQLException {
        java.util.Map<UUID, Instant> submitted = new java.util.HashMap<>();
        runs.forEach(r -> submitted.put(r.runId(), r.at()));
        List<Timing> timings = new ArrayList<>(runs.size());
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT run_id,
                       min(at) FILTER (WHERE type = 'step.transitioned' AND data->>'to' = 'queued') AS queued,
                       min(at) FILTER (WHERE type = 'step.placed') AS placed,
                       min(at) FILTER (WHERE type = 'run.transitioned' AND data->>'to' = 'completed') AS completed,
                       count(*) AS events
                FROM events WHERE run_id = ANY(?) GROUP BY run_id""")) {
            s.setArray(1, c.createArrayOf("uuid", submitted.keySet().toArray()));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject("run_id", UUID.class);
                    timings.add(new Timing(id, submitted.get(id), instant(rs, "queued"), instant(rs, "placed"),
                            instant(rs, "completed"), rs.getInt("events")));
                }
            }
        }
        long incomplete = timings.stream().filter(t -> t.completed() == null).count();
        if (incomplete > 0 || timings.size() != runs.size()) {
            throw new IllegalStateException(incomplete + " runs did not complete (or have no events)");
        }
        return timings;
    }

    /**
     * How many steps the claims placed and how many runs the result transactions completed, on average: the
     * events of one transaction share one time, so the distinct times of those events count the transactions.
     */
    String transactionSizes(List<Submitted> runs) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT count(*) FILTER (WHERE type = 'step.placed') AS placed,
                       count(DISTINCT at) FILTER (WHERE type = 'step.placed') AS claims,
                       count(*) FILTER (WHERE type = 'run.transitioned' AND data->>'to' = 'completed') AS completed,
                       count(DISTINCT at) FILTER (WHERE type = 'run.transitioned' AND data->>'to' = 'completed')
                           AS completions
                FROM events WHERE run_id = ANY(?)""")) {
            s.setArray(1, c.createArrayOf("uuid", runs.stream().map(Submitted::runId).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return String.format("%d claims placed %.1f steps each; %d result transactions completed %.1f runs each",
                        rs.getLong("claims"), rs.getDouble("placed") / Math.max(1, rs.getLong("claims")),
                        rs.getLong("completions"), rs.getDouble("completed") / Math.max(1, rs.getLong("completions")));
            }
        }
    }

    /** Counts policy decisions recorded for these runs: the proof that each one passed the gate. */
    long decisions(List<Submitted> runs) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM events WHERE type = 'policy.decided' AND run_id = ANY(?)")) {
            s.setArray(1, c.createArrayOf("uuid", runs.stream().map(Submitted::runId).toArray()));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        java.sql.Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
