package io.octvex.server.run;

import io.octvex.protocol.RunPage;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepUpdate;
import io.octvex.protocol.StepView;
import io.octvex.protocol.SubmitRun;
import io.octvex.protocol.SubmitRuns;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.database.GenericPlans;
import io.octvex.server.web.ApiException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Durable runs: the public facade that controllers and later features (edge leases, policy, approvals) call.
 * Every method is one transaction. A change first locks the run's row (so changes to one run are serialised
 * and decisions over all its steps are consistent), then moves each row with a status- and version-guarded
 * update and appends one audit event per transition in the same transaction. Which status may follow which
 * is decided only by {@link RunTransitions} and {@link StepTransitions}.
 */
@Service
public class Runs {
    /** Step statuses a worker may report through {@link #updateStep}. */
    public static final Set<StepStatus> WORKER_TARGETS =
            EnumSet.of(StepStatus.RUNNING, StepStatus.BLOCKED, StepStatus.COMPLETED, StepStatus.FAILED);
    static final int MAX_ERROR = 2000;
    static final int MAX_REASON = 500;
    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_PAGE = 100;

    private final RunStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectProvider<StepInputCheck> inputChecks;
    private final GenericPlans plans;

    Runs(RunStore store, AuditLog audit, Clock clock, ObjectProvider<StepInputCheck> inputChecks,
         GenericPlans plans) {
        this.store = store;
        this.plans = plans;
        this.audit = audit;
        this.clock = clock;
        this.inputChecks = inputChecks;
    }

    // --- submit and read ----------------------------------------------------------------------------------

    /**
     * Validates the whole submission (400 before anything is written), then stores the run and its steps as
     * their first moves leave them: the run queued ({@code planning → queued}), every step without dependencies
     * queued and the others pending ({@code pending → queued}); each move is in the audit log.
     */
    @Transactional
    public RunView submit(UUID workspaceId, UUID principalId, SubmitRun request) {
        return insert(workspaceId, principalId, plan(workspaceId, request), UUID.randomUUID());
    }

    /** A submit and whether it only found the run an earlier submit with the same key made. */
    public record Submission(RunView run, boolean replayed) {}

    /**
     * {@link #submit} with the client's {@code Idempotency-Key}: the first submit with a key makes the run; a
     * repeat of the same request with the same key (by the same principal, in the same workspace) answers that
     * run and writes nothing. A key reused for a different request is refused (409). A concurrent repeat waits for
     * the first to commit or roll back.
     */
    @Transactional
    public Submission submitOnce(UUID workspaceId, UUID principalId, SubmitRun request, String idempotencyKey) {
        String key = IdempotencyKeys.check(idempotencyKey);
        SubmissionValidator.Plan plan = plan(workspaceId, request);
        byte[] hash = IdempotencyKeys.requestHash(request);
        UUID runId = UUID.randomUUID();
        if (store.claimSubmission(workspaceId, principalId, key, hash, runId, now())) {
            return new Submission(insert(workspaceId, principalId, plan, runId), false);
        }
        RunStore.EarlierSubmission earlier = store.submission(workspaceId, principalId, key)
                .orElseThrow(() -> new IllegalStateException("a claimed Idempotency-Key without its row"));
        if (!MessageDigest.isEqual(earlier.requestHash(), hash)) {
            throw ApiException.conflict("This Idempotency-Key was already used for a different request (run "
                    + earlier.runId() + "); use a new key for a new run.");
        }
        return new Submission(get(workspaceId, earlier.runId()), true);
    }

    /** The checked plan; 400 before anything is written. */
    private SubmissionValidator.Plan plan(UUID workspaceId, SubmitRun request) {
        SubmissionValidator.Plan plan = SubmissionValidator.validate(request);
        for (int i = 0; i < plan.steps().size(); i++) {
            SubmissionValidator.PlannedStep p = plan.steps().get(i);
            String where = "steps[" + i + "]";
            inputChecks.orderedStream().forEach(check -> check.check(workspaceId, where, p.handler(), p.input()));
        }
        return plan;
    }

