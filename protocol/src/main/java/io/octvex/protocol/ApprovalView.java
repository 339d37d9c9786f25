package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A request for approval of one action of a run's step. {@code evidence} is exactly what was asked for: the
 * action, method, resource (secret-looking query values masked), header names, the rule and its message,
 * the policy version, who asked, and the run and step. {@code approvals} counts distinct approvers so far
 * against {@code quorum}; {@code grantUntil} is set when the approvers granted the same action for the rest
 * of the run until then.
 */
public record ApprovalView(UUID id, UUID workspaceId, UUID runId, UUID stepId, ApprovalStatus status,
                           JsonNode evidence, UUID requestedBy, Role approverRole, int quorum, int approvals,
                           Instant requestedAt, Instant expiresAt, Instant decidedAt, String outcome,
                           Instant grantUntil, List<Vote> votes) {

    /** One approver's say: each approver counts once. */
    public record Vote(UUID principalId, String principalName, String vote, String reason, Integer grantMinutes,
                       Instant at) {}
}
