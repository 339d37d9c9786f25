package io.octvex.server.policy;

import java.util.Map;

/**
 * One decision's input and the CEL variables its conditions read, built on first use: once for the rules and
 * the rate limits together, and not at all when no condition needs evaluating. One decision, one thread.
 */
final class Activation {
    private final DecisionInput input;
    private Map<String, Object> variables;

    Activation(DecisionInput input) {
        this.input = input;
    }

    DecisionInput input() {
        return input;
    }

    Map<String, Object> variables() {
        if (variables == null) {
            variables = PolicyEngine.Variables.of(input);
        }
        return variables;
    }
}
