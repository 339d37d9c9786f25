package io.octvex.server.identity;

import static io.octvex.protocol.Scope.*;

import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** What each workspace role may do. Policy (later) narrows actions further; it never widens these. */
final class RoleRights {
    private static final Map<Role, Set<Scope>> RIGHTS = Map.of(
            Role.OWNER, EnumSet.allOf(Scope.class),
            Role.ADMIN, EnumSet.allOf(Scope.class),
            Role.OPERATOR, EnumSet.of(WORKSPACE_READ, RUNS_READ, RUNS_WRITE, RUNS_EXECUTE, EVENTS_READ),
            Role.AGENT, EnumSet.of(WORKSPACE_READ, RUNS_READ, RUNS_WRITE, EVENTS_READ),
            Role.APPROVER, EnumSet.of(WORKSPACE_READ, RUNS_READ, EVENTS_READ),
            Role.VIEWER, EnumSet.of(WORKSPACE_READ, RUNS_READ, EVENTS_READ));

    /** Scopes that change something: refused in an archived workspace. */
    static final Set<Scope> WRITES = EnumSet.of(WORKSPACE_ADMIN, MEMBERS_MANAGE, TOKENS_MANAGE, RUNS_WRITE, RUNS_EXECUTE,
            SECRETS_MANAGE);

    private RoleRights() {}

    /** A new, mutable set: the union of the rights of {@code roles}. */
    static Set<Scope> of(Collection<Role> roles) {
        EnumSet<Scope> scopes = EnumSet.noneOf(Scope.class);
        roles.forEach(r -> scopes.addAll(RIGHTS.get(r)));
        return scopes;
    }
}
