package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {
    private final PolicyCompiler compiler = new PolicyCompiler();
    private final PolicyEngine engine = new PolicyEngine();

    private static final Instant MONDAY_NOON_BERLIN = Instant.parse("2026-11-23T11:00:00Z");
    private static final Instant SATURDAY_NOON_BERLIN = Instant.parse("2026-11-28T11:00:00Z");
    private static final Instant SUNDAY_0030_BERLIN = Instant.parse("2026-11-28T23:30:00Z"); // Saturday in UTC

    private static DecisionInput http(PrincipalKind kind, List<Role> roles, String method, String url, Instant now,
                                      String workspace) {
        URI uri = URI.create(url);
        return new DecisionInput(new DecisionInput.Principal(UUID.randomUUID(), "bot-1", kind, roles),
                "http.request", url, new DecisionInput.Request(method, uri.getHost(), uri.getPath(), List.of("accept")),
                new DecisionInput.Run(UUID.randomUUID(), 0, "billing-clerk", Map.of()), now,
                new DecisionInput.Workspace(UUID.randomUUID(), workspace));
    }

    private static DecisionInput agentGet(String url) {
        return http(PrincipalKind.AGENT, List.of(Role.AGENT), "GET", url, MONDAY_NOON_BERLIN, "billing");
    }

    @Test
    void defaultIsDeny() {
        Decision d = engine.decide(compiler.compile("version: 1\n"), agentGet("https://api.example.com/"));
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.decidedBy()).isNull();
        assertThat(d.reason()).contains("default deny");
    }

    @Test
    void denyWinsOverApprovalWhichWinsOverAllow() {
        String base = """
                grants:
                  - id: agents-http
                    to: {kinds: [agent]}
                    actions: [http.request]
                rules:
                  - id: approve-all
                    when: 'action == "http.request"'
                    effect: require_approval
                    approval: {role: approver}
                """;
        Decision approval = engine.decide(compiler.compile(base), agentGet("https://x.example.com/"));
        assertThat(approval.effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
        assertThat(approval.matched()).containsExactlyInAnyOrder("approve-all", "agents-http");

        Decision deny = engine.decide(compiler.compile(base + """
                  - id: no-x
                    when: 'request.host == "x.example.com"'
                    effect: deny
                    message: x is off limits
                """), agentGet("https://x.example.com/"));
        assertThat(deny.effect()).isEqualTo(Effect.DENY);
        assertThat(deny.decidedBy()).isEqualTo("no-x");
        assertThat(deny.reason()).isEqualTo("x is off limits");

        Decision allow = engine.decide(compiler.compile("""
                grants:
                  - id: agents-http
                    to: {kinds: [agent]}
                    actions: [http.request]
                """), agentGet("https://x.example.com/"));
        assertThat(allow.effect()).isEqualTo(Effect.ALLOW);
        assertThat(allow.decidedBy()).isEqualTo("agents-http");
    }

    private static final String EXAMPLES = """
            version: 1
            grants:
              - id: agents-example-only
                to: {kinds: [agent]}
                actions: [http.request]
                resources: ["https://*.example.com/**"]
              - id: operators-anything
                to: {roles: [operator]}
                actions: ["*"]
            rules:
              - id: billing-manager-signoff
                when: 'action == "http.request" && request.method != "GET" && request.host.endsWith(".billing.example.com")'
                effect: require_approval
                message: manager sign-off for any change to the billing API
                approval: {role: approver, quorum: 1, expires: PT4H}
              - id: no-weekend-runs-berlin
                when: 'now.getDayOfWeek("Europe/Berlin") in [0, 6]'
                effect: deny
                message: no runs on weekends (Europe/Berlin)
              - id: production-deletes-two-approvers
                when: 'request.method == "DELETE" && workspace.name.startsWith("prod")'
                effect: require_approval
                approval: {role: approver, quorum: 2, expires: PT1H}
            rateLimits:
              - id: http-per-agent
                when: 'action == "http.request" && principal.kind == "agent"'
                key: principal.id
                limit: 100
                window: PT1M
            """;

    @Test
    void agentsMayOnlyReachExampleCom() {
        CompiledPolicy policy = compiler.compile(EXAMPLES);
        assertThat(engine.decide(policy, agentGet("https://api.example.com/v1")).effect()).isEqualTo(Effect.ALLOW);
        assertThat(engine.decide(policy, agentGet("https://api.example.org/v1")).effect()).isEqualTo(Effect.DENY);
        assertThat(engine.decide(policy, agentGet("https://api.example.com@evil.org/")).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void billingChangesNeedManagerSignOffButReadsDoNot() {
        CompiledPolicy policy = compiler.compile(EXAMPLES);
        Decision post = engine.decide(policy, http(PrincipalKind.AGENT, List.of(Role.AGENT), "POST",
                "https://api.billing.example.com/invoices", MONDAY_NOON_BERLIN, "billing"));
        assertThat(post.effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
        assertThat(post.decidedBy()).isEqualTo("billing-manager-signoff");
        assertThat(post.approval().role()).isEqualTo(Role.APPROVER);
        assertThat(post.approval().expires()).hasHours(4);
        assertThat(engine.decide(policy, agentGet("https://api.billing.example.com/invoices")).effect())
                .isEqualTo(Effect.ALLOW);
    }

    @Test
    void noRunsOnWeekendsInBerlinEvenWhenUtcDisagrees() {
        CompiledPolicy policy = compiler.compile(EXAMPLES);
        assertThat(engine.decide(policy, http(PrincipalKind.USER, List.of(Role.OPERATOR), "GET",
                "https://api.example.com/", SATURDAY_NOON_BERLIN, "billing")).decidedBy()).isEqualTo("no-weekend-runs-berlin");
        // 23:30 UTC on Saturday is 00:30 on Sunday in Berlin: still the weekend there
        assertThat(engine.decide(policy, http(PrincipalKind.USER, List.of(Role.OPERATOR), "GET",
                "https://api.example.com/", SUNDAY_0030_BERLIN, "billing")).effect()).isEqualTo(Effect.DENY);
        assertThat(engine.decide(policy, http(PrincipalKind.USER, List.of(Role.OPERATOR), "GET",
                "https://api.example.com/", MONDAY_NOON_BERLIN, "billing")).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void productionDeletesNeedTwoApprovers() {
        CompiledPolicy policy = compiler.compile(EXAMPLES);
        Decision d = engine.decide(policy, http(PrincipalKind.USER, List.of(Role.OPERATOR), "DELETE",
                "https://api.example.com/db/1", MONDAY_NOON_BERLIN, "prod-eu"));
        assertThat(d.effect()).isEqualTo(Effect.REQUIRE_APPROVAL);
        assertThat(d.approval().quorum()).isEqualTo(2);
        assertThat(engine.decide(policy, http(PrincipalKind.USER, List.of(Role.OPERATOR), "DELETE",
                "https://api.example.com/db/1", MONDAY_NOON_BERLIN, "staging")).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void celErrorsAreRefusedAtSaveWithTheirLineAndColumn() {
        String policy = """
                rules:
                  - id: typo
                    when: 'request.method == "GET" && principal.kind = "agent"'
                    effect: deny
                  - id: not-bool
                    when: 'request.method + "x"'
                    effect: deny
                """;
        assertThatThrownBy(() -> compiler.compile(policy)).isInstanceOfSatisfying(InvalidPolicyException.class, e -> {
            PolicyError syntax = e.errors().get(0);
            assertThat(syntax.line()).isEqualTo(3);
            // the column points into the condition, after the opening quote at column 11
            assertThat(syntax.column()).isGreaterThan(11);
            assertThat(syntax.message()).startsWith("/rules/0/when");
            PolicyError type = e.errors().stream().filter(x -> x.message().startsWith("/rules/1/when")).findFirst()
                    .orElseThrow();
            assertThat(type.line()).isEqualTo(6);
            assertThat(type.message()).containsIgnoringCase("bool");
        });
    }

    @Test
    void documentErrorsNameTheFieldAndLine() {
        assertThatThrownBy(() -> compiler.compile("rules:\n  - id: a\n    wen: 'true'\n    effect: deny\n"))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> {
                    assertThat(e.errors().getFirst().message()).contains("unknown field 'wen'");
                    assertThat(e.errors().getFirst().line()).isEqualTo(3);
                });
        assertThatThrownBy(() -> compiler.compile("rules:\n  - id: a\n    when: 'true'\n    effect: maybe\n"))
                .hasMessageContaining("allow, deny or require_approval");
        assertThatThrownBy(() -> compiler.compile("grants:\n  - id: g\n    to: {kinds: [agent]}\n    actions: [http.request]\n"
                + "    resources: ['https://user@x.example.com/**']\n"))
                .hasMessageContaining("user information").hasMessageContaining("line 5");
        assertThatThrownBy(() -> compiler.compile("rules:\n  - id: a\n    when: 'true'\n    effect: require_approval\n"))
                .hasMessageContaining("approver role");
        assertThatThrownBy(() -> compiler.compile("rules:\n  - id: a\n    when: 'true'\n    effect: deny\n"
                + "  - id: a\n    when: 'true'\n    effect: deny\n")).hasMessageContaining("used twice");
    }

    /** Agents may do anything, and one extra allow rule whose condition is under test. */
    private CompiledPolicy agentsMayDoAnythingIf(String ruleId, String when) {
        return compiler.compile("""
                grants:
                  - id: all
                    to: {kinds: [agent]}
                    actions: ["*"]
                rules:
                  - id: %s
                    when: '%s'
                    effect: allow
                """.formatted(ruleId, when));
    }

    @Test
    void runawayConditionsAreBoundedAndReadAsDeny() {
        CompiledPolicy policy = agentsMayDoAnythingIf("heavy", "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, a + b + c > 0)))");
        Decision d = engine.decide(policy, agentGet("https://api.example.com/"));
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.decidedBy()).isEqualTo("heavy");
        assertThat(d.reason()).contains("could not be evaluated");
    }

    @Test
    void aConditionThatIsNotBooleanAtRunTimeIsADeny() {
        CompiledPolicy policy = agentsMayDoAnythingIf("dyn", "run.labels");
        Decision d = engine.decide(policy, agentGet("https://api.example.com/"));
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.reason()).contains("instead of true or false");
    }

    @Test
    void aMissingFieldInAConditionIsADenyNotAnAllow() {
        CompiledPolicy policy = agentsMayDoAnythingIf("label-check", "run.labels[\"env\"] == \"prod\"");
        assertThat(engine.decide(policy, agentGet("https://api.example.com/")).effect()).isEqualTo(Effect.DENY);
    }
}