    private RunView insert(UUID workspaceId, UUID principalId, SubmissionValidator.Plan plan, UUID runId) {
        NewRuns batch = new NewRuns();
        Change change = batch.add(workspaceId, principalId, plan, runId, now());
        batch.store();
        return view(change.run, change.steps);
    }

    /**
     * Runs being submitted in one transaction: each is planned in memory (its rows, its audit events, its moves
     * to queued), then all rows are inserted as those moves leave them, with one statement per table. A new row
     * is never updated in the transaction that makes it: each update would write the row and its index entries
     * again, and only the moves' events are worth keeping.
     */
    private final class NewRuns {
        final List<Change> changes = new ArrayList<>();
        final Map<UUID, SubmissionValidator.PlannedStep> planned = new HashMap<>(); // by step id

        Change add(UUID workspaceId, UUID principalId, SubmissionValidator.Plan plan, UUID runId, Instant now) {
            RunRow run = new RunRow(runId, workspaceId, null, runId, 0, RunStatus.PLANNING, plan.title(), plan.spec(),
                    principalId, now, now, 0);
            List<StepRow> rows = new ArrayList<>();
            for (int i = 0; i < plan.steps().size(); i++) {
                SubmissionValidator.PlannedStep p = plan.steps().get(i);
                StepRow step = new StepRow(UUID.randomUUID(), workspaceId, runId, p.key(), i, p.handler(), p.action(),
                        p.input(), p.dependsOn(), StepStatus.PENDING, 0, null, null, now, now, 0);
                planned.put(step.id(), p);
                rows.add(step);
            }
            // the moves' writes are dropped: store() inserts the rows they leave
            Change change = created(workspaceId, principalId, plan, run, rows, now, new Writes());
            changes.add(change);
            return change;
        }

        void store() {
            if (changes.isEmpty()) {
                return;
            }
            List<RunStore.NewStep> steps = changes.stream().flatMap(c -> c.steps.stream()).map(moved -> {
                SubmissionValidator.PlannedStep p = planned.get(moved.id());
                return new RunStore.NewStep(moved, p.placement(), p.retry());
            }).toList();
            store.insert(changes.stream().map(c -> c.run).toList(), steps);
        }
    }

    private Change created(UUID workspaceId, UUID principalId, SubmissionValidator.Plan plan, RunRow run,
                           List<StepRow> steps, Instant now, Writes writes) {
        UUID runId = run.id();
        audit.append(workspaceId, AuditEntry.ofRun("run.created", runId, null, principalId, Map.of(
                "title", plan.title(),
                "steps", plan.steps().stream().map(s -> Map.of("key", s.key(), "handler", s.handler(),
                        "action", s.action(), "dependsOn", s.dependsOn())).toList())));
        Change change = new Change(workspaceId, principalId, run, steps, now, writes);
        change.moveRun(RunStatus.QUEUED, "submitted");
        for (StepRow step : List.copyOf(change.steps)) {
            if (step.dependsOn().isEmpty()) {
                change.moveStep(step, StepStatus.QUEUED, null, null);
            }
        }
        return change;
    }

    /** Runs in one batch submit. */
    public static final int MAX_SUBMIT_BATCH = 100;

