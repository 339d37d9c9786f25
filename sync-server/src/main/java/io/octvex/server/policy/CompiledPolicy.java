package io.octvex.server.policy;

import dev.cel.runtime.CelRuntime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A policy ready to decide: patterns parsed and every condition compiled once, at save time. Grants and rules
 * are also indexed by action, so a decision looks only at the grants and rules that could apply to its action.
 */
record CompiledPolicy(PolicyDocument document, List<CompiledGrant> grants, List<CompiledRule> rules,
                      List<CompiledRateLimit> rateLimits, Map<String, List<CompiledGrant>> grantsByAction,
                      List<CompiledGrant> anyActionGrants, Map<String, List<CompiledRule>> rulesByAction,
                      List<CompiledRule> anyActionRules) {

    CompiledPolicy(PolicyDocument document, List<CompiledGrant> grants, List<CompiledRule> rules,
                   List<CompiledRateLimit> rateLimits) {
        this(document, grants, rules, rateLimits, byAction(grants),
                grants.stream().filter(g -> g.grant().actions().contains("*")).toList(), rulesByAction(rules),
                rules.stream().filter(r -> r.onlyFor().isEmpty()).toList());
    }

    /** The grants that name {@code action} explicitly or cover every action. */
    List<CompiledGrant> grantsFor(String action) {
        List<CompiledGrant> named = grantsByAction.getOrDefault(action, List.of());
        if (anyActionGrants.isEmpty()) {
            return named;
        }
        List<CompiledGrant> all = new java.util.ArrayList<>(named);
        all.addAll(anyActionGrants);
        return all;
    }

    /**
     * The rules whose condition can hold for {@code action} (as conditions see it: "" when there is none),
     * in document order, so that explanations list matches as if every rule had been evaluated.
     */
    List<CompiledRule> rulesFor(String action) {
        return rulesByAction.getOrDefault(action, anyActionRules);
    }

    /** Each action some rule names, with the rules naming it and those naming no action, in document order. */
    private static Map<String, List<CompiledRule>> rulesByAction(List<CompiledRule> rules) {
        Set<String> named = new HashSet<>();
        rules.forEach(r -> r.onlyFor().ifPresent(named::addAll));
        Map<String, List<CompiledRule>> index = new HashMap<>();
        for (String action : named) {
            index.put(action, rules.stream().filter(r -> r.onlyFor().map(a -> a.contains(action)).orElse(true))
                    .toList());
        }
        return Map.copyOf(index);
    }

    private static Map<String, List<CompiledGrant>> byAction(List<CompiledGrant> grants) {
        Map<String, List<CompiledGrant>> index = new HashMap<>();
        for (CompiledGrant grant : grants) {
            for (String action : grant.grant().actions()) {
                if (!action.equals("*")) {
                    index.computeIfAbsent(action, a -> new java.util.ArrayList<>()).add(grant);
                }
            }
        }
        index.replaceAll((a, list) -> List.copyOf(list));
        return Map.copyOf(index);
    }

    record CompiledGrant(PolicyDocument.Grant grant, List<ResourcePattern> resources) {}

    /** {@code onlyFor}: the actions the condition can hold for ({@link RulePrefilter}); empty for any. */
    record CompiledRule(PolicyDocument.Rule rule, CelRuntime.Program condition, Optional<Set<String>> onlyFor) {}

    /** A rate limit: when it applies, and the expression whose value names the bucket (e.g. principal.id). */
    record CompiledRateLimit(PolicyDocument.RateLimit limit, CelRuntime.Program when, CelRuntime.Program key) {}
}
