package io.octvex.bench;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.EventSearch;
import io.octvex.protocol.EventView;
import io.octvex.protocol.Json;
import io.octvex.protocol.OctvexClient;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.protocol.StepSpec;
import io.octvex.protocol.SubmitRun;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The approval path, one sample at a time so samples never queue behind each other: a run whose step the gate
 * holds for approval; the time from the gate's commit (the {@code approval.requested} event's time, set at
 * commit) to that event arriving on the live stream an approver follows; then an approver's vote, and the time
 * from the vote to the step being leased again (the gate's {@code approval.used}) and to the run completing.
 * The Desk's own share (stream → notification) is the Desk benchmark's ({@code ./octvex bench notify}).
 */
final class ApprovalPath {
    /** The starter policy's grant: what the phases after this one run under again. */
    static final String WITHOUT_APPROVALS = """
            grants:
              - id: members
                to: {roles: [owner, admin, operator, agent]}
                actions: ["*"]
            """;
    /** The same grant, and a rule that holds every no-op step for an approver. */
    static final String POLICY = WITHOUT_APPROVALS + """
            rules:
              - id: bench-sign-off
                when: 'action == "noop.run"'
                effect: require_approval
                message: the approval-path benchmark holds every step
                approval: {role: approver, quorum: 1, expires: PT1H}
            """;
    private static final String APPROVER = "bench-approver";
    private static final String APPROVER_PASSWORD = "bench approver password";

    private final OctvexClient admin;
    private final UUID workspace;
    private final DataSource db;

    ApprovalPath(OctvexClient admin, UUID workspace, DataSource db) {
        this.admin = admin;
        this.workspace = workspace;
        this.db = db;
    }

    record Result(int samples, Percentiles commitToStream, Percentiles approveCall, Percentiles approveToLease,
                  Percentiles approveToComplete) {}

    /** Activates {@link #POLICY}: every later no-op step waits for an approval until the caller activates another. */
    Result measure(int samples) throws Exception {
        admin.savePolicy(workspace, POLICY, true);
        admin.createPrincipal(workspace, new CreatePrincipal(PrincipalKind.USER, APPROVER, "Bench Approver",
                APPROVER_PASSWORD, List.of(Role.APPROVER)));
        OctvexClient approver = admin.withToken(admin.login(APPROVER, APPROVER_PASSWORD).token());
        Map<UUID, Arrival> requested = new ConcurrentHashMap<>();
        List<Double> toStream = new ArrayList<>(), call = new ArrayList<>(), toLease = new ArrayList<>(),
                toComplete = new ArrayList<>();
        try (var stream = approver.subscribe(workspace, latest(), event -> {
            if (event.type().equals("approval.requested")) {
                requested.put(event.runId(), new Arrival(event, Instant.now()));
            }
        }, error -> {})) {
            for (int i = 0; i < samples; i++) {
                StepSpec step = new StepSpec("noop", "noop", "run", Json.tree("{}"), List.of());
                UUID run = admin.submitRun(workspace, new SubmitRun("bench approval " + i, null, List.of(step))).id();
                Arrival arrival = await("the approval of run " + run + " on the stream", 1, () -> requested.get(run));
                toStream.add(millis(arrival.event().at(), arrival.at()));
                UUID approval = UUID.fromString(arrival.event().data().get("approvalId").asString());
                Instant approveAt = Instant.now();
                approver.approve(workspace, approval, new DecideApproval(null, null));
                call.add(millis(approveAt, Instant.now()));
                Instant[] after = await("run " + run + " to complete after its approval", 10,
                        () -> leasedAndCompleted(run));
                toLease.add(millis(approveAt, after[0]));
                toComplete.add(millis(approveAt, after[1]));
            }
        }
        return new Result(samples, Percentiles.of(toStream), Percentiles.of(call), Percentiles.of(toLease),
                Percentiles.of(toComplete));
    }

    private record Arrival(EventView event, Instant at) {}

    /** The newest sequence number: the stream starts there, so it does not replay the phases before. */
    private long latest() {
        var page = admin.eventsNewestFirst(workspace, EventSearch.ALL, null, 1);
        return page.events().isEmpty() ? 0 : page.events().getFirst().seq();
    }

    /** The gate letting the approved step through, and the run's completion; null until both happened. */
    private Instant[] leasedAndCompleted(UUID run) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT max(at) FILTER (WHERE type = 'approval.used') AS used,
                       max(at) FILTER (WHERE type = 'run.transitioned' AND data->>'to' = 'completed') AS completed
                FROM events WHERE run_id = ?""")) {
            s.setObject(1, run);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                var used = rs.getTimestamp("used");
                var completed = rs.getTimestamp("completed");
                return used == null || completed == null ? null : new Instant[] {used.toInstant(), completed.toInstant()};
            }
        }
    }

    private interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls every {@code periodMillis}; the times measured come from the events, not from this loop. */
    private static <T> T await(String what, long periodMillis, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(periodMillis);
        }
        throw new IllegalStateException("not within 60 s: " + what);
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }
}
