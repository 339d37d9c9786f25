package io.octvex.server.policy;

import io.octvex.protocol.PolicyInput;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds a decision input from the API's (or a policy test's) description of an action. */
final class Inputs {
    private Inputs() {}

    static DecisionInput of(DecisionInput.Principal principal, PolicyInput in, DecisionInput.Workspace workspace,
                            Instant now) {
        String host = null;
        String path = null;
        if (in.resource() != null) {
            Target target = Target.parse(in.resource()).target();
            if (target != null) {
                host = target.host();
                path = target.path();
            }
        }
        return new DecisionInput(principal, in.action(), in.resource(),
                new DecisionInput.Request(in.method() == null ? null : in.method().toUpperCase(java.util.Locale.ROOT),
                        host, path, in.headerNames() == null ? List.of() : in.headerNames()),
                new DecisionInput.Run(null, in.runDepth() == null ? 0 : in.runDepth(), in.persona(),
                        in.labels() == null ? Map.of() : in.labels()),
                in.at() == null ? now : in.at(), workspace);
    }
}
