package io.octvex.server.events;

import io.octvex.protocol.EventView;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.Timeline;
import io.octvex.protocol.TimelineEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Rebuilds a run's timeline from its events alone: no run or step row is read, so the timeline shows
 * what the audit log can prove, and it survives anything that happens to the live tables.
 */
final class Timelines {
    private Timelines() {}

    static Timeline of(UUID runId, List<EventView> events) {
        RunStatus status = null;
        List<TimelineEntry> entries = new ArrayList<>(events.size());
        for (EventView e : events) {
            JsonNode data = e.data();
            String stepKey = text(data, "key");
            if (e.type().equals("run.created")) {
                status = RunStatus.PLANNING;
            } else if (e.type().equals("run.transitioned") && text(data, "to") != null) {
                status = RunStatus.fromWire(text(data, "to"));
            }
            entries.add(new TimelineEntry(e.seq(), e.at(), e.type(), e.stepId(), stepKey, e.principalId(),
                    summary(e.type(), data, stepKey), data));
        }
        return new Timeline(runId, status, entries);
    }

    static String summary(String type, JsonNode data, String stepKey) {
        String reason = text(data, "reason");
        String error = text(data, "error");
        return switch (type) {
            case "run.created" -> "Run created: " + text(data, "title")
                    + (data.has("steps") ? " (" + data.get("steps").size() + (data.get("steps").size() == 1 ? " step)" : " steps)") : "");
            case "run.transitioned" -> "Run " + text(data, "from") + " → " + text(data, "to")
                    + (reason == null ? "" : ": " + reason);
            case "step.transitioned" -> "Step " + stepKey + " " + text(data, "from") + " → " + text(data, "to")
                    + attempt(data)
                    + (error == null ? "" : ": " + error);
            // a placement is also the step's move (ADR 0040); older ones followed a step.transitioned
            case "step.placed" -> "Step " + stepKey + (data.has("from") ? " " + text(data, "from") + " → "
                    + text(data, "to") + " on edge " : " placed on edge ") + text(data, "edgeName")
                    + (data.has("score") ? " (score " + String.format(java.util.Locale.ROOT, "%.2f",
                    data.get("score").asDouble()) + ")" : "")
                    + attempt(data);
            case "step.unplaced" -> "Step " + stepKey + " waits: " + text(data, "reason");
            case "step.progress" -> "Step " + stepKey + ": " + text(data, "message")
                    + (data.has("percent") && !data.get("percent").isNull() ? " (" + data.get("percent").asInt() + "%)" : "");
            case "step.checkpoint" -> "Step " + stepKey + " checkpoint: " + text(data, "summary");
            case "step.artifact" -> "Step " + stepKey + " produced " + text(data, "name")
                    + (data.has("size") ? " (" + data.get("size").asLong() + " bytes)" : "");
            case "lease.expired" -> "Lease on step " + stepKey + " expired (edge lost); "
                    + ("failed".equals(text(data, "outcome")) ? "no attempts left" : "offered again");
            case "lease.fenced" -> "A late report for step " + stepKey + " (epoch " + text(data, "epoch")
                    + ", now " + text(data, "currentEpoch") + ") was refused";
            case "policy.decided" -> "Policy v" + text(data, "policyVersion") + ": " + text(data, "effect")
                    + " " + text(data.path("input"), "action")
                    + (text(data.path("input"), "resource") == null ? "" : " " + text(data.path("input"), "resource"))
                    + (text(data, "decidedBy") == null ? "" : " (" + text(data, "decidedBy") + ")");
            case "approval.requested" -> "Approval asked (" + text(data, "quorum") + " × " + text(data, "approverRole")
                    + ", until " + text(data, "expiresAt") + "): " + text(data.path("evidence"), "method") + " "
                    + text(data.path("evidence"), "resource") + " — " + text(data.path("evidence"), "message");
            case "approval.voted" -> "Approval vote: " + text(data, "vote") + " (" + text(data, "approvals") + "/"
                    + text(data, "quorum") + ")" + (reason == null ? "" : ": " + reason);
            case "approval.approved", "approval.denied", "approval.expired", "approval.cancelled" ->
                    "Approval " + type.substring("approval.".length()) + ": " + text(data, "outcome");
            case "approval.used" -> "Approved action let through (" + text(data, "as") + ")";
            case "approval.refused" -> "An answer to an approval was refused: " + reason;
            case "credential.leased" -> "Credential '" + text(data, "secret") + "' leased to edge " + text(data, "edgeId")
                    + " (" + text(data, "as") + (text(data, "field") == null ? "" : " " + text(data, "field")) + ")";
            case "secret.accessed" -> "Secret '" + text(data, "name") + "' opened for " + text(data, "action")
                    + (text(data, "edgeId") == null ? "" : ", sealed to edge " + text(data, "edgeId"));
            default -> type.replace('.', ' ').replace('_', ' ');
        };
    }

    /** " (attempt 2)" for a step's second attempt and later; nothing for its first. */
    private static String attempt(JsonNode data) {
        int attempt = data.path("attempt").asInt(1);
        return attempt > 1 ? " (attempt " + attempt + ")" : "";
    }

    private static String text(JsonNode data, String field) {
        JsonNode node = data == null ? null : data.get(field);
        return node == null || node.isNull() ? null : node.asString();
    }
}
