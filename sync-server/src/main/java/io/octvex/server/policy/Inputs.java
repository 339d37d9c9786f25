package io.octvex.server.policy;

import io.octvex.protocol.PolicyInput;
import java.time.Instant;
import java.util.Map;

/** Builds a decision input from the API's (or a policy test's) description of an action. */
final class Inputs {
    private Inputs() {}

    static DecisionInput of(DecisionInput.Principal principal, PolicyInput in, DecisionInput.Workspace workspace,
                            Instant now) {
        return DecisionInput.of(principal, in.action(), in.resource(), in.method(), in.headerNames(),
                in.arguments() == null ? Map.of() : in.arguments(), new DecisionInput.Run(null, in.runDepth() == null ? 0 : in.runDepth(), in.persona(),
                        in.labels() == null ? Map.of() : in.labels()),
                in.at() == null ? now : in.at(), workspace);
    }
}
