package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import io.octvex.server.fuzz.Fuzz;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The policy parser fed thousands of generated documents: policies assembled from the language's own keys with
 * random values, then mutated byte by byte. Each either compiles or is refused with {@link InvalidPolicyException};
 * anything else (a crash, another exception) fails the test with the seed that reproduces it. Policies that
 * compile are then evaluated: evaluation errors must come out as a decision, never as an exception.
 */
class PolicyFuzzTest {
    private static final int CASES = 2000;
    private static final List<String> KEYS = List.of("version", "grants", "rules", "tests", "id", "to", "roles",
            "kinds", "names", "actions", "resources", "when", "effect", "message", "approval", "role", "quorum",
            "expires", "rate", "limit", "per", "as", "input", "expect", "action", "resource", "method");
    private static final List<String> VALUES = List.of("allow", "deny", "require_approval", "'*'", "http.request",
            "\"https://*.example.com/**\"", "[owner, admin]", "{role: approver}", "PT10M", "P-1D", "-1", "0",
            "99999999999999999999", "1e308", "null", "~", "true", "[]", "{}", "'action == \"http.request\"'",
            "'run.labels[\"x\"] == \"y\"'", "'now.getHours(\"Nope/Zone\") > 3'", "'[1,2].all(x, x > 0)'",
            "'resource.matches(\"(a+)+$\")'", "'1 / 0 == 1'", "'size(request.headers) > 2'", "\"\\u0000\"",
            "&anchor [a]", "*anchor", "!!binary AAAA", "\"ünïcødé ✓\"", "'" + "x".repeat(300) + "'");

    private final PolicyCompiler compiler = new PolicyCompiler();
    private final PolicyEngine engine = new PolicyEngine();

    @Test
    void generatedPoliciesCompileOrAreRefusedAndNeverCrash() {
        Fuzz fuzz = Fuzz.seeded();
        List<String> failures = new ArrayList<>();
        int compiled = 0;
        for (int i = 0; i < CASES && failures.size() < 5; i++) {
            String text = fuzz.chance(0.5) ? fuzz.mutate(document(fuzz)) : document(fuzz);
            try {
                CompiledPolicy policy = compiler.compile(text);
                compiled++;
                engine.decide(policy, input());
            } catch (InvalidPolicyException refused) {
                assertThat(refused.getMessage()).isNotBlank();
            } catch (RuntimeException | StackOverflowError e) {
                failures.add(e + "\n--- policy:\n" + text);
            }
        }
        assertThat(failures).as(fuzz.reproduce()).isEmpty();
        assertThat(compiled).as("some generated policies are valid, so evaluation is exercised too").isPositive();
    }

    @Test
    void aBareListEntryIsAnErrorNotACrash() { // the first find of the test above: "grants:\n  -" was a 500
        for (String section : List.of("grants", "rules", "rateLimits", "tests")) {
            assertThatThrownBy(() -> compiler.compile(section + ":\n  -\n"))
                    .isInstanceOf(InvalidPolicyException.class).hasMessageContaining("/" + section + "/0")
                    .hasMessageContaining("empty");
        }
    }

    /** A document in the shape of the language, with random keys, values and nesting. */
    private static String document(Fuzz fuzz) {
        StringBuilder out = new StringBuilder();
        if (fuzz.chance(0.3)) {
            out.append("version: ").append(fuzz.pick(List.of("1", "2", "x", "-1"))).append('\n');
        }
        out.append("grants:\n");
        for (int g = fuzz.below(3); g >= 0; g--) {
            out.append("  - id: g").append(fuzz.below(3)).append('\n')
                    .append("    to: {roles: [").append(fuzz.pick(List.of("owner", "admin", "agent", "emperor", "")))
                    .append("]}\n")
                    .append("    actions: [").append(fuzz.pick(List.of("\"*\"", "http.request", "noop.run", "", "1")))
                    .append("]\n");
            if (fuzz.chance(0.3)) {
                out.append("    ").append(fuzz.pick(KEYS)).append(": ").append(fuzz.pick(VALUES)).append('\n');
            }
        }
        if (fuzz.chance(0.8)) {
            out.append("rules:\n");
            for (int r = fuzz.below(4); r >= 0; r--) {
                out.append("  - id: r").append(fuzz.below(4)).append('\n')
                        .append("    when: ").append(fuzz.pick(VALUES)).append('\n')
                        .append("    effect: ").append(fuzz.pick(List.of("allow", "deny", "require_approval", "maybe")))
                        .append('\n');
                for (int extra = fuzz.below(3); extra > 0; extra--) {
                    out.append("    ").append(fuzz.pick(KEYS)).append(": ").append(fuzz.pick(VALUES)).append('\n');
                }
            }
        }
        if (fuzz.chance(0.2)) {
            out.append("tests:\n  - name: t\n    input: {action: ").append(fuzz.pick(VALUES))
                    .append("}\n    expect: ").append(fuzz.pick(VALUES)).append('\n');
        }
        return out.toString();
    }

    private static DecisionInput input() {
        return new DecisionInput(new DecisionInput.Principal(UUID.randomUUID(), "bot", PrincipalKind.AGENT,
                List.of(Role.AGENT)), "http.request", "https://api.example.com/v1",
                new DecisionInput.Request("GET", "api.example.com", "/v1", List.of("accept")),
                new DecisionInput.Run(UUID.randomUUID(), 0, "p", Map.of()), Instant.parse("2026-11-23T11:00:00Z"),
                new DecisionInput.Workspace(UUID.randomUUID(), "fuzz"));
    }
}
