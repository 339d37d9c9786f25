package io.octvex.server.fleet;

import io.octvex.protocol.Checkpoint;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.HeartbeatAck;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRef;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.ResultBatch;
import io.octvex.protocol.ResultBatchAck;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepUpdate;
import io.octvex.server.approval.Gate;
import io.octvex.server.credential.CredentialLeases;
import io.octvex.server.database.GenericPlans;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Leasing: an edge asks for work and long-polls until steps it may take are queued; each claim picks steps
 * by the placement rules, passes each through the policy {@link Gate}, and moves those it admits to running
 * with a lease at the next fencing epoch through the {@link Runs} facade, all in one transaction. Heartbeats
 * extend the leases that are still the edge's.
 * No connection is held while a request waits.
 */
@Service
class Leases {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);
    static final int MAX_WAIT_SECONDS = 30;
    static final int MAX_HEARTBEAT_LEASES = 1000;
    static final Duration CONTENDED_RETRY = Duration.ofMillis(5);

    private final FleetStore fleet;
    private final LeaseStore leases;
    private final Runs runs;
    private final StepWakeups wakeups;
    private final TransactionTemplate tx;
    private final FleetProperties properties;
    private final PlacementScorer scorer;
    private final Clock clock;
    private final Gate gate;
    private final CredentialLeases credentials;
    private final StepReports reports;
    private final GenericPlans plans;

    Leases(FleetStore fleet, LeaseStore leases, Runs runs, StepWakeups wakeups,
           TransactionTemplate tx, FleetProperties properties, Clock clock, Gate gate, CredentialLeases credentials,
           StepReports reports, GenericPlans plans) {
        this.reports = reports;
        this.plans = plans;
        this.gate = gate;
        this.credentials = credentials;
        this.fleet = fleet;
        this.leases = leases;
        this.runs = runs;
        this.wakeups = wakeups;
        this.tx = tx;
        this.properties = properties;
        this.scorer = new PlacementScorer(properties.liveWindow());
        this.clock = clock;
    }

    LeaseBatch lease(AuthenticatedEdge edge, LeaseRequest request) throws InterruptedException {
        if (request == null) {
            throw ApiException.badRequest("a lease request needs a body: {\"maxSteps\": 1, \"waitSeconds\": 20}");
        }
        if (request.waitSeconds() < 0 || request.waitSeconds() > MAX_WAIT_SECONDS) {
            throw ApiException.badRequest("'waitSeconds' must be between 0 and " + MAX_WAIT_SECONDS + ", got "
                    + request.waitSeconds());
        }
        if (request.maxSteps() < 1 || request.maxSteps() > PlacementScorer.leaseLimit(EdgeInputs.MAX_CAPACITY)) {
            throw ApiException.badRequest("'maxSteps' must be between 1 and the edge's free slots, got "
                    + request.maxSteps());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(request.waitSeconds()).toNanos();
        long contendedWait = CONTENDED_RETRY.toNanos();
        while (true) {
            if (wakeups.closing()) { // shutting down: hand out nothing, let the edge ask another replica
                return new LeaseBatch(List.of(), false);
            }
            long seen = wakeups.generation(edge.workspaceIds());
            Attempt attempt = tx.execute(status -> claim(edge.id(), request.maxSteps()));
            if (attempt.state() == EdgeState.DRAINING) {
                return new LeaseBatch(List.of(), true);
            }
            if (!attempt.leases().isEmpty()) {
                return new LeaseBatch(attempt.leases(), false);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new LeaseBatch(List.of(), false);
            }
            if (attempt.contended()) {
                // there is work, but other transactions held every run we chose: they commit within milliseconds
                // and nothing would wake us (no step becomes queued), so look again almost at once; doubling
                // while it lasts, up to the poll interval, so a run locked for long is not a busy loop
                wakeups.await(edge.workspaceIds(), seen, Duration.ofNanos(Math.min(left, contendedWait)));
                contendedWait = Math.min(contendedWait * 2, properties.pollInterval().toNanos());
                continue;
            }
            contendedWait = CONTENDED_RETRY.toNanos();
            long untilGraceEnds = attempt.graceEnds() == null ? Long.MAX_VALUE
                    : Math.max(0, Duration.between(clock.instant(), attempt.graceEnds()).toNanos()) + 1_000_000;
            Duration wait = Duration.ofNanos(Math.min(Math.min(left, properties.pollInterval().toNanos()),
                    untilGraceEnds));
            wakeups.await(edge.workspaceIds(), seen, wait);
        }
    }

    /** The refill a result batch asks for (0 when none); a 400 before anything of the batch is written. */
    static int refillOf(ResultBatch batch) {
        Integer wanted = batch == null ? null : batch.lease();
        if (wanted == null) {
            return 0;
        }
        if (wanted < 0 || wanted > PlacementScorer.leaseLimit(EdgeInputs.MAX_CAPACITY)) {
            throw ApiException.badRequest("'lease' must be between 0 and the edge's free slots (at most "
                    + PlacementScorer.leaseLimit(EdgeInputs.MAX_CAPACITY) + "), got " + wanted);
        }
        return wanted;
    }

    /**
     * A result report ({@code POST /edge/results}) with the refill it asks for ({@link ResultBatch#lease()}):
     * the results and one claim (no wait) for the slots they free, in one transaction (ADR 0035), so a busy
     * edge's cycle costs one commit and one lock of the chain head. The claim follows the results, so the
     * slots they freed count as free; its locks come after theirs (run, step, then the edge row, then the
     * workspace's claim turn; the runs it claims are taken with SKIP LOCKED), the order every other transaction
     * follows.
     * <p>
     * Results must be recorded whatever happens to the claim: if that transaction fails (a revocation in
     * between, a deadlock victim, any error), nothing of it was written, so the results are recorded again on
     * their own and the claim tried after them in a transaction of its own ({@link #refill}).
     */
    ResultBatchAck report(AuthenticatedEdge edge, ResultBatch batch) {
        int wanted = refillOf(batch);
        StepReports.CheckedBatch checked = reports.check(batch); // 400s before anything is written
        if (wanted == 0 || wakeups.closing()) {
            return recordAlone(edge, checked);
        }
        try {
            return tx.execute(status -> {
                ResultBatchAck recorded = reports.record(edge, checked);
                Attempt attempt = claim(edge.id(), wanted);
                return refilled(recorded, attempt);
            });
        } catch (RuntimeException e) {
            LOG.debug("results of edge {} with their refill failed ({}); recording them alone", edge.id(),
                    e.getMessage());
            return refill(edge, recordAlone(edge, checked), wanted);
        }
    }

    /** The answer to a report: its outcomes, the steps leased in the slots it freed, and whether to drain. */
    private static ResultBatchAck refilled(ResultBatchAck recorded, Attempt attempt) {
        return new ResultBatchAck(recorded.outcomes(), attempt.leases(), attempt.state() == EdgeState.DRAINING);
    }

    private ResultBatchAck recordAlone(AuthenticatedEdge edge, StepReports.CheckedBatch checked) {
        return tx.execute(status -> reports.record(edge, checked));
    }

    /**
     * The refill after results recorded in a transaction of their own: one claim, no wait. Those results stay
     * recorded whatever happens here: a claim that fails (the database gone, a revocation in between) leaves
     * the answer without leases, and the edge's lease loop asks again.
     */
    private ResultBatchAck refill(AuthenticatedEdge edge, ResultBatchAck recorded, int wanted) {
        try {
            Attempt attempt = tx.execute(status -> claim(edge.id(), wanted));
            return refilled(recorded, attempt);
        } catch (RuntimeException e) {
            LOG.warn("no refill for edge {} after its results: {}", edge.id(), e.getMessage());
            return recorded;
        }
    }

    /**
     * What one claim got. {@code graceEnds}: the earliest end of the grace period of a step this edge passed
     * over for a better-scoring edge; nothing signals that moment, so the long-poll looks again then.
     */
    record Attempt(EdgeState state, List<Lease> leases, Instant graceEnds, boolean contended) {
        Attempt(EdgeState state, List<Lease> leases) {
            this(state, leases, null, false);
        }
    }

    /** One claim attempt, in the caller's transaction. */
    Attempt claim(UUID edgeId, int maxSteps) {
        plans.forThisTransaction();
        Instant now = now();
        // locked, seen and counted in one statement (a revoked edge's update is rolled back with the 401)
        FleetStore.Loaded loaded = fleet.touch(edgeId, now)
                .orElseThrow(() -> ApiException.unauthorized("the edge is unknown"));
        FleetStore.EdgeRow edge = loaded.edge();
        if (edge.state() == EdgeState.REVOKED) {
            throw ApiException.unauthorized("the edge was revoked; enrol it again");
        }
        if (edge.state() != EdgeState.ACTIVE) {
            return new Attempt(edge.state(), List.of());
        }
        int active = loaded.activeLeases();
        int wanted = Math.min(maxSteps, PlacementScorer.leaseLimit(edge.capacity()) - active);
        if (wanted <= 0) {
            return new Attempt(edge.state(), List.of());
        }
        // one claim at a time per workspace (ADR 0042): concurrent claims read the same oldest steps, and all but
        // one then came back empty or split into small claims while the first held those runs
        leases.takeClaimTurn(edge.workspaceIds());
        List<LeaseStore.Ready> ready = leases.ready(edge.workspaceIds(), edge.capabilities(), edge.labels(), now,
                wanted * 4 + 20);
        if (ready.isEmpty()) {
            return new Attempt(edge.state(), List.of());
        }
        // placement: score every live candidate; take a step when this edge is its best candidate, or when the
        // best has had it on offer for longer than the grace period
        Set<UUID> workspaces = new HashSet<>();
        ready.forEach(r -> workspaces.add(r.workspaceId()));
        List<FleetStore.EdgeRow> others = new ArrayList<>();
        Map<UUID, Integer> load = new HashMap<>();
        for (FleetStore.Loaded other : fleet.loadedCandidates(workspaces)) {
            others.add(other.edge());
            load.put(other.edge().id(), other.activeLeases());
        }
        load.put(edgeId, active);
        Map<UUID, Decision> chosen = new LinkedHashMap<>();
        Instant graceEnds = null;
        for (LeaseStore.Ready step : ready) {
            if (chosen.size() >= 2 * wanted) { // as many again in reserve, for when other claims hold the first ones' runs
                break;
            }
            List<PlacementScorer.Candidate> candidates = new ArrayList<>();
            for (FleetStore.EdgeRow other : others) {
                candidates.add(new PlacementScorer.Candidate(other.id().equals(edgeId) ? refreshed(edge, now) : other,
                        load.getOrDefault(other.id(), 0)));
            }
            if (others.stream().noneMatch(o -> o.id().equals(edgeId))) {
                candidates.add(new PlacementScorer.Candidate(refreshed(edge, now), active));
            }
            List<PlacementScorer.Score> ranked = scorer.rank(candidates, step.needs(), now);
            PlacementScorer.Score mine = ranked.stream().filter(s -> s.edgeId().equals(edgeId)).findFirst().orElse(null);
            if (mine == null) {
                continue;
            }
            PlacementScorer.Score first = ranked.getFirst();
            boolean best = first.edgeId().equals(edgeId)
                    || first.score() <= mine.score() && first.freeSlot() == mine.freeSlot();
            Instant stepGraceEnds = step.readySince().plus(properties.placementGrace());
            boolean graceOver = stepGraceEnds.isBefore(now);
            if (!best && !graceOver && (graceEnds == null || stepGraceEnds.isBefore(graceEnds))) {
                graceEnds = stepGraceEnds;
            }
            if (best || graceOver) {
                chosen.put(step.id(), new Decision(step, mine, ranked.subList(0, Math.min(3, ranked.size())),
                        best ? "best score" : "best-scoring edge did not take it within the grace period"));
                load.merge(edgeId, 1, Integer::sum);
                active++;
            } else {
                // left for the better edge, and counted against it: once this pass has left it as many steps as
                // it has room for, the next ones may come here (ADR 0039)
                load.merge(first.edgeId(), 1, Integer::sum);
            }
        }
        if (chosen.isEmpty()) {
            return new Attempt(edge.state(), List.of(), graceEnds, false);
        }
        Instant expiresAt = now.plus(properties.leaseTtl());
        // the runs of the first chosen steps no other transaction holds (SKIP LOCKED): a run another edge's
        // report, a cancel or the gate is changing is passed over, not waited for
        Map<UUID, UUID> held = leases.lockRuns(List.copyOf(chosen.keySet()), edge.workspaceIds(), wanted);
        boolean contended = held.size() < Math.min(wanted, chosen.size());
        List<Gate.Candidate> candidates = new ArrayList<>();
        for (UUID stepId : held.keySet()) {
            LeaseStore.Ready step = chosen.get(stepId).step();
            candidates.add(new Gate.Candidate(step.workspaceId(), step.runId(), step.id()));
        }
        List<LeaseStore.Ready> admitted = new ArrayList<>();
        gate.admitAll(candidates).forEach((stepId, outcome) -> {
            switch (outcome.admission()) {
                case ADMITTED -> admitted.add(chosen.get(stepId).step());
                case DEFERRED -> leases.holdBack(chosen.get(stepId).step().workspaceId(), stepId, outcome.notBefore());
                default -> { } // held for approval, refused, or moved meanwhile: the gate recorded it
            }
        });
        if (admitted.isEmpty()) {
            return new Attempt(edge.state(), List.of(), null, contended);
        }
        List<LeaseStore.Claimed> claimed = leases.claim(admitted, new HashSet<>(held.values()), edge.workspaceIds(),
                edge.capabilities(), edge.labels(), now, wanted);
        // every claimed step to running with its lease (one row update each), and each run with it, in a fixed
        // number of statements; each move is recorded as the step's placement
        runs.updateSteps(claimed.stream().map(c -> new Runs.StepReport(c.workspaceId(), c.runId(), c.id(),
                new StepUpdate(StepStatus.RUNNING, null, null, c.version()),
                new Runs.StepLease(edgeId, c.epoch(), expiresAt, placement(chosen.get(c.id()), edge, c.epoch()))))
                .toList(), null);
        List<Lease> granted = new ArrayList<>();
        for (LeaseStore.Claimed c : claimed) {
            granted.add(new Lease(c.workspaceId(), c.runId(), c.id(), c.key(), c.handler(), c.action(), c.input(),
                    c.attempt(), c.epoch(), expiresAt, checkpoint(c.checkpoint()),
                    credentials.grant(c.workspaceId(), c.runId(), c.id(), edgeId, c.epoch(), c.handler(),
                            c.input())));
        }
        return new Attempt(edge.state(), granted, null, contended && granted.isEmpty());
    }

    /** Why a step went to {@code edge}: the data its {@code step.placed} event adds to the move. */
    private static Map<String, Object> placement(Decision d, FleetStore.EdgeRow edge, long epoch) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("edgeId", edge.id().toString());
        data.put("edgeName", edge.name());
        data.put("score", d.score().score());
        data.put("breakdown", d.score().breakdown());
        data.put("rule", d.rule());
        data.put("epoch", epoch);
        data.put("candidates", d.top().stream().map(PlacementScorer.Score::toData).toList());
        return data;
    }

    private record Decision(LeaseStore.Ready step, PlacementScorer.Score score, List<PlacementScorer.Score> top,
                            String rule) {}

    /** The requesting edge is seen right now. */
    private static FleetStore.EdgeRow refreshed(FleetStore.EdgeRow e, Instant now) {
        return new FleetStore.EdgeRow(e.id(), e.name(), e.state(), e.labels(), e.capabilities(), e.capacity(),
                e.softwareVersion(), e.enrolledAt(), now, e.lastHeartbeatAt(), e.latencyMillis(),
                e.consecutiveFailures(), e.workspaceIds(), e.version());
    }

    static Checkpoint checkpoint(tools.jackson.databind.JsonNode stored) {
        if (stored == null || stored.isNull()) {
            return null;
        }
        String at = stored.path("at").asString(null);
        return new Checkpoint(stored.path("summary").asString(null), stored.get("state"),
                at == null ? null : Instant.parse(at));
    }

    HeartbeatAck heartbeat(AuthenticatedEdge edge, Heartbeat heartbeat) {
        if (heartbeat == null) {
            throw ApiException.badRequest("a heartbeat needs a body: {\"leases\": [], \"freeSlots\": 1}");
        }
        List<LeaseRef> refs = heartbeat.leases() == null ? List.of() : heartbeat.leases();
        if (refs.size() > MAX_HEARTBEAT_LEASES) {
            throw ApiException.badRequest("'leases' lists " + refs.size() + " leases; at most "
                    + MAX_HEARTBEAT_LEASES + " are allowed");
        }
        Set<UUID> seenSteps = new LinkedHashSet<>();
        for (LeaseRef ref : refs) {
            if (ref == null || ref.stepId() == null) {
                throw ApiException.badRequest("'leases' entries need a 'stepId' and an 'epoch'");
            }
            if (!seenSteps.add(ref.stepId())) {
                throw ApiException.badRequest("'leases' lists step " + ref.stepId() + " twice");
            }
        }
        if (heartbeat.freeSlots() < 0 || heartbeat.freeSlots() > EdgeInputs.MAX_CAPACITY) {
            throw ApiException.badRequest("'freeSlots' must be between 0 and " + EdgeInputs.MAX_CAPACITY);
        }
        Long rtt = heartbeat.lastRoundTripMillis();
        if (rtt != null && (rtt < 0 || rtt > 600_000)) {
            throw ApiException.badRequest("'lastRoundTripMillis' must be between 0 and 600000");
        }
        return tx.execute(status -> {
            Instant now = now();
            Instant expiresAt = now.plus(properties.leaseTtl());
            // steps before the edge row: the order every transaction touching both follows
            List<LeaseStore.Extended> extended = leases.extend(edge.id(), refs.stream().map(LeaseRef::stepId).toList(),
                    refs.stream().map(LeaseRef::epoch).toList(), expiresAt);
            fleet.heartbeat(edge.id(), now, rtt);
            Set<LeaseRef> kept = new HashSet<>();
            extended.forEach(e -> kept.add(new LeaseRef(e.stepId(), e.epoch())));
            List<LeaseRef> ok = refs.stream().filter(kept::contains).toList();
            List<LeaseRef> lost = refs.stream().filter(r -> !kept.contains(r)).toList();
            EdgeState state = fleet.edge(edge.id()).map(FleetStore.EdgeRow::state).orElse(EdgeState.REVOKED);
            return new HeartbeatAck(ok, lost, expiresAt, state);
        });
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