    /**
     * Several submits in one transaction, all or none: every run is checked first (400 naming {@code runs[i]},
     * nothing written), then each keyed run is claimed or found as {@link #submitOnce} does (a key used for a
     * different request refuses the whole batch, 409), and the new runs are stored together: one commit, one
     * chain-head lock and a fixed number of statements for the whole batch. Answers one submission per run, in
     * order.
     */
    @Transactional
    public List<Submission> submitAll(UUID workspaceId, UUID principalId, List<SubmitRuns.Item> items) {
        if (items == null || items.isEmpty() || items.size() > MAX_SUBMIT_BATCH) {
            throw ApiException.badRequest("'runs' must hold 1 to " + MAX_SUBMIT_BATCH + " runs, got "
                    + (items == null ? 0 : items.size()));
        }
        plans.forThisTransaction();
        List<SubmissionValidator.Plan> plans = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            SubmitRuns.Item item = items.get(i);
            String where = "runs[" + i + "]";
            if (item == null) {
                throw ApiException.badRequest("'" + where + "' is empty");
            }
            try {
                plans.add(plan(workspaceId, item.run()));
                keys.add(item.idempotencyKey() == null ? null : IdempotencyKeys.check(item.idempotencyKey()));
            } catch (ApiException e) {
                if (e.status() != org.springframework.http.HttpStatus.BAD_REQUEST) {
                    throw e;
                }
                throw new ApiException(e.status(), e.title(), where + ": " + e.getMessage());
            }
            if (keys.getLast() != null && !seen.add(keys.getLast())) {
                throw ApiException.badRequest("'" + where + ".idempotencyKey' repeats an earlier run's key");
            }
        }
        Instant now = now();
        NewRuns batch = new NewRuns();
        List<Object> answers = new ArrayList<>(); // a Change (new run) or a Submission (replayed)
        for (int i = 0; i < items.size(); i++) {
            UUID runId = UUID.randomUUID();
            String key = keys.get(i);
            if (key != null) {
                byte[] hash = IdempotencyKeys.requestHash(items.get(i).run());
                if (!store.claimSubmission(workspaceId, principalId, key, hash, runId, now)) {
                    RunStore.EarlierSubmission earlier = store.submission(workspaceId, principalId, key)
                            .orElseThrow(() -> new IllegalStateException("a claimed Idempotency-Key without its row"));
                    if (!MessageDigest.isEqual(earlier.requestHash(), hash)) {
                        throw ApiException.conflict("runs[" + i + "]: this idempotency key was already used for a"
                                + " different request (run " + earlier.runId() + "); use a new key for a new run.");
                    }
                    answers.add(new Submission(get(workspaceId, earlier.runId()), true));
                    continue;
                }
            }
            answers.add(batch.add(workspaceId, principalId, plans.get(i), runId, now));
        }
        batch.store();
        return answers.stream().map(a -> a instanceof Change c ? new Submission(view(c.run, c.steps), false)
                : (Submission) a).toList();
    }

    /** The run with its steps in submission order; 404 when it is not a run of this workspace. */
    @Transactional(readOnly = true)
    public RunView get(UUID workspaceId, UUID runId) {
        RunRow run = store.findRun(workspaceId, runId).orElseThrow(() -> ApiException.notFound("run " + runId));
        return view(run, store.steps(workspaceId, runId));
    }

    /** A run named with its workspace. */
    public record RunRef(UUID workspaceId, UUID runId) {}

    /**
     * Several runs with their steps, by run id, in two statements; a run that is not in the workspace named
     * with it is absent. For the policy gate, which decides about the steps of a claim at once.
     */
    @Transactional(readOnly = true)
    public Map<UUID, RunView> getAll(Collection<RunRef> refs) {
        List<RunStore.RunKey> keys = refs.stream().distinct()
                .map(r -> new RunStore.RunKey(r.workspaceId(), r.runId())).toList();
        Map<UUID, List<StepRow>> steps = new HashMap<>();
        store.steps(keys).forEach(s -> steps.computeIfAbsent(s.runId(), k -> new ArrayList<>()).add(s));
        Map<UUID, RunView> views = new LinkedHashMap<>();
        store.findRuns(keys).forEach(r -> views.put(r.id(), view(r, steps.getOrDefault(r.id(), List.of()))));
        return views;
    }

    /**
     * Runs newest first, optionally of one status. {@code before} is the {@code nextBefore} of the previous
     * page (null for the first); {@code nextBefore} of the answer is null on the last page.
     */
    @Transactional(readOnly = true)
    public RunPage list(UUID workspaceId, RunStatus status, int limit, String before) {
        return list(workspaceId, status, null, null, limit, before);
    }

    /** As {@link #list(UUID, RunStatus, int, String)}, of the runs created from {@code from} (inclusive) to {@code to}. */
    @Transactional(readOnly = true)
    public RunPage list(UUID workspaceId, RunStatus status, Instant from, Instant to, int limit, String before) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.badRequest("'limit' must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.badRequest("'from' must be before 'to'");
        }
        RunCursor cursor = before == null ? null : RunCursor.decode(before);
        List<RunRow> rows = store.page(workspaceId, status, from, to, cursor, limit + 1);
        boolean more = rows.size() > limit;
        List<RunRow> page = more ? rows.subList(0, limit) : rows;
        Map<UUID, List<StepRow>> steps = new HashMap<>();
        store.steps(workspaceId, page.stream().map(RunRow::id).toList())
                .forEach(s -> steps.computeIfAbsent(s.runId(), k -> new ArrayList<>()).add(s));
        List<RunView> views = page.stream().map(r -> view(r, steps.getOrDefault(r.id(), List.of()))).toList();
        return new RunPage(views, more ? RunCursor.of(page.getLast()).encode() : null);
    }

    // --- changes ---------------------------------------------------------------------------------------------

    /**
     * A worker's report: the step becomes running, blocked, completed (with its result) or failed (with its
     * error), and the consequences follow in the same transaction: dependants are queued or skipped and the
     * run's status follows its steps. {@code expectedVersion}, when given, must be the step's version (409).
     */
    @Transactional
    public RunView updateStep(UUID workspaceId, UUID runId, UUID stepId, StepUpdate update, UUID principalId) {
        // what the caller cannot see answers 404 before anything about the body is said; the run is locked
        // first (one read fewer than looking and locking apart: this is every step's hot path), and a 400
        // below rolls back with nothing written
        Writes writes = new Writes();
        Change change = store.lockRun(workspaceId, runId)
                .map(run -> new Change(workspaceId, principalId, run, new ArrayList<>(store.steps(workspaceId, runId)), now(),
                        writes))
                .filter(c -> c.steps.stream().anyMatch(s -> s.id().equals(stepId)))
                .orElseThrow(() -> ApiException.notFound("step " + stepId + " of run " + runId));
        RunView view = report(change, stepId, update, null);
        writes.flush();
        return view;
    }

    /**
     * A worker's report about one step, as {@link #updateSteps} takes several; {@code lease}, only with a move
     * to running, is the lease the step is handed with, written in the same row update as the move (ADR 0036).
     */
    public record StepReport(UUID workspaceId, UUID runId, UUID stepId, StepUpdate update, StepLease lease) {
        public StepReport(UUID workspaceId, UUID runId, UUID stepId, StepUpdate update) {
            this(workspaceId, runId, stepId, update, null);
        }
    }

    /**
     * A lease on a step: the edge holding it, its fencing epoch and when it runs out. A step holds one only
     * while running or blocked: every move out of those states ends it (the database checks this). The move it
     * comes with is recorded as the step's {@code step.placed} event, which carries the transition (key, from, to,
     * attempt) and {@code placement}: why the step went to that edge (ADR 0040).
     */
    public record StepLease(UUID edgeId, long epoch, Instant expiresAt, Map<String, ?> placement) {}

    /**
     * {@link #updateStep} for several steps, possibly of several runs and workspaces, in one transaction and
     * with a fixed number of statements: the runs are locked in id order (each with its own workspace), their
     * steps read at once, every report applied in order exactly as {@link #updateStep} applies one, and the
     * moves written with one statement for the steps and one for the runs. Any report refused (404, 400, 409)
     * rolls back the whole batch. Answers the runs as they end, in the order first named.
     */
    @Transactional
    public List<RunView> updateSteps(List<StepReport> reports, UUID principalId) {
        Map<UUID, RunStore.RunKey> keys = new LinkedHashMap<>();
        reports.forEach(r -> keys.putIfAbsent(r.runId(), new RunStore.RunKey(r.workspaceId(), r.runId())));
        Map<UUID, List<StepRow>> steps = new HashMap<>();
        Map<UUID, RunRow> locked = new HashMap<>();
        store.lockRuns(keys.values()).forEach(r -> locked.put(r.id(), r));
        store.steps(keys.values()).forEach(s -> steps.computeIfAbsent(s.runId(), k -> new ArrayList<>()).add(s));
        Writes writes = new Writes();
        Instant now = now();
        Map<UUID, Change> changes = new LinkedHashMap<>();
        for (StepReport r : reports) {
            RunRow run = locked.get(r.runId());
            if (run == null || !run.workspaceId().equals(r.workspaceId())) {
                throw ApiException.notFound("step " + r.stepId() + " of run " + r.runId());
            }
            Change change = changes.computeIfAbsent(r.runId(), id -> new Change(r.workspaceId(), principalId, run,
                    steps.getOrDefault(id, new ArrayList<>()), now, writes));
            if (change.steps.stream().noneMatch(s -> s.id().equals(r.stepId()))) {
                throw ApiException.notFound("step " + r.stepId() + " of run " + r.runId());
            }
            report(change, r.stepId(), r.update(), r.lease());
        }
        writes.flush();
        return changes.values().stream().map(c -> view(c.run, c.steps)).toList();
    }

    /** Checks a worker's report (400) and applies it to the change. */
    private RunView report(Change change, UUID stepId, StepUpdate update, StepLease lease) {
        if (update == null || update.status() == null) {
            throw ApiException.badRequest("'status' is required: one of running, blocked, completed, failed");
        }
        if (!WORKER_TARGETS.contains(update.status())) {
            throw ApiException.badRequest("a worker may move a step to running, blocked, completed or failed, not "
                    + update.status().wire() + (update.status() == StepStatus.CANCELLED ? "; cancel the run instead" : ""));
        }
        if (update.result() != null && !update.result().isNull() && update.status() != StepStatus.COMPLETED) {
            throw ApiException.badRequest("'result' is stored only with status completed");
        }
        if (update.error() != null && update.status() != StepStatus.FAILED) {
            throw ApiException.badRequest("'error' is stored only with status failed");
        }
        JsonNode result = update.result() == null || update.result().isNull() ? null : update.result();
        if (result != null) {
            SubmissionValidator.refuseControls(result, "result");
        }
        if (lease != null && update.status() != StepStatus.RUNNING) {
            throw new IllegalArgumentException("a lease is handed only with a move to running");
        }
        return move(change, stepId, update.status(), update.expectedVersion(), result, cleanError(update.error()),
                lease);
    }

    /**
     * Offers a running step again after its worker was lost ({@code running → queued}); its attempt goes up
     * by one. For the lease sweeper of the edge feature.
     */
    @Transactional
    public RunView requeueStep(UUID workspaceId, UUID runId, UUID stepId, long expectedVersion, UUID principalId) {
        return moveStep(workspaceId, runId, stepId, StepStatus.QUEUED, expectedVersion, null, null, principalId);
    }

    /** The moves the policy gate makes: hold for approval, refuse, or (approved) go on in place. */
    public static final Set<StepStatus> GATE_TARGETS =
            EnumSet.of(StepStatus.BLOCKED, StepStatus.FAILED, StepStatus.QUEUED, StepStatus.RUNNING);

    /**
     * The policy gate's move of a step: {@code queued → blocked} (waiting for approval), {@code queued|blocked →
     * failed} (denied, expired; {@code error} says why; dependants are skipped), {@code blocked → queued}
     * (approved before its lease: the same step is offered again) or {@code running ⇄ blocked} (an action
     * in the middle of a step waits for approval while its edge keeps the lease). The run follows.
     */
    @Transactional
    public RunView gateStep(UUID workspaceId, UUID runId, UUID stepId, StepStatus to, String error,
                            UUID principalId) {
        if (!GATE_TARGETS.contains(to)) {
            throw new IllegalArgumentException("the gate does not move steps to " + to.wire());
        }
        return moveStep(workspaceId, runId, stepId, to, null, null, cleanError(error), principalId);
    }

    /** Cancels every step that has not finished, then the run; 409 when the run has already finished. */
    @Transactional
    public RunView cancel(UUID workspaceId, UUID runId, String reason, UUID principalId) {
        String why = cleanReason(reason);
        Change change = lock(workspaceId, runId, principalId);
        RunTransitions.check(change.run.status(), RunStatus.CANCELLED);
        for (StepRow step : List.copyOf(change.steps)) {
            if (!step.status().terminal()) {
                change.moveStep(step, StepStatus.CANCELLED, null, null);
            }
        }
        change.moveRun(RunStatus.CANCELLED, why);
        change.writes.flush();
        return view(change.run, change.steps);
    }

    /**
     * Moves one step to any status its table allows, with every consequence. The worker API and the lease
     * sweeper go through here; tests use it to drive every pair of the table against the database.
     */
    @Transactional
    RunView moveStep(UUID workspaceId, UUID runId, UUID stepId, StepStatus to, Long expectedVersion,
                     JsonNode result, String error, UUID principalId) {
        Change change = lock(workspaceId, runId, principalId);
        RunView view = move(change, stepId, to, expectedVersion, result, error, null);
        change.writes.flush();
        return view;
    }

    private RunView move(Change change, UUID stepId, StepStatus to, Long expectedVersion, JsonNode result,
                         String error, StepLease lease) {
        StepRow step = change.steps.stream().filter(s -> s.id().equals(stepId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("step " + stepId + " of run " + change.run.id()));
        if (expectedVersion != null && expectedVersion != step.version()) {
            throw ApiException.conflict("step '" + step.key() + "' is at version " + step.version() + ", not "
                    + expectedVersion + ": it changed since it was read; read the run again");
        }
        StepTransitions.check(step.status(), to);
        StepRow moved = change.moveStep(step, to, result, error, lease);
        switch (to) {
            case COMPLETED -> change.activateDependants();
            case FAILED, SKIPPED, CANCELLED -> change.skipDependantsOf(moved);
            default -> { }
        }
        change.settleRun(moved);
        return view(change.run, change.steps);
    }

    // --- the unit of work -----------------------------------------------------------------------------------

    private Change lock(UUID workspaceId, UUID runId, UUID principalId) {
        RunRow run = store.lockRun(workspaceId, runId).orElseThrow(() -> ApiException.notFound("run " + runId));
        return new Change(workspaceId, principalId, run, new ArrayList<>(store.steps(workspaceId, runId)), now(),
                new Writes());
    }

    /**
     * The row changes of one transaction's moves, written together at its end: one statement for the steps and
     * one for the runs, however many moved. Each row is guarded by the status and version it had when first
     * moved here and gets the version it has after the last move, so a row moved twice is written once.
     */
    private final class Writes {
        private final Map<UUID, RunStore.StepMove> steps = new LinkedHashMap<>();
        private final Map<UUID, RunStore.RunMove> runs = new LinkedHashMap<>();

        void step(RunStore.StepMove move) {
            steps.merge(move.stepId(), move, (first, last) -> new RunStore.StepMove(first.workspaceId(),
                    first.stepId(), first.from(), first.expectedVersion(), last.to(), last.newVersion(), last.attempt(),
                    last.result() != null ? last.result() : first.result(),
                    last.error() != null ? last.error() : first.error(), last.at(),
                    last.lease() != null ? last.lease() : first.lease()));
        }

        void run(RunStore.RunMove move) {
            runs.merge(move.runId(), move, (first, last) -> new RunStore.RunMove(first.workspaceId(), first.runId(),
                    first.expectedVersion(), last.to(), last.newVersion(), last.at()));
        }

        void flush() {
            if (store.transitionSteps(List.copyOf(steps.values())) != steps.size()) {
                throw concurrentChange(steps.size() == 1 ? "step '" + steps.values().iterator().next().stepId() + "'"
                        : "one of steps " + steps.keySet());
            }
            if (store.transitionRuns(List.copyOf(runs.values())) != runs.size()) {
                throw concurrentChange(runs.size() == 1 ? "run " + runs.keySet().iterator().next()
                        : "one of runs " + runs.keySet());
            }
            steps.clear();
            runs.clear();
        }
    }

    /** One transaction's view of a locked run and its steps, kept current as rows are moved. */
    private final class Change {
        final UUID workspaceId;
        final UUID principalId;
        final Instant now;
        RunRow run;
        final List<StepRow> steps;
        final Writes writes;

        Change(UUID workspaceId, UUID principalId, RunRow run, List<StepRow> steps, Instant now, Writes writes) {
            this.writes = writes;
            this.workspaceId = workspaceId;
            this.principalId = principalId;
            this.run = run;
            this.steps = steps;
            this.now = now;
        }

        void moveRun(RunStatus to, String reason) {
            RunStatus from = run.status();
            RunTransitions.check(from, to);
            writes.run(new RunStore.RunMove(workspaceId, run.id(), run.version(), to, run.version() + 1, now));
            run = new RunRow(run.id(), run.workspaceId(), run.parentId(), run.rootId(), run.depth(), to, run.title(),
                    run.spec(), run.createdBy(), run.createdAt(), now, run.version() + 1);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("from", from.wire());
            data.put("to", to.wire());
            if (reason != null) {
                data.put("reason", reason);
            }
            audit.append(workspaceId, AuditEntry.ofRun("run.transitioned", run.id(), null, principalId, data));
        }

        /**
         * Every move into {@code queued} is a new offer to a worker, so it counts as a new attempt; except an
         * approved step offered again ({@code blocked → queued}): it never started, it continues in place.
         */
        StepRow moveStep(StepRow step, StepStatus to, JsonNode result, String error) {
            return moveStep(step, to, result, error, null);
        }

        StepRow moveStep(StepRow step, StepStatus to, JsonNode result, String error, StepLease lease) {
            StepStatus from = step.status();
            StepTransitions.check(from, to);
            int attempt = to == StepStatus.QUEUED && from != StepStatus.BLOCKED ? step.attempt() + 1 : step.attempt();
            writes.step(new RunStore.StepMove(workspaceId, step.id(), from, step.version(), to, step.version() + 1,
                    attempt, result, error, now, lease));
            StepRow moved = new StepRow(step.id(), step.workspaceId(), step.runId(), step.key(), step.position(),
                    step.handler(), step.action(), step.input(), step.dependsOn(), to, attempt,
                    result == null ? step.result() : result, error == null ? step.error() : error,
                    step.createdAt(), now, step.version() + 1);
            steps.set(steps.indexOf(step), moved);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("key", step.key());
            data.put("from", from.wire());
            data.put("to", to.wire());
            data.put("attempt", attempt);
            if (error != null) {
                data.put("error", error);
            }
            if (lease != null) { // handed to an edge: one event is the move and the placement (ADR 0040)
                data.putAll(lease.placement());
            }
            audit.append(workspaceId, AuditEntry.ofRun(lease != null ? "step.placed" : "step.transitioned", run.id(),
                    step.id(), principalId, data));
            return moved;
        }

        /** Queues every pending step whose dependencies have all completed. */
        void activateDependants() {
            Set<String> completed = new HashSet<>();
            steps.stream().filter(s -> s.status() == StepStatus.COMPLETED).forEach(s -> completed.add(s.key()));
            for (StepRow step : List.copyOf(steps)) {
                if (step.status() == StepStatus.PENDING && completed.containsAll(step.dependsOn())) {
                    moveStep(step, StepStatus.QUEUED, null, null);
                }
            }
        }

        /** Skips every unfinished step that depends on {@code ended}, directly or through other steps. */
        void skipDependantsOf(StepRow ended) {
            Set<String> doomed = new HashSet<>(Set.of(ended.key()));
            boolean grew = true;
            while (grew) {
                grew = false;
                for (StepRow s : steps) {
                    if (!doomed.contains(s.key()) && s.dependsOn().stream().anyMatch(doomed::contains)) {
                        doomed.add(s.key());
                        grew = true;
                    }
                }
            }
            for (StepRow step : List.copyOf(steps)) {
                if (!step.key().equals(ended.key()) && doomed.contains(step.key()) && !step.status().terminal()) {
                    moveStep(step, StepStatus.SKIPPED, null, null);
                }
            }
        }

        /**
         * The run follows its steps: all finished → completed (every step completed) or failed; any step
         * blocked → blocked; otherwise running once any step has started (a queued run stays queued until then).
         */
        void settleRun(StepRow trigger) {
            RunStatus target;
            String reason;
            if (steps.stream().allMatch(s -> s.status().terminal())) {
                List<String> failed = keys(StepStatus.FAILED);
                if (steps.stream().allMatch(s -> s.status() == StepStatus.COMPLETED)) {
                    target = RunStatus.COMPLETED;
                    reason = "all steps completed";
                } else {
                    target = RunStatus.FAILED;
                    reason = !failed.isEmpty() ? "step" + (failed.size() == 1 ? " " : "s ") + quoted(failed) + " failed"
                            : "steps " + quoted(keys(StepStatus.SKIPPED, StepStatus.CANCELLED)) + " did not complete";
                }
            } else if (steps.stream().anyMatch(s -> s.status() == StepStatus.BLOCKED)) {
                target = RunStatus.BLOCKED;
                reason = "step " + quoted(keys(StepStatus.BLOCKED)) + " is blocked";
            } else if (run.status() == RunStatus.QUEUED) {
                boolean started = steps.stream().anyMatch(s -> s.status() == StepStatus.RUNNING);
                target = started ? RunStatus.RUNNING : RunStatus.QUEUED;
                reason = "step '" + trigger.key() + "' is running";
            } else {
                target = RunStatus.RUNNING;
                reason = "no step is blocked any more";
            }
            if (target != run.status()) {
                moveRun(target, reason);
            }
        }

        private List<String> keys(StepStatus... statuses) {
            Set<StepStatus> wanted = Set.of(statuses);
            return steps.stream().filter(s -> wanted.contains(s.status())).map(StepRow::key).toList();
        }
    }

    private static String quoted(List<String> keys) {
        return String.join(", ", keys.stream().map(k -> "'" + k + "'").toList());
    }

    private static ApiException concurrentChange(String what) {
        return ApiException.conflict(what + " was changed by someone else at the same time; read it again and retry");
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS); // PostgreSQL keeps microseconds
    }

    /** A worker's error is kept, not refused: control characters become U+FFFD and it is cut at 2000 chars. */
    static String cleanError(String error) {
        if (error == null) {
            return null;
        }
        StringBuilder clean = new StringBuilder(Math.min(error.length(), MAX_ERROR));
        for (int i = 0; i < error.length() && clean.length() < MAX_ERROR; i++) {
            char c = error.charAt(i);
            clean.append(Character.isISOControl(c) && c != '\n' && c != '\t' ? '\uFFFD' : c);
        }
        if (error.length() > MAX_ERROR) {
            clean.setLength(MAX_ERROR - 1);
            clean.append('…');
        }
        return clean.toString();
    }

    private static String cleanReason(String reason) {
        if (reason == null || reason.isBlank()) {
            return null;
        }
        String trimmed = reason.strip();
        if (trimmed.length() > MAX_REASON) {
            throw ApiException.badRequest("'reason' has " + trimmed.length() + " characters; at most " + MAX_REASON
                    + " are allowed");
        }
        if (SubmissionValidator.firstControl(trimmed, false) >= 0) {
            throw ApiException.badRequest("'reason' contains a control character; they are not allowed");
        }
        return trimmed;
    }

    static RunView view(RunRow run, List<StepRow> steps) {
        return new RunView(run.id(), run.workspaceId(), run.parentId(), run.rootId(), run.depth(), run.status(),
                run.title(), run.spec(), run.createdBy(), run.createdAt(), run.updatedAt(), run.version(),
                steps.stream().map(Runs::view).toList());
    }

    static StepView view(StepRow s) {
        return new StepView(s.id(), s.key(), s.handler(), s.action(), s.input(), s.dependsOn(), s.status(),
                s.attempt(), s.result(), s.error(), s.updatedAt(), s.version());
    }
}
