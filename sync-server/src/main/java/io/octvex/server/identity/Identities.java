package io.octvex.server.identity;

import io.octvex.protocol.MemberView;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.Role;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** What other features may ask of identities: memberships, a workspace's first owner, the first admin. */
@Service
public class Identities {
    private final PrincipalStore principals;
    private final Passwords passwords;
    private final Clock clock;

    Identities(PrincipalStore principals, Passwords passwords, Clock clock) {
        this.principals = principals;
        this.passwords = passwords;
        this.clock = clock;
    }

    /** Each workspace the principal belongs to, with its roles there. */
    @Transactional(readOnly = true)
    public Map<UUID, List<Role>> membershipsOf(UUID principalId) {
        return principals.membershipsOf(principalId);
    }

    /** The names of the members holding {@code role} (for an approval's evidence: who may answer). */
    @Transactional(readOnly = true)
    public List<String> holdersOf(UUID workspaceId, Role role) {
        return principals.members(workspaceId).stream().filter(m -> m.roles().contains(role))
                .map(m -> m.principal().name()).sorted().toList();
    }

    /** Makes the principal the owner of a workspace being created, in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void addOwner(UUID workspaceId, UUID principalId) {
        principals.insertMembership(workspaceId, principalId, EnumSet.of(Role.OWNER),
                clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    @Transactional(readOnly = true)
    public boolean anyUser() {
        return principals.anyUser();
    }

    /** Creates a user who is an instance administrator, in the caller's transaction. */
    @Transactional(propagation = Propagation.MANDATORY)
    public PrincipalView createInstanceAdmin(String username, char[] password) {
        String name = Inputs.name("username", username, 100);
        String problem = Passwords.problemWith(password);
        if (problem != null) {
            throw ApiException.badRequest(problem.replace("'password'", "the admin password"));
        }
        return principals.insert(PrincipalKind.USER, name, null, null, passwords.hash(password), true,
                clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    /** A member of the workspace by principal name (case-insensitive), for explaining policy as them. */
    @Transactional(readOnly = true)
    public Optional<MemberView> memberNamed(UUID workspaceId, String name) {
        return principals.members(workspaceId).stream()
                .filter(m -> m.principal().name().equalsIgnoreCase(name)).findFirst();
    }

    /** The memberships of several principals in one workspace, by principal id; non-members are absent. */
    @Transactional(readOnly = true)
    public Map<UUID, MemberView> members(UUID workspaceId, java.util.Collection<UUID> principalIds) {
        Map<UUID, MemberView> members = new java.util.HashMap<>();
        principals.members(workspaceId, principalIds).forEach(m -> members.put(m.principal().id(), m));
        return members;
    }

    /** The caller's own membership in a workspace. */
    @Transactional(readOnly = true)
    public Optional<MemberView> member(UUID workspaceId, UUID principalId) {
        return principals.member(workspaceId, principalId);
    }
}
