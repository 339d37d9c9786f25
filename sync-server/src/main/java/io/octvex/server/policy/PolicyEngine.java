package io.octvex.server.policy;

import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides one action against a compiled policy. Every rule that can concern the action is evaluated (the
 * others' conditions are certainly false: {@link RulePrefilter}), so the decision lists all that matched; then
 * explicit deny wins, then require_approval, then allow (from a rule or a grant); nothing matching means deny.
 * A condition that fails to evaluate (a missing field, the iteration bound) counts as a matching deny: a
 * policy that cannot be read is never read as permission.
 */
final class PolicyEngine {

    Decision decide(CompiledPolicy policy, DecisionInput input) {
        return decide(policy, new Activation(input));
    }

    /** Decides, leaving the activation's variables built (if any rule needed them) for {@link #rateLimits}. */
    Decision decide(CompiledPolicy policy, Activation activation) {
        DecisionInput input = activation.input();
        List<String> matched = new ArrayList<>();
        Decision deny = null;
        Decision approval = null;
        Decision allow = null;
        // conditions see a missing action as "" (Variables), and so does the index
        for (CompiledPolicy.CompiledRule compiled : policy.rulesFor(input.action() == null ? "" : input.action())) {
            PolicyDocument.Rule rule = compiled.rule();
            Map<String, Object> variables = activation.variables();
            boolean hit;
            String error = null;
            try {
                Object result = compiled.condition().eval(variables);
                if (!(result instanceof Boolean b)) { // a dyn expression can pass the type check
                    throw new IllegalStateException("it gave " + result + " instead of true or false");
                }
                hit = b;
            } catch (CelEvaluationException | RuntimeException e) {
                hit = true;
                error = e.getMessage();
            }
            if (!hit) {
                continue;
            }
            matched.add(rule.id());
            if (error != null) {
                deny = deny != null ? deny : new Decision(Effect.DENY, rule.id(),
                        "the condition of rule '" + rule.id() + "' could not be evaluated (" + error + ")", null, null);
            } else if (rule.effect() == Effect.DENY) {
                deny = deny != null ? deny : new Decision(Effect.DENY, rule.id(), message(rule), null, null);
            } else if (rule.effect() == Effect.REQUIRE_APPROVAL) {
                approval = approval != null ? approval
                        : new Decision(Effect.REQUIRE_APPROVAL, rule.id(), message(rule), null, rule.approval());
            } else {
                allow = allow != null ? allow : new Decision(Effect.ALLOW, rule.id(), message(rule), null, null);
            }
        }
        Target target = input.resource() == null ? null : Target.parse(input.resource()).target();
        for (CompiledPolicy.CompiledGrant grant : policy.grantsFor(input.action())) {
            if (Grants.covers(grant, input, target)) {
                matched.add(grant.grant().id());
                allow = allow != null ? allow : new Decision(Effect.ALLOW, grant.grant().id(),
                        "granted by '" + grant.grant().id() + "'", null, null);
            }
        }
        Decision decided = deny != null ? deny : approval != null ? approval : allow != null ? allow
                : new Decision(Effect.DENY, null, "no grant or rule allows " + input.action()
                        + (input.resource() == null ? "" : " on " + input.resource()) + " (default deny)", null, null);
        return new Decision(decided.effect(), decided.decidedBy(), decided.reason(), List.copyOf(matched),
                decided.approval());
    }

    /** A rate limit that applies to an input, and the bucket (its key's value) it draws from. */
    record Applicable(PolicyDocument.RateLimit limit, String key) {}

    /**
     * The rate limits whose condition holds for the input, each with its key. A limit whose condition or
     * key cannot be evaluated makes this throw: the caller denies, as for any unreadable condition.
     */
    List<Applicable> rateLimits(CompiledPolicy policy, Activation activation) {
        if (policy.rateLimits().isEmpty()) {
            return List.of();
        }
        Map<String, Object> variables = activation.variables();
        List<Applicable> applicable = new ArrayList<>();
        for (CompiledPolicy.CompiledRateLimit limit : policy.rateLimits()) {
            try {
                if (Boolean.TRUE.equals(limit.when().eval(variables))) {
                    applicable.add(new Applicable(limit.limit(), String.valueOf(limit.key().eval(variables))));
                }
            } catch (CelEvaluationException | RuntimeException e) {
                throw new IllegalStateException("rate limit '" + limit.limit().id() + "' could not be evaluated ("
                        + e.getMessage() + ")", e);
            }
        }
        return applicable;
    }

    private static String message(PolicyDocument.Rule rule) {
        return rule.message() != null ? rule.message() : "rule '" + rule.id() + "' (" + rule.effect().wire() + ")";
    }

    /** The CEL view of an input: always every field, so conditions can rely on their presence. */
    static final class Variables {
        private Variables() {}

        static Map<String, Object> of(DecisionInput in) {
            Map<String, Object> principal = new HashMap<>();
            principal.put("id", in.principal() == null || in.principal().id() == null ? "" : in.principal().id().toString());
            principal.put("name", in.principal() == null || in.principal().name() == null ? "" : in.principal().name());
            principal.put("kind", in.principal() == null || in.principal().kind() == null ? "" : in.principal().kind().wire());
            principal.put("roles", in.principal() == null || in.principal().roles() == null ? List.of()
                    : in.principal().roles().stream().map(r -> r.wire()).toList());
            DecisionInput.Request r = in.request();
            Map<String, Object> request = new HashMap<>();
            request.put("method", r == null || r.method() == null ? "" : r.method());
            request.put("host", r == null || r.host() == null ? "" : r.host());
            request.put("path", r == null || r.path() == null ? "" : r.path());
            request.put("headers", r == null || r.headerNames() == null ? List.of() : r.headerNames());
            request.put("arguments", r == null ? Map.of() : celValue(r.arguments()));
            DecisionInput.Run run = in.run();
            Map<String, Object> runVars = new HashMap<>();
            runVars.put("id", run == null || run.id() == null ? "" : run.id().toString());
            runVars.put("depth", run == null ? 0L : (long) run.depth());
            runVars.put("persona", run == null || run.persona() == null ? "" : run.persona());
            runVars.put("labels", run == null || run.labels() == null ? Map.of() : run.labels());
            Map<String, Object> workspace = new HashMap<>();
            workspace.put("id", in.workspace() == null || in.workspace().id() == null ? "" : in.workspace().id().toString());
            workspace.put("name", in.workspace() == null || in.workspace().name() == null ? "" : in.workspace().name());
            Map<String, Object> vars = new HashMap<>();
            vars.put("principal", principal);
            vars.put("action", in.action() == null ? "" : in.action());
            vars.put("resource", in.resource() == null ? "" : in.resource());
            vars.put("request", request);
            vars.put("run", runVars);
            vars.put("now", in.now());
            vars.put("workspace", workspace);
            return vars;
        }

        /** JSON values as CEL types: whole numbers as int (long), other numbers as double; nulls dropped. */
        private static Object celValue(Object value) {
            return switch (value) {
                case Map<?, ?> map -> {
                    Map<String, Object> copy = new HashMap<>();
                    map.forEach((k, v) -> {
                        if (v != null) {
                            copy.put(String.valueOf(k), celValue(v));
                        }
                    });
                    yield copy;
                }
                case List<?> list -> list.stream().filter(java.util.Objects::nonNull).map(Variables::celValue).toList();
                case Integer i -> i.longValue();
                case Short i -> i.longValue();
                case Byte i -> i.longValue();
                case java.math.BigInteger i -> i.longValue();
                case Float f -> f.doubleValue();
                case java.math.BigDecimal d -> d.doubleValue();
                default -> value;
            };
        }
    }
}
