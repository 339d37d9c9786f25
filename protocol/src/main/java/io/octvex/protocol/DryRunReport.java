package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Recorded gate decisions replayed under a draft policy: how many were read, the ones whose effect the draft
 * changes (newest first), and how many it leaves as they were. {@code rateLimited} counts the decisions a rate
 * limit had denied: the policy had allowed those, and that allow is what the draft is compared with, since
 * bucket state cannot be replayed.
 */
public record DryRunReport(int evaluated, List<ChangedDecision> changed, int unchanged, int rateLimited) {

    /** One recorded decision that the draft decides differently; {@code principal} is the name recorded. */
    public record ChangedDecision(long seq, Instant at, UUID runId, UUID stepId, String action, String resource,
                                  String principal, Before before, After after) {}

    /** The decision as recorded, by policy version {@code policyVersion} (0: there was no active policy). */
    public record Before(String effect, String decidedBy, boolean rateLimited, int policyVersion) {}

    /** What the draft decides, by which rule or grant, and why. */
    public record After(String effect, String decidedBy, String reason) {}
}
