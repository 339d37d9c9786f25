package io.octvex.server.approval;

import io.octvex.protocol.ActionVerdict;
import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.DecideApproval;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.RunView;
import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Identities;
import io.octvex.server.run.Runs;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Approvals: reading them, and the approvers' answers. An answer locks the approval, then (through
 * {@link Runs}) the run, so racing approvers are serialised and the approval leaves {@code pending} once.
 * Quorum reached → the step is offered again in place; any eligible deny → the step fails and its dependants
 * skip. A refused answer (not eligible, twice, expired, unknown in this workspace) changes nothing about the
 * approval but is itself audited ({@code approval.refused}), so its transaction commits before the refusal
 * is answered.
 */
@Service
public class Approvals {
    public static final int MAX_REASON = 500;
    public static final int MAX_GRANT_MINUTES = 1440;
    public static final int MAX_PAGE = 200;

    private final ApprovalStore store;
    private final Runs runs;
    private final Identities identities;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    Approvals(ApprovalStore store, Runs runs, Identities identities, AuditLog audit, TransactionTemplate tx,
              Clock clock) {
        this.store = store;
        this.runs = runs;
        this.identities = identities;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** Newest first, optionally of one status and/or one run. */
    @Transactional(readOnly = true)
    public List<ApprovalView> list(UUID workspaceId, ApprovalStatus status, UUID runId, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.badRequest("'limit' must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        return store.list(workspaceId, status, runId, limit).stream().map(r -> view(r, List.of())).toList();
    }

    /** One approval with every vote; 404 when it is not an approval of this workspace. */
    @Transactional(readOnly = true)
    public ApprovalView get(UUID workspaceId, UUID approvalId) {
        ApprovalStore.Row row = store.find(workspaceId, approvalId)
                .orElseThrow(() -> ApiException.notFound("approval " + approvalId));
        return view(row, store.votes(workspaceId, approvalId));
    }

    /**
     * An approval of {@code stepId} as a verdict for the edge that waits on it: pending →
     * require_approval, approved → allow, anything else → deny with why. 404 for any other step's approval.
     */
    @Transactional(readOnly = true)
    public ActionVerdict verdict(UUID workspaceId, UUID approvalId, UUID stepId) {
        ApprovalStore.Row row = store.find(workspaceId, approvalId).filter(r -> r.stepId().equals(stepId))
                .orElseThrow(() -> ApiException.notFound("approval " + approvalId + " of step " + stepId));
        return switch (row.status()) {
            case PENDING -> new ActionVerdict("require_approval", row.evidence().path("message").asString(null),
                    row.id(), row.expiresAt());
            case APPROVED -> new ActionVerdict("allow", row.outcome(), row.id(), null);
            default -> new ActionVerdict("deny", "approval " + row.status().wire()
                    + (row.outcome() == null ? "" : ": " + row.outcome()), row.id(), null);
        };
    }

    public ApprovalView approve(UUID workspaceId, UUID approvalId, UUID principalId, DecideApproval answer) {
        return answer(workspaceId, approvalId, principalId, true, answer, null);
    }

    /**
     * An approving vote backed by a step-up: {@code check} runs under the approval's lock, after every other
     * eligibility check and before the vote is written; its refusal is audited like any other.
     */
    public ApprovalView approveWithStepUp(UUID workspaceId, UUID approvalId, UUID principalId, DecideApproval answer,
                                          StepUpProof.Check check) {
        return answer(workspaceId, approvalId, principalId, true, answer, check);
    }

    public ApprovalView deny(UUID workspaceId, UUID approvalId, UUID principalId, DecideApproval answer) {
        return answer(workspaceId, approvalId, principalId, false, answer, null);
    }

    /**
     * The approval, when {@code principalId} may approve it with a step-up now: pending, not
     * expired, the caller eligible, and its rule asking for a step-up. Changes nothing; 404/403/409 otherwise.
     */
    @Transactional(readOnly = true)
    public ApprovalView stepUpCandidate(UUID workspaceId, UUID approvalId, UUID principalId) {
        ApprovalStore.Row row = store.find(workspaceId, approvalId)
                .orElseThrow(() -> ApiException.notFound("approval " + approvalId));
        if (row.status() != ApprovalStatus.PENDING || !now().isBefore(row.expiresAt())) {
            throw ApiException.conflict("approval " + approvalId + " is no longer pending; nothing can be approved");
        }
        if (principalId.equals(row.requestedBy())) {
            throw ApiException.forbidden("whoever asked for an approval cannot answer it");
        }
        MemberView member = identities.member(workspaceId, principalId).orElse(null);
        if (member == null || !member.roles().contains(row.approverRole())) {
            throw ApiException.forbidden("answering this approval needs the role '" + row.approverRole().wire()
                    + "' in this workspace");
        }
        if (!StepUpProof.required(row.evidence())) {
            throw ApiException.conflict("approval " + approvalId + " does not ask for a step-up: approve it directly");
        }
        return view(row, List.of());
    }

    private record Result(ApprovalView view, ApiException refusal) {}

    private ApprovalView answer(UUID workspaceId, UUID approvalId, UUID principalId, boolean approve,
                                DecideApproval answer, StepUpProof.Check check) {
        Result result = tx.execute(s -> attempt(workspaceId, approvalId, principalId, approve, answer, check));
        if (result.refusal() != null) {
            throw result.refusal();
        }
        return result.view();
    }

    private Result attempt(UUID workspaceId, UUID approvalId, UUID principalId, boolean approve,
                           DecideApproval answer, StepUpProof.Check check) {
        Instant now = now();
        ApprovalStore.Row row = store.lock(workspaceId, approvalId).orElse(null);
        if (row == null) { // what the caller cannot see answers 404 before anything about the body is said
            return refused(workspaceId, approvalId, null, principalId, HttpStatus.NOT_FOUND, "Not found",
                    "approval " + approvalId + " was not found");
        }
        String reason;
        try {
            reason = reason(answer, approve);
        } catch (ApiException badInput) {
            return new Result(null, badInput); // nothing written yet: bad input is refused, not audited
        }
        Integer grant = answer == null ? null : answer.grantMinutes();
        if (grant != null && (!approve || grant < 1 || grant > MAX_GRANT_MINUTES)) {
            return new Result(null, ApiException.badRequest(approve ? "'grantMinutes' must be between 1 and "
                    + MAX_GRANT_MINUTES : "'grantMinutes' belongs to an approval, not a denial"));
        }
        if (row.status() != ApprovalStatus.PENDING) {
            return refused(workspaceId, approvalId, row, principalId, HttpStatus.CONFLICT, "Conflict",
                    "approval " + approvalId + " is already " + row.status().wire()
                            + (row.outcome() == null ? "" : " (" + row.outcome() + ")"));
        }
        StepView step = step(row);
        if (step == null || step.status() != StepStatus.BLOCKED) {
            cancel(row, step, now);
            return refused(workspaceId, approvalId, row, principalId, HttpStatus.CONFLICT, "Conflict",
                    "approval " + approvalId + " no longer applies: its step is "
                            + (step == null ? "gone" : step.status().wire()));
        }
        if (!now.isBefore(row.expiresAt())) {
            expire(row, now);
            return refused(workspaceId, approvalId, row, principalId, HttpStatus.CONFLICT, "Conflict",
                    "approval " + approvalId + " expired at " + row.expiresAt() + "; it counts as denied");
        }
        if (principalId.equals(row.requestedBy())) {
            return refused(workspaceId, approvalId, row, principalId, HttpStatus.FORBIDDEN, "Forbidden",
                    "whoever asked for an approval cannot answer it; another '" + row.approverRole().wire()
                            + "' must");
        }
        MemberView member = identities.member(workspaceId, principalId).orElse(null);
        if (member == null || !member.roles().contains(row.approverRole())) {
            return refused(workspaceId, approvalId, row, principalId, HttpStatus.FORBIDDEN, "Forbidden",
                    "answering this approval needs the role '" + row.approverRole().wire() + "' in this workspace");
        }
        if (approve && check == null && StepUpProof.required(row.evidence())) {
            return refused(workspaceId, approvalId, row, principalId, HttpStatus.FORBIDDEN, "Step-up required",
                    "approving this needs a step-up: a fresh security-key (WebAuthn) assertion. Ask for a challenge "
                            + "with POST /api/v1/workspaces/" + workspaceId + "/approvals/" + approvalId
                            + "/step-up (denying needs none)");
        }
        StepUpProof proof = null;
        if (check != null) {
            try {
                proof = check.verify(view(row, List.of()));
            } catch (ApiException refusal) { // committed with its audit event: a spent challenge stays spent
                return refused(workspaceId, approvalId, row, principalId, refusal.status(), refusal.title(),
                        refusal.getMessage());
            }
        }
        String vote = approve ? "approve" : "deny";
        if (!store.vote(workspaceId, approvalId, principalId, vote, reason, grant, now)) {
            return refused(workspaceId, approvalId, row, principalId, HttpStatus.CONFLICT, "Conflict",
                    "you have already answered approval " + approvalId + "; each approver counts once");
        }
        int approvals = row.approvals() + (approve ? 1 : 0);
        Map<String, Object> data = base(row);
        data.put("vote", vote);
        data.put("reason", reason);
        data.put("approvals", approvals);
        data.put("quorum", row.quorum());
        if (proof != null) {
            store.stepUp(workspaceId, approvalId, principalId, proof);
            data.put("stepUp", Map.of("method", "webauthn", "credentialId", proof.credentialId(),
                    "evidenceHash", proof.evidenceHash()));
        }
        audit.append(workspaceId, AuditEntry.ofRun("approval.voted", row.runId(), row.stepId(), principalId, data));
        String name = member.principal().name();
        if (!approve) {
            String outcome = "denied by " + name + ": " + reason;
            store.finish(workspaceId, approvalId, ApprovalStatus.DENIED, outcome, null, now);
            runs.gateStep(workspaceId, row.runId(), row.stepId(), StepStatus.FAILED, "approval " + outcome, principalId);
            ended(row, "approval.denied", principalId, outcome, null);
        } else if (approvals >= row.quorum()) {
            Integer minutes = store.agreedGrantMinutes(workspaceId, approvalId);
            Instant grantUntil = minutes == null ? null : now.plus(Duration.ofMinutes(minutes));
            String outcome = approvals == 1 ? "approved by " + name : "approved by " + approvals + " approvers";
            store.finish(workspaceId, approvalId, ApprovalStatus.APPROVED, outcome, grantUntil, now);
            // held before its lease: offered again; held while its edge waits: it runs on, in place
            runs.gateStep(workspaceId, row.runId(), row.stepId(), row.inStep() ? StepStatus.RUNNING : StepStatus.QUEUED,
                    null, principalId);
            ended(row, "approval.approved", principalId, outcome, grantUntil);
        }
        ApprovalStore.Row after = store.find(workspaceId, approvalId).orElseThrow();
        return new Result(view(after, store.votes(workspaceId, approvalId)), null);
    }

    /** Expiry counts as a denial: the approval ends and its step fails. The sweeper and late answers use it. */
    void expire(ApprovalStore.Row row, Instant now) {
        String outcome = "expired";
        if (store.finish(row.workspaceId(), row.id(), ApprovalStatus.EXPIRED, outcome, null, now)) {
            runs.gateStep(row.workspaceId(), row.runId(), row.stepId(), StepStatus.FAILED,
                    "approval expired at " + row.expiresAt() + " without enough approvers (counts as denied)", null);
            ended(row, "approval.expired", null, outcome, null);
        }
    }

    /** An approval whose step no longer waits (its run was cancelled or failed otherwise) ends as cancelled. */
    void cancel(ApprovalStore.Row row, StepView step, Instant now) {
        String outcome = "its step is " + (step == null ? "gone" : step.status().wire());
        if (store.finish(row.workspaceId(), row.id(), ApprovalStatus.CANCELLED, outcome, null, now)) {
            ended(row, "approval.cancelled", null, outcome, null);
        }
    }

    StepView step(ApprovalStore.Row row) {
        RunView run = runs.get(row.workspaceId(), row.runId());
        return run.steps().stream().filter(s -> s.id().equals(row.stepId())).findFirst().orElse(null);
    }

    private void ended(ApprovalStore.Row row, String type, UUID principalId, String outcome, Instant grantUntil) {
        Map<String, Object> data = base(row);
        data.put("outcome", outcome);
        if (grantUntil != null) {
            data.put("grantUntil", grantUntil.toString());
        }
        audit.append(row.workspaceId(), AuditEntry.ofRun(type, row.runId(), row.stepId(), principalId, data));
    }

    private Result refused(UUID workspaceId, UUID approvalId, ApprovalStore.Row row, UUID principalId,
                           HttpStatus status, String title, String detail) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("approvalId", approvalId.toString());
        data.put("status", status.value());
        data.put("reason", detail);
        audit.append(workspaceId, AuditEntry.ofRun("approval.refused", row == null ? null : row.runId(),
                row == null ? null : row.stepId(), principalId, data));
        return new Result(null, new ApiException(status, title, detail));
    }

    private static Map<String, Object> base(ApprovalStore.Row row) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("approvalId", row.id().toString());
        return data;
    }

    private static String reason(DecideApproval answer, boolean approve) {
        String reason = answer == null || answer.reason() == null || answer.reason().isBlank() ? null
                : answer.reason().strip();
        if (reason == null && !approve) {
            throw ApiException.badRequest("a denial needs a 'reason': the requester and the audit log are told why");
        }
        if (reason != null && reason.length() > MAX_REASON) {
            throw ApiException.badRequest("'reason' has " + reason.length() + " characters; at most " + MAX_REASON
                    + " are allowed");
        }
        if (reason != null && reason.chars().anyMatch(c -> Character.isISOControl(c))) {
            throw ApiException.badRequest("'reason' contains a control character; they are not allowed");
        }
        return reason;
    }

    static ApprovalView view(ApprovalStore.Row r, List<ApprovalView.Vote> votes) {
        return new ApprovalView(r.id(), r.workspaceId(), r.runId(), r.stepId(), r.status(), r.evidence(),
                r.requestedBy(), r.approverRole(), r.quorum(), r.approvals(), r.requestedAt(), r.expiresAt(),
                r.decidedAt(), r.outcome(), r.grantUntil(), votes);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
