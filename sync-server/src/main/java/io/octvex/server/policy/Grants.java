package io.octvex.server.policy;

/** Whether a grant covers an input: its subject, one of its actions, and (when it names any) a resource. */
final class Grants {
    private Grants() {}

    /** {@code target} is the input's resource, canonicalised once per decision (null when it is not a URL). */
    private static boolean holdsAny(java.util.List<io.octvex.protocol.Role> held,
                                    java.util.List<io.octvex.protocol.Role> wanted) {
        if (held == null) {
            return false;
        }
        for (io.octvex.protocol.Role role : held) { // a handful of roles: a loop, no stream, on the hot path
            if (wanted.contains(role)) {
                return true;
            }
        }
        return false;
    }

    static boolean covers(CompiledPolicy.CompiledGrant compiled, DecisionInput input, Target target) {
        PolicyDocument.Grant grant = compiled.grant();
        DecisionInput.Principal p = input.principal();
        if (p == null) {
            return false;
        }
        PolicyDocument.Subjects to = grant.to();
        boolean subject = (p.kind() != null && to.kinds().contains(p.kind()))
                || (p.name() != null && to.principals().contains(p.name()))
                || holdsAny(p.roles(), to.roles());
        if (!subject) {
            return false;
        }
        boolean action = grant.actions().contains("*") || grant.actions().contains(input.action());
        if (!action) {
            return false;
        }
        if (compiled.resources().isEmpty()) {
            return true;
        }
        if (target == null) {
            return false;
        }
        for (ResourcePattern pattern : compiled.resources()) {
            if (pattern.matches(target)) {
                return true;
            }
        }
        return false;
    }
}
