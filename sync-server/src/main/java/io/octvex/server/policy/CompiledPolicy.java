package io.octvex.server.policy;

import dev.cel.runtime.CelRuntime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy ready to decide: patterns parsed and every condition compiled once, at save time. Grants are
 * also indexed by action, so a decision looks only at the grants that could apply to its action.
 */
record CompiledPolicy(PolicyDocument document, List<CompiledGrant> grants, List<CompiledRule> rules,
                      List<CompiledRateLimit> rateLimits, Map<String, List<CompiledGrant>> grantsByAction,
                      List<CompiledGrant> anyActionGrants) {

    CompiledPolicy(PolicyDocument document, List<CompiledGrant> grants, List<CompiledRule> rules,
                   List<CompiledRateLimit> rateLimits) {
        this(document, grants, rules, rateLimits, byAction(grants),
                grants.stream().filter(g -> g.grant().actions().contains("*")).toList());
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

    record CompiledRule(PolicyDocument.Rule rule, CelRuntime.Program condition) {}

    /** A rate limit: when it applies, and the expression whose value names the bucket (e.g. principal.id). */
    record CompiledRateLimit(PolicyDocument.RateLimit limit, CelRuntime.Program when, CelRuntime.Program key) {}
}
