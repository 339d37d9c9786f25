package io.octvex.server.policy;

import io.octvex.protocol.DryRunPolicy;
import io.octvex.protocol.DryRunReport;
import io.octvex.protocol.Explanation;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.PolicyDiff;
import io.octvex.protocol.PolicyInput;
import io.octvex.protocol.PolicyVersionView;
import io.octvex.protocol.SavePolicy;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Identities;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The policy feature's facade: versioned documents per workspace (save, activate, roll back), their tests
 * run at every save, and explanations of what the active (or any) version decides. Compiled versions are
 * cached: a version never changes once saved, so the cache can never be stale, only cold.
 */
@Service
public class Policies {
    static final int MAX_DOCUMENT = 256 * 1024;
    /** The audit event type of a gate decision. */
    public static final String DECIDED = "policy.decided";
    /** How long an approval stands when its rule does not say. */
    public static final Duration DEFAULT_APPROVAL_EXPIRY = Duration.ofHours(24);
    private static final int DRY_RUN_DEFAULT = 100;
    private static final int DRY_RUN_MAX = 1000;

    private final PolicyStore store;
    private final Identities identities;
    private final AuditLog auditLog;
    private final Clock clock;
    private final PolicyCompiler compiler = new PolicyCompiler();
    private final PolicyEngine engine = new PolicyEngine();
    private final Map<String, CompiledPolicy> compiled = new ConcurrentHashMap<>();

    private final RateBuckets buckets;
    private final RecordedDecisions decisions;

    Policies(PolicyStore store, Identities identities, AuditLog auditLog, Clock clock, RateBuckets buckets,
             RecordedDecisions decisions) {
        this.buckets = buckets;
        this.decisions = decisions;
        this.store = store;
        this.identities = identities;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    @Transactional
    public PolicyVersionView save(UUID workspaceId, UUID author, SavePolicy request) {
        CompiledPolicy policy = compileDocument(request == null ? null : request.document());
        List<String> failures = runTests(workspaceId, policy);
        if (!failures.isEmpty()) {
            throw new ApiException(org.springframework.http.HttpStatus.UNPROCESSABLE_CONTENT, "Policy tests failed",
                    "the policy was not saved: " + String.join("; ", failures));
        }
        PolicyStore.Head head = store.lockHead(workspaceId);
        int version = head.latest() + 1;
        boolean activate = request.activate() == null || request.activate();
        store.insert(workspaceId, version, request.document(), author, clock.instant(), policy.document().tests().size());
        if (activate) {
            store.activate(workspaceId, version);
        }
        compiled.put(key(workspaceId, version), policy);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", version);
        data.put("tests", policy.document().tests().size());
        data.put("activated", activate);
        auditLog.append(workspaceId, AuditEntry.of("policy.saved", author, data));
        if (activate) {
            audited(workspaceId, author, version, head.active());
        }
        return store.find(workspaceId, version).orElseThrow();
    }

    /** Makes a saved version the deciding one; activating an older version is a rollback. */
    @Transactional
    public PolicyVersionView activate(UUID workspaceId, int version, UUID actor) {
        PolicyStore.Head head = store.lockHead(workspaceId);
        PolicyVersionView target = store.find(workspaceId, version)
                .orElseThrow(() -> ApiException.notFound("policy version " + version));
        if (head.active() != null && head.active() == version) {
            return target;
        }
        store.activate(workspaceId, version);
        audited(workspaceId, actor, version, head.active());
        return store.find(workspaceId, version).orElseThrow();
    }

    private void audited(UUID workspaceId, UUID actor, int version, Integer previous) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("version", version);
        data.put("previous", previous);
        auditLog.append(workspaceId, AuditEntry.of("policy.activated", actor, data));
    }

    @Transactional(readOnly = true)
    public PolicyVersionView active(UUID workspaceId) {
        return store.active(workspaceId).orElseThrow(() -> ApiException.notFound("an active policy"));
    }

    @Transactional(readOnly = true)
    public PolicyVersionView version(UUID workspaceId, int version) {
        return store.find(workspaceId, version).orElseThrow(() -> ApiException.notFound("policy version " + version));
    }

    @Transactional(readOnly = true)
    public List<PolicyVersionView> versions(UUID workspaceId) {
        return store.list(workspaceId);
    }

    /**
     * What the policy decides for an input, and why. The principal is the caller unless the input names a
     * member of the workspace. {@code version} null means the active version.
     */
    @Transactional(readOnly = true)
    public Explanation explain(UUID workspaceId, String workspaceName, UUID callerId, PolicyInput input,
                               Integer version) {
        if (input == null || input.action() == null || input.action().isBlank()) {
            throw ApiException.badRequest("'action' is required, e.g. http.request");
        }
        PolicyVersionView chosen = version == null ? active(workspaceId) : version(workspaceId, version);
        MemberView member = input.principal() == null
                ? identities.member(workspaceId, callerId).orElseThrow(() -> ApiException.notFound("membership"))
                : identities.memberNamed(workspaceId, input.principal())
                        .orElseThrow(() -> ApiException.notFound("member '" + input.principal() + "'"));
        DecisionInput decisionInput = Inputs.of(new DecisionInput.Principal(member.principal().id(),
                member.principal().name(), member.principal().kind(), member.roles()), input,
                new DecisionInput.Workspace(workspaceId, workspaceName), clock.instant());
        return explanation(chosen.version(), engine.decide(compiled(workspaceId, chosen), decisionInput));
    }

