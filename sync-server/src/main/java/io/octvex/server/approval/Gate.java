package io.octvex.server.approval;

import io.octvex.protocol.ActionVerdict;
import io.octvex.protocol.Json;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Identities;
import io.octvex.server.policy.DecisionInput;
import io.octvex.server.policy.Effect;
import io.octvex.server.policy.GateDecision;
import io.octvex.server.policy.Policies;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import io.octvex.server.workspace.Workspaces;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * The one gate every step passes before an edge may run it. Each action the step performs is decided by the
 * workspace's active policy, as the principal who submitted the run, and recorded ({@code policy.decided}).
 * A deny fails the step (dependants skip); a rate limit defers it; require_approval blocks it and creates
 * the approval in the same transaction, unless an approval already covers that action (approved for this
 * step, or a grant for the same action in this run). Runs in the caller's transaction, which has locked the
 * run (the lease claim).
 */
@Service
public class Gate {
    /** What the gate did with a step. */
    public enum Admission {
        /** Every action is allowed: lease it. */
        ADMITTED,
        /** Blocked: it waits for an approval. */
        HELD,
        /** Denied: the step failed. */
        REFUSED,
        /** Over a rate limit: ask again at {@code notBefore}. */
        DEFERRED,
        /** No longer queued (something else moved it since it was seen): nothing to do. */
        NOT_QUEUED
    }

    public record Outcome(Admission admission, Instant notBefore) {
        static Outcome of(Admission admission) {
            return new Outcome(admission, null);
        }
    }

    private final Runs runs;
    private final Policies policies;
    private final Identities identities;
    private final Workspaces workspaces;
    private final ApprovalStore store;
    private final AuditLog audit;
    private final Clock clock;

