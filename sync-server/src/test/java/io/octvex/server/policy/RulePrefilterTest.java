package io.octvex.server.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RulePrefilterTest {
    private final PolicyCompiler compiler = new PolicyCompiler();
    private final PolicyEngine engine = new PolicyEngine();

    /** What the compiler derived for a policy with one deny rule whose condition is {@code when}. */
    private Optional<Set<String>> onlyFor(String when) {
        return compiler.compile("rules:\n  - id: r\n    when: '" + when + "'\n    effect: deny\n").rules().getFirst()
                .onlyFor();
    }

    @Test
    void equalityAndListMembershipNarrowTheActions() {
        assertThat(onlyFor("action == \"http.request\"")).contains(Set.of("http.request"));
        assertThat(onlyFor("\"http.request\" == action")).contains(Set.of("http.request"));
        assertThat(onlyFor("action in [\"file.read\", \"file.write\"]")).contains(Set.of("file.read", "file.write"));
        assertThat(onlyFor("action in []")).contains(Set.of());
    }

    @Test
    void anyTopLevelConjunctNarrowsAndSeveralIntersect() {
        assertThat(onlyFor("request.method == \"GET\" && action == \"http.request\" && principal.kind == \"agent\""))
                .contains(Set.of("http.request"));
        assertThat(onlyFor("(action in [\"a.x\", \"b.x\"] && request.method == \"GET\")"
                + " && action in [\"b.x\", \"c.x\"]")).contains(Set.of("b.x"));
        assertThat(onlyFor("action == \"a.x\" && action == \"b.x\"")).contains(Set.of());
        assertThat(onlyFor("request.host.endsWith(\".example.com\") && !(request.method in [\"GET\"]) && "
                + "(principal.kind == \"agent\" || has(run.labels.env)) && true && action == \"a.x\""))
                .contains(Set.of("a.x"));
    }

    @Test
    void disjunctionsNegationsAndOtherShapesLeaveTheRuleForEveryAction() {
        for (String when : List.of(
                "request.method == \"GET\"",
                "action == \"a.x\" || action == \"b.x\"",
                "(action == \"a.x\" || request.method == \"GET\") && principal.kind == \"agent\"",
                "!(action != \"a.x\")",
                "action != \"a.x\"",
                "action.startsWith(\"a.\")",
                "action == \"a.x\" ? true : false",
                "action in [\"a.x\", request.host]",
                "[\"a.x\"].exists(a, a == action)",
                "[\"a.x\"].exists(action, action == \"a.x\")",
                "action == resource",
                // a conjunct may be neither bool nor error, and then && fails whatever action says
                "run.labels && action == \"a.x\"",
                "run.labels[\"flag\"] && action == \"a.x\"",
                "action == \"a.x\" && (request.method == \"GET\" ? true : run.labels[\"flag\"])",
                "action == \"a.x\" && [1].all(i, i > 0)")) {
            assertThat(onlyFor(when)).as(when).isEmpty();
        }
    }

    private static final String POLICY = """
            grants:
              - id: agents-anything
                to: {kinds: [agent]}
                actions: ["*"]
              - id: users-files
                to: {kinds: [user]}
                actions: [file.read, file.write]
            rules:
              - id: no-http-deletes
                when: 'action == "http.request" && request.method == "DELETE"'
                effect: deny
              - id: prod-http-needs-approval
                when: 'action == "http.request" && run.labels["env"] == "prod"'
                effect: require_approval
                approval: {role: approver}
              - id: prod-http-error-first
                when: 'run.labels["env"] == "prod" && action == "http.request"'
                effect: deny
              - id: agent-files
                when: 'action in ["file.read", "file.write"] && principal.kind == "agent"'
                effect: allow
              - id: writes-or-prod
                when: 'action == "file.write" || run.labels["env"] == "prod"'
                effect: deny
              - id: not-not-exec
                when: '!(action != "shell.exec")'
                effect: require_approval
                approval: {role: approver, quorum: 2}
              - id: exec-runaway
                when: '[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, a + b + c > 0))) == true && action == "shell.exec"'
                effect: deny
              - id: never
                when: 'action == "file.read" && action == "file.write"'
                effect: deny
              - id: prod-workspace
                when: 'workspace.name.startsWith("prod") && request.method != "GET"'
                effect: require_approval
                approval: {role: approver}
            """;

    /** A label used as a bool is a string, which makes && fail for every action, not just a.x. */
    private static final String NOT_A_BOOL = """
            grants:
              - id: agents-anything
                to: {kinds: [agent]}
                actions: ["*"]
            rules:
              - id: flag-first
                when: 'run.labels["env"] && action == "http.request"'
                effect: deny
              - id: flag-second
                when: 'action == "file.read" && run.labels["env"]'
                effect: require_approval
                approval: {role: approver}
            """;

    /** Same rules, but each evaluated for every action, as before the pre-filter. */
    private static CompiledPolicy unfiltered(CompiledPolicy policy) {
        return new CompiledPolicy(policy.document(), policy.grants(), policy.rules().stream()
                .map(r -> new CompiledPolicy.CompiledRule(r.rule(), r.condition(), Optional.empty())).toList(),
                policy.rateLimits());
    }

    private static List<DecisionInput> inputs() {
        List<DecisionInput> inputs = new ArrayList<>();
        for (String action : List.of("http.request", "file.read", "file.write", "shell.exec", "mail.send")) {
            for (PrincipalKind kind : List.of(PrincipalKind.AGENT, PrincipalKind.USER)) {
                for (Map<String, String> labels : List.of(Map.<String, String>of(), Map.of("env", "prod"),
                        Map.of("env", "dev"))) {
                    for (String method : List.of("GET", "DELETE")) {
                        inputs.add(new DecisionInput(
                                new DecisionInput.Principal(UUID.randomUUID(), "p", kind, List.of(Role.OPERATOR)),
                                action, "https://api.example.com/v1",
                                new DecisionInput.Request(method, "api.example.com", "/v1", List.of()),
                                new DecisionInput.Run(UUID.randomUUID(), 0, null, labels),
                                Instant.parse("2026-11-24T10:00:00Z"),
                                new DecisionInput.Workspace(UUID.randomUUID(), labels.isEmpty() ? "prod-eu" : "dev")));
                    }
                }
            }
        }
        return inputs;
    }

    @Test
    void decisionsAndTheirMatchesAreThoseOfEvaluatingEveryRule() {
        for (String document : List.of(POLICY, NOT_A_BOOL)) {
            CompiledPolicy policy = compiler.compile(document);
            CompiledPolicy everyRule = unfiltered(policy);
            for (DecisionInput input : inputs()) {
                assertThat(engine.decide(policy, input)).as(input.action() + " " + input.principal().kind() + " "
                        + input.run().labels() + " " + input.request().method())
                        .isEqualTo(engine.decide(everyRule, input));
            }
        }
    }

    @Test
    void theComparisonCoversSkippedRulesAndConditionsThatFail() {
        CompiledPolicy policy = compiler.compile(POLICY);
        assertThat(policy.rulesFor("mail.send")).extracting(r -> r.rule().id())
                .containsExactly("writes-or-prod", "not-not-exec", "prod-workspace");
        assertThat(policy.rulesFor("file.read")).extracting(r -> r.rule().id())
                .containsExactly("agent-files", "writes-or-prod", "not-not-exec", "prod-workspace");
        // without the env label, the other conjunct fails: a matching deny for http.request, nothing elsewhere;
        // the same for exceeding the iteration budget
        DecisionInput http = inputs().stream().filter(i -> i.action().equals("http.request")
                && i.run().labels().isEmpty()).findFirst().orElseThrow();
        Decision failing = engine.decide(unfiltered(policy), http);
        assertThat(failing.effect()).isEqualTo(Effect.DENY);
        assertThat(failing.reason()).contains("could not be evaluated");
        assertThat(failing.matched()).contains("prod-http-needs-approval", "prod-http-error-first");
        DecisionInput mail = new DecisionInput(http.principal(), "mail.send", http.resource(), http.request(),
                http.run(), http.now(), http.workspace());
        assertThat(engine.decide(unfiltered(policy), mail).matched())
                .doesNotContain("prod-http-needs-approval", "prod-http-error-first", "exec-runaway")
                .contains("writes-or-prod");
        DecisionInput exec = new DecisionInput(http.principal(), "shell.exec", http.resource(), http.request(),
                http.run(), http.now(), http.workspace());
        assertThat(engine.decide(policy, exec).matched()).contains("exec-runaway");
        // but a side that is a string rather than an error fails && for every action
        DecisionInput prodMail = inputs().stream().filter(i -> i.action().equals("mail.send")
                && "prod".equals(i.run().labels().get("env"))).findFirst().orElseThrow();
        Decision notABool = engine.decide(unfiltered(compiler.compile(NOT_A_BOOL)), prodMail);
        assertThat(notABool.decidedBy()).isEqualTo("flag-first");
        assertThat(notABool.reason()).contains("could not be evaluated");
    }
}
