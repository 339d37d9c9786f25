package io.octvex.server.policy;

import io.octvex.protocol.DryRunReport;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Replays recorded gate decisions under a draft policy with the engine alone: no rate-limit token is taken
 * and nothing is recorded. Each input is evaluated as it was recorded, at its recorded time.
 */
final class DryRun {
    private DryRun() {}

    static DryRunReport replay(PolicyEngine engine, CompiledPolicy draft, List<RecordedDecisions.Recorded> decisions) {
        List<DryRunReport.ChangedDecision> changed = new ArrayList<>();
        int rateLimited = 0;
        for (RecordedDecisions.Recorded recorded : decisions) {
            JsonNode data = recorded.data();
            boolean limited = data.path("rateLimited").asBoolean(false);
            rateLimited += limited ? 1 : 0;
            // a rate limit only ever refuses what the policy allowed; whether a bucket would refuse it again
            // cannot be known, so the draft is judged against that allow
            Effect before = limited ? Effect.ALLOW : Effect.fromWire(data.path("effect").asString());
            DecisionInput input = RecordedInput.read(data.path("input"));
            Decision after = engine.decide(draft, input);
            if (after.effect() != before) {
                changed.add(new DryRunReport.ChangedDecision(recorded.seq(), recorded.at(), recorded.runId(),
                        recorded.stepId(), input.action(), input.resource(),
                        input.principal() == null ? null : input.principal().name(),
                        new DryRunReport.Before(data.path("effect").asString(), text(data.path("decidedBy")), limited,
                                data.path("policyVersion").asInt(0)),
                        new DryRunReport.After(after.effect().wire(), after.decidedBy(), after.reason())));
            }
        }
        return new DryRunReport(decisions.size(), List.copyOf(changed), decisions.size() - changed.size(),
                rateLimited);
    }

    private static String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }
}
