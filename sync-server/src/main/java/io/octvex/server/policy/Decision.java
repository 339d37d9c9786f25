package io.octvex.server.policy;

import java.util.List;

/**
 * The outcome with the rule (or grant) that decided it, why, and every rule that matched, so that a person
 * can see what the policy did. {@code approval} is set for require_approval.
 */
record Decision(Effect effect, String decidedBy, String reason, List<String> matched,
                       PolicyDocument.Approval approval) {}
