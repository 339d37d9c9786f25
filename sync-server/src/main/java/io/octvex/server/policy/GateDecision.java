package io.octvex.server.policy;

import io.octvex.protocol.Role;
import java.time.Duration;
import java.util.List;

/**
 * What the gate was told for one action, already recorded as a {@code policy.decided} audit event.
 * {@code approval} is set for require_approval; {@code rateLimited} marks a deny that only an empty rate
 * bucket caused (the caller may try again later, after {@code retryAfter}). {@code inputDigest} is the
 * SHA-256 of the input as recorded (query values with secret-looking names masked).
 */
public record GateDecision(Effect effect, String decidedBy, String reason, List<String> matched,
                           ApprovalSpec approval, int policyVersion, boolean rateLimited, Duration retryAfter,
                           String inputDigest, long evalMicros) {

    /**
     * Who must approve, how many distinct approvers, how long the request stands, what to tell them, and the
     * step-up an approving vote needs (null: none).
     */
    public record ApprovalSpec(Role role, int quorum, Duration expires, String message, StepUp stepUp) {}
}
