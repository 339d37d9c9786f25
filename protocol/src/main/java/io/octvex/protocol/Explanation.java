package io.octvex.protocol;

import java.util.List;

/**
 * Why the policy decides what it does: the effect, the rule or grant that decided, a sentence, and every
 * rule and grant that matched. {@code policyVersion} is the version that was evaluated.
 */
public record Explanation(int policyVersion, String effect, String decidedBy, String reason, List<String> matched,
                          String approverRole, Integer quorum) {}
