package io.octvex.desk.approvals;

import io.octvex.protocol.ApprovalView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * One approval as the inbox shows it: the evidence's fields picked out of the server's JSON once, so the
 * view only formats. {@code source} keeps the whole answer for the details.
 */
public record ApprovalItem(UUID id, String method, String resource, String action, String rule, String message,
                           String requester, UUID runId, String runTitle, String stepKey, int approvals, int quorum,
                           String approverRole, Instant expiresAt, List<ApprovalView.Vote> votes,
                           ApprovalView source) {

    static ApprovalItem of(ApprovalView view) {
        JsonNode ev = view.evidence();
        return new ApprovalItem(view.id(), text(ev, "method"), text(ev, "resource"), text(ev, "action"),
                text(ev, "rule"), text(ev, "message"), text(ev.path("requestedBy"), "name"), view.runId(),
                text(ev.path("run"), "title"), text(ev.path("step"), "key"), view.approvals(), view.quorum(),
                view.approverRole() == null ? "" : view.approverRole().wire(), view.expiresAt(),
                view.votes() == null ? List.of() : view.votes(), view);
    }

    /** "POST https://approve.example/things", or the action name when there is no method. */
    public String what() {
        if (!method.isEmpty() || !resource.isEmpty()) {
            return (method + " " + resource).strip();
        }
        return action;
    }

    /** Whether approving needs a security key: the server put the rule's {@code step_up} into the evidence. */
    public boolean needsSecurityKey() {
        return source.evidence() != null && source.evidence().path("stepUp").isString();
    }

    /** Time left until it expires (negative once due), for the countdown. */
    public Duration remaining(Instant now) {
        return expiresAt == null ? Duration.ZERO : Duration.between(now, expiresAt);
    }

    /** "59:32", "1:02:03", "expired". */
    public static String countdown(Duration left) {
        if (left.isNegative() || left.isZero()) {
            return "expired";
        }
        long s = left.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return "";
        }
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asString();
    }
}