    /**
     * The gate's decision for one action of a run's step under the workspace's active policy, recorded as a
     * {@code policy.decided} audit event (rule, effect, the input as recorded and its digest, evaluation time)
     * in the caller's transaction. An action the policy allows also takes a token from every rate limit that
     * applies to it (in PostgreSQL, so the limit holds across replicas); an empty bucket turns the allow into
     * a deny naming the limit. No active policy: deny.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public GateDecision decide(UUID workspaceId, DecisionInput input, UUID runId, UUID stepId) {
        return decide(activeFor(workspaceId), input, runId, stepId);
    }

    /**
     * A workspace's active policy as one transaction read it: what {@link #decide(Active, DecisionInput, UUID,
     * UUID)} evaluates, so a claim of many steps reads the head once. Compiled versions come from the cache (a
     * version never changes); only the active version's number is read, not its document.
     */
    public static final class Active {
        final UUID workspaceId;
        final int version;
        final CompiledPolicy policy;

        private Active(UUID workspaceId, int version, CompiledPolicy policy) {
            this.workspaceId = workspaceId;
            this.version = version;
            this.policy = policy;
        }
    }

    /** The workspace's active policy, read in the caller's transaction; its decisions deny when it has none. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Active activeFor(UUID workspaceId) {
        Integer version = store.activeVersion(workspaceId).orElse(null);
        if (version == null) {
            return new Active(workspaceId, 0, null);
        }
        CompiledPolicy policy = compiled.get(key(workspaceId, version));
        if (policy == null) {
            policy = store.find(workspaceId, version).map(v -> compiled(workspaceId, v)).orElse(null);
        }
        return new Active(workspaceId, policy == null ? 0 : version, policy);
    }

    /** {@link #decide(UUID, DecisionInput, UUID, UUID)} under a policy this transaction already read. */
    @Transactional(propagation = Propagation.MANDATORY)
    public GateDecision decide(Active active, DecisionInput input, UUID runId, UUID stepId) {
        UUID workspaceId = active.workspaceId;
        long started = System.nanoTime();
        Verdict verdict = evaluate(active, input);
        long micros = (System.nanoTime() - started) / 1000;
        Map<String, Object> recorded = RecordedInput.of(input);
        String digest = RecordedInput.digest(recorded);
        Decision d = verdict.decision();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("policyVersion", verdict.version());
        data.put("effect", d.effect().wire());
        data.put("decidedBy", d.decidedBy());
        data.put("reason", d.reason());
        data.put("matched", d.matched());
        if (verdict.rateLimited()) {
            data.put("rateLimited", true);
        }
        data.put("inputDigest", digest);
        data.put("evalMicros", micros);
        data.put("input", recorded);
        auditLog.append(workspaceId, AuditEntry.ofRun(DECIDED, runId, stepId,
                input.principal() == null ? null : input.principal().id(), data));
        GateDecision.ApprovalSpec approval = d.approval() == null ? null : new GateDecision.ApprovalSpec(
                d.approval().role(), d.approval().quorum() == null ? 1 : d.approval().quorum(),
                d.approval().expires() == null ? DEFAULT_APPROVAL_EXPIRY : d.approval().expires(),
                d.approval().message() != null ? d.approval().message() : d.reason(), d.approval().stepUp());
        return new GateDecision(d.effect(), d.decidedBy(), d.reason(), d.matched(), approval, verdict.version(),
                verdict.rateLimited(), verdict.retryAfter(), digest, micros);
    }

    private record Verdict(int version, Decision decision, boolean rateLimited, Duration retryAfter) {}

    private Verdict evaluate(Active active, DecisionInput input) {
        UUID workspaceId = active.workspaceId;
        if (active.policy == null) {
            return new Verdict(0, new Decision(Effect.DENY, null, "the workspace has no active policy (default deny)",
                    List.of(), null), false, null);
        }
        CompiledPolicy policy = active.policy;
        Activation activation = new Activation(input);
        Decision d = engine.decide(policy, activation);
        if (d.effect() == Effect.ALLOW) {
            List<PolicyEngine.Applicable> limits;
            try {
                limits = engine.rateLimits(policy, activation);
            } catch (IllegalStateException e) {
                return new Verdict(active.version, new Decision(Effect.DENY, null, e.getMessage(), d.matched(), null),
                        false, null);
            }
            for (PolicyEngine.Applicable applicable : limits) {
                PolicyDocument.RateLimit limit = applicable.limit();
                int burst = limit.burst() == null ? 0 : limit.burst();
                if (!buckets.take(workspaceId, limit.id(), applicable.key(), limit.limit(), limit.window(), burst)) {
                    Duration oneToken = limit.window().dividedBy(limit.limit());
                    return new Verdict(active.version, new Decision(Effect.DENY, limit.id(), "rate limit '" + limit.id()
                            + "' exceeded: at most " + limit.limit() + " per " + limit.window()
                            + (burst > 0 ? " (burst " + burst + ")" : ""), d.matched(), null), true,
                            oneToken.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : oneToken);
                }
            }
        }
        return new Verdict(active.version, d, false, null);
    }