    Gate(Runs runs, Policies policies, Identities identities, Workspaces workspaces, ApprovalStore store,
         AuditLog audit, Clock clock) {
        this.runs = runs;
        this.policies = policies;
        this.identities = identities;
        this.workspaces = workspaces;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Outcome admit(UUID workspaceId, UUID runId, UUID stepId) {
        return admitAll(List.of(new Candidate(workspaceId, runId, stepId))).get(stepId);
    }

    /** A queued step a claim wants to lease. */
    public record Candidate(UUID workspaceId, UUID runId, UUID stepId) {}

    /**
     * {@link #admit} for the steps of one claim, by step id in the order given. What is the same for many
     * steps is read once: their runs (one read for all), and per workspace its name, its active policy and the
     * memberships of every submitter, so the statements do not grow with the number of steps that are allowed.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<UUID, Outcome> admitAll(List<Candidate> candidates) {
        Map<UUID, RunView> views = runs.getAll(candidates.stream()
                .map(c -> new Runs.RunRef(c.workspaceId(), c.runId())).toList());
        Map<UUID, Context> contexts = new HashMap<>();
        Map<UUID, Outcome> outcomes = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            RunView run = views.get(c.runId());
            StepView step = run == null || !run.workspaceId().equals(c.workspaceId()) ? null : step(run, c.stepId());
            if (step == null || step.status() != StepStatus.QUEUED) {
                outcomes.put(c.stepId(), Outcome.of(Admission.NOT_QUEUED));
                continue;
            }
            Context context = contexts.computeIfAbsent(c.workspaceId(), ws -> context(ws, views.values().stream()
                    .filter(v -> v.workspaceId().equals(ws)).map(RunView::createdBy).distinct().toList()));
            outcomes.put(c.stepId(), admit(context, run, step));
        }
        return outcomes;
    }

    /** What every decision in one workspace needs, read once per claim. */
    private record Context(DecisionInput.Workspace workspace, Policies.Active policy, Map<UUID, MemberView> members) {}

    private Context context(UUID workspaceId, List<UUID> submitters) {
        return new Context(new DecisionInput.Workspace(workspaceId, workspaces.name(workspaceId).orElse(null)),
                policies.activeFor(workspaceId), identities.members(workspaceId, submitters));
    }

    private Outcome admit(Context context, RunView run, StepView step) {
        UUID workspaceId = run.workspaceId();
        UUID runId = run.id();
        UUID stepId = step.id();
        Verdict verdict = decide(context, run, step, StepActions.of(step));
        switch (verdict) {
            case Verdict.Refused r -> {
                runs.gateStep(workspaceId, runId, stepId, StepStatus.FAILED, r.reason(), null);
                return Outcome.of(Admission.REFUSED);
            }
            case Verdict.Deferred d -> {
                return new Outcome(Admission.DEFERRED, d.until());
            }
            case Verdict.Held h -> {
                request(run, step, h, false);
                return Outcome.of(Admission.HELD);
            }
            case Verdict.Admitted a -> {
                return Outcome.of(Admission.ADMITTED);
            }
        }
    }

    /**
     * What the gate says about one action a running step is about to perform that its input did not name (a
     * redirect, a navigation): the edge asks before it acts. Allowed: go on. Refused or over a rate limit:
     * the edge fails the step with the reason. Require approval: the step is blocked (its lease stays with
     * the edge, which waits) and, once approved, runs on in place.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public ActionVerdict check(UUID workspaceId, UUID runId, UUID stepId, String action, String resource,
                               String method, List<String> headerNames) {
        RunView run = runs.get(workspaceId, runId);
        StepView step = step(run, stepId);
        if (step == null || step.status() != StepStatus.RUNNING) {
            throw ApiException.conflict("the step is not running; nothing may act for it");
        }
        Context context = context(workspaceId, List.of(run.createdBy()));
        Verdict verdict = decide(context, run, step, List.of(new StepActions.Action(action, resource, method,
                headerNames == null ? List.of() : headerNames)));
        return switch (verdict) {
            case Verdict.Refused r -> new ActionVerdict(Effect.DENY.wire(), r.reason(), null, null);
            case Verdict.Deferred d -> new ActionVerdict(Effect.DENY.wire(), d.reason(), null, null);
            case Verdict.Held h -> {
                ApprovalStore.Row approval = request(run, step, h, true);
                yield new ActionVerdict(Effect.REQUIRE_APPROVAL.wire(), h.decision().approval().message(),
                        approval.id(), approval.expiresAt());
            }
            case Verdict.Admitted a -> new ActionVerdict(Effect.ALLOW.wire(), null, null, null);
        };
    }

    /** The gate's answer over all of a step's actions: deny wins, then a rate limit, then approval. */
    private sealed interface Verdict {
        record Refused(String reason) implements Verdict {}

        record Deferred(Instant until, String reason) implements Verdict {}

        record Held(GateDecision decision, DecisionInput input, Instant now) implements Verdict {}

        record Admitted() implements Verdict {}
    }

    private Verdict decide(Context context, RunView run, StepView step, List<StepActions.Action> actions) {
        UUID workspaceId = run.workspaceId();
        Optional<MemberView> submitter = Optional.ofNullable(context.members().get(run.createdBy()));
        if (submitter.isEmpty()) {
            return new Verdict.Refused("refused: whoever submitted the run is no longer a member of this workspace");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        DecisionInput.Principal principal = new DecisionInput.Principal(run.createdBy(),
                submitter.get().principal().name(), submitter.get().principal().kind(), submitter.get().roles());
        DecisionInput.Workspace workspace = context.workspace();
        Verdict verdict = new Verdict.Admitted();
        for (StepActions.Action action : actions) {
            DecisionInput input = input(principal, action, run, now, workspace);
            GateDecision d = policies.decide(context.policy(), input, run.id(), step.id());
            if (d.effect() == Effect.DENY) {
                if (d.rateLimited()) {
                    verdict = new Verdict.Deferred(now.plus(d.retryAfter()), d.reason());
                    continue; // a later action may still be denied outright, and deny wins
                }
                return new Verdict.Refused("denied by policy" + (d.decidedBy() == null ? "" : " ('" + d.decidedBy()
                        + "')") + ": " + d.reason());
            }
            if (d.effect() == Effect.REQUIRE_APPROVAL && verdict instanceof Verdict.Admitted) {
                Optional<ApprovalStore.Row> covering = store.covering(workspaceId, run.id(), step.id(),
                        Policies.actionKey(input), now);
                if (covering.isPresent()) {
                    used(covering.get(), step, d);
                } else {
                    verdict = new Verdict.Held(d, input, now);
                }
            }
        }
        return verdict;
    }

    /** A step's free-text description with secret-looking query values masked in every URL it names. */
    static String maskedText(String text) {
        if (text == null || text.indexOf('?') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        for (String part : text.split("(?<=\\s)|(?=\\s)")) {
            out.append(part.indexOf('?') < 0 ? part : Policies.masked(part));
        }
        return out.toString();
    }

    private static StepView step(RunView run, UUID stepId) {
        return run.steps().stream().filter(s -> s.id().equals(stepId)).findFirst().orElse(null);
    }

    private static DecisionInput input(DecisionInput.Principal principal, StepActions.Action action, RunView run,
                                       Instant now, DecisionInput.Workspace workspace) {
        JsonNode spec = run.spec();
        Map<String, String> labels = new LinkedHashMap<>();
        spec.path("labels").properties().forEach(e -> {
            if (e.getValue().isString()) {
                labels.put(e.getKey(), e.getValue().asString());
            }
        });
        String persona = spec.path("persona").isString() ? spec.path("persona").asString() : null;
        return DecisionInput.of(principal, action.action(), action.resource(), action.method(), action.headerNames(),
                action.arguments(), new DecisionInput.Run(run.id(), run.depth(), persona, labels), now, workspace);
    }

    /** Creates the approval and blocks the step, in this transaction; both or neither. */
    private ApprovalStore.Row request(RunView run, StepView step, Verdict.Held held, boolean inStep) {
        GateDecision d = held.decision();
        DecisionInput input = held.input();
        Instant now = held.now();
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("action", input.action());
        evidence.put("method", input.request().method());
        evidence.put("resource", Policies.masked(input.resource()));
        evidence.put("host", input.request().host());
        evidence.put("headerNames", input.request().headerNames());
        evidence.put("rule", d.decidedBy());
        evidence.put("message", d.approval().message());
        evidence.put("eligibleApprovers", identities.holdersOf(run.workspaceId(), d.approval().role()).stream()
                .filter(name -> !name.equals(input.principal().name())).toList()); // the requester never answers
        evidence.put("policyVersion", d.policyVersion());
        evidence.put("inputDigest", d.inputDigest());
        evidence.put("requestedBy", Map.of("id", input.principal().id().toString(),
                "name", String.valueOf(input.principal().name()), "kind", input.principal().kind().wire()));
        evidence.put("run", Map.of("id", run.id().toString(), "title", run.title()));
        evidence.put("step", Map.of("id", step.id().toString(), "key", step.key(), "handler", step.handler(),
                "description", maskedText(step.action())));
        if (d.approval().stepUp() != null) { // part of the evidence, so the step-up challenge binds it too
            evidence.put("stepUp", d.approval().stepUp().wire());
        }
        ApprovalStore.Row row = new ApprovalStore.Row(UUID.randomUUID(), run.workspaceId(), run.id(), step.id(),
                io.octvex.protocol.ApprovalStatus.PENDING, Policies.actionKey(input), Json.toTree(evidence),
                run.createdBy(), d.approval().role(), d.approval().quorum(), 0, now, now.plus(d.approval().expires()),
                null, null, null, inStep);
        store.insert(row);
        runs.gateStep(run.workspaceId(), run.id(), step.id(), StepStatus.BLOCKED, null, null);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("approvalId", row.id().toString());
        data.put("approverRole", row.approverRole().wire());
        data.put("quorum", row.quorum());
        data.put("expiresAt", row.expiresAt().toString());
        data.put("inStep", inStep);
        data.put("evidence", evidence);
        audit.append(run.workspaceId(), AuditEntry.ofRun("approval.requested", run.id(), step.id(), run.createdBy(), data));
        return row;
    }

    private void used(ApprovalStore.Row approval, StepView step, GateDecision d) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("approvalId", approval.id().toString());
        data.put("rule", d.decidedBy());
        data.put("as", approval.stepId().equals(step.id()) ? "approved for this step" : "grant until " + approval.grantUntil());
        audit.append(approval.workspaceId(), AuditEntry.ofRun("approval.used", approval.runId(), step.id(), null, data));
    }
}
