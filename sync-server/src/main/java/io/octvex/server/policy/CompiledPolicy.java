package io.octvex.server.policy;

import dev.cel.runtime.CelRuntime;
import java.util.List;

/** A policy ready to decide: patterns parsed and every condition compiled once, at save time. */
record CompiledPolicy(PolicyDocument document, List<CompiledGrant> grants, List<CompiledRule> rules) {

    record CompiledGrant(PolicyDocument.Grant grant, List<ResourcePattern> resources) {}

    record CompiledRule(PolicyDocument.Rule rule, CelRuntime.Program condition) {}
}