    /** The resource as decisions record it: query values with secret-looking names masked. */
    public static String masked(String resource) {
        return RecordedInput.masked(resource);
    }

    /** Identifies "the same action" for approvals and scoped grants (see {@link RecordedInput#actionKey}). */
    public static String actionKey(DecisionInput input) {
        return RecordedInput.actionKey(input);
    }

    /** A decision as the API shows it; an approval without a quorum needs one approver. */
    private static Explanation explanation(int version, Decision d) {
        return new Explanation(version, d.effect().wire(), d.decidedBy(), d.reason(), d.matched(),
                d.approval() == null ? null : d.approval().role().wire(),
                d.approval() == null ? null : d.approval().quorum() == null ? 1 : d.approval().quorum());
    }

    /**
     * What changed from version {@code against} (null: the version before) to {@code version}; the same
     * version on both sides gives an empty diff.
     */
    @Transactional(readOnly = true)
    public PolicyDiff diff(UUID workspaceId, int version, Integer against) {
        PolicyVersionView revised = version(workspaceId, version);
        if (against == null && version == 1) {
            throw new ApiException(org.springframework.http.HttpStatus.NOT_FOUND, "Not found", "policy version 1 is the"
                    + " first: there is no version before it; name one to compare it with in 'against'");
        }
        return PolicyDiffer.diff(revised, version(workspaceId, against == null ? version - 1 : against));
    }

    /**
     * Replays the workspace's latest recorded gate decisions under a draft, compiled as a save would compile
     * it. The engine alone decides: no rate-limit token is taken and nothing is written (the transaction is
     * read-only).
     */
    @Transactional(readOnly = true)
    public DryRunReport dryRun(UUID workspaceId, DryRunPolicy request) {
        int last = request == null || request.last() == null ? DRY_RUN_DEFAULT : request.last();
        if (last < 1 || last > DRY_RUN_MAX) {
            throw ApiException.badRequest("'last' is how many recorded decisions to replay: 1 to " + DRY_RUN_MAX
                    + " (default " + DRY_RUN_DEFAULT + ")");
        }
        CompiledPolicy draft = compileDocument(request == null ? null : request.document());
        return DryRun.replay(engine, draft, decisions.latest(workspaceId, last));
    }

    /** A document as a save takes it: present, within the size bound, compiled (400 with line and column). */
    private CompiledPolicy compileDocument(String document) {
        if (document == null || document.isBlank()) {
            throw ApiException.badRequest("'document' is required: the policy as YAML or JSON");
        }
        if (document.length() > MAX_DOCUMENT) {
            throw ApiException.badRequest("the policy document is longer than " + MAX_DOCUMENT + " characters");
        }
        return compile(document);
    }

    private CompiledPolicy compiled(UUID workspaceId, PolicyVersionView version) {
        return compiled.computeIfAbsent(key(workspaceId, version.version()), k -> compile(version.document()));
    }

    private CompiledPolicy compile(String document) {
        try {
            return compiler.compile(document);
        } catch (InvalidPolicyException e) {
            throw new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST, "Invalid policy", e.getMessage());
        }
    }

    private List<String> runTests(UUID workspaceId, CompiledPolicy policy) {
        List<String> failures = new ArrayList<>();
        for (PolicyDocument.PolicyTest test : policy.document().tests()) {
            String name = test.name() == null ? "a test" : "test '" + test.name() + "'";
            if (test.input() == null || test.expect() == null || test.as() == null) {
                failures.add(name + " needs 'as', 'input' and 'expect'");
                continue;
            }
            PolicyDocument.As as = test.as();
            DecisionInput input = Inputs.of(new DecisionInput.Principal(UUID.nameUUIDFromBytes(
                            String.valueOf(as.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    as.name(), as.kind(), as.roles()), test.input(), new DecisionInput.Workspace(workspaceId, null),
                    clock.instant());
            Decision d = engine.decide(policy, input);
            if (d.effect() != test.expect()) {
                failures.add(name + " expected " + test.expect().wire() + " but the policy gives " + d.effect().wire()
                        + " (" + d.reason() + ")");
            }
        }
        return failures;
    }

    private static String key(UUID workspaceId, int version) {
        return workspaceId + "#" + version;
    }
}
