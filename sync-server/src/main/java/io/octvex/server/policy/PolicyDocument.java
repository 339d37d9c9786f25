package io.octvex.server.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import java.time.Duration;
import java.util.List;

/**
 * A workspace's policy as its author writes it (YAML or JSON). Grants allow actions on resource patterns to
 * roles, principals or kinds; rules add CEL conditions with any effect; rate limits bound how often; tests
 * pin the expected outcome of sample inputs. Default: deny.
 */
record PolicyDocument(Integer version, List<Grant> grants, List<Rule> rules, List<RateLimit> rateLimits,
                      List<PolicyTest> tests) {
    PolicyDocument {
        grants = grants == null ? List.of() : grants;
        rules = rules == null ? List.of() : rules;
        rateLimits = rateLimits == null ? List.of() : rateLimits;
        tests = tests == null ? List.of() : tests;
    }

    /** Who a grant is for: any listed role, principal name or kind. */
    record Subjects(List<Role> roles, List<String> principals, List<PrincipalKind> kinds) {
        Subjects {
            roles = roles == null ? List.of() : roles;
            principals = principals == null ? List.of() : principals;
            kinds = kinds == null ? List.of() : kinds;
        }
    }

    record Grant(String id, Subjects to, List<String> actions, List<String> resources) {}

    record Rule(String id, String when, Effect effect, String message, Approval approval) {}

    /**
     * Who must approve, how many distinct approvers, for how long the request stands, and whether approving
     * needs a step-up ({@code step_up: webauthn}).
     */
    record Approval(Role role, Integer quorum, Duration expires, String message,
                    @JsonProperty("step_up") StepUp stepUp) {}

    record RateLimit(String id, String when, String key, Integer limit, Duration window, Integer burst) {}

    /** A sample input, who acts in it, and the effect the policy must give it; saving runs every test. */
    record PolicyTest(String name, As as, io.octvex.protocol.PolicyInput input, Effect expect) {}

    /** The principal of a policy test, described rather than looked up. */
    record As(String name, PrincipalKind kind, List<Role> roles) {}
}
