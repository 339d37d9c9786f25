package io.octvex.server.policy;

/** Whether a grant covers an input: its subject, one of its actions, and (when it names any) a resource. */
final class Grants {
    private Grants() {}

    static boolean covers(CompiledPolicy.CompiledGrant compiled, DecisionInput input) {
        PolicyDocument.Grant grant = compiled.grant();
        DecisionInput.Principal p = input.principal();
        if (p == null) {
            return false;
        }
        PolicyDocument.Subjects to = grant.to();
        boolean subject = (p.roles() != null && p.roles().stream().anyMatch(to.roles()::contains))
                || (p.name() != null && to.principals().contains(p.name()))
                || (p.kind() != null && to.kinds().contains(p.kind()));
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
        return input.resource() != null && compiled.resources().stream().anyMatch(r -> r.matches(input.resource()));
    }
}
