package io.octvex.server.identity;

import io.octvex.protocol.CreatePrincipal;
import io.octvex.protocol.MemberView;
import io.octvex.protocol.PrincipalKind;
import io.octvex.protocol.PrincipalView;
import io.octvex.protocol.PutMembership;
import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who belongs to a workspace, and with which roles. Users are instance-wide accounts that can join many
 * workspaces; agents and services live in the workspace that created them. Only an owner grants or takes away
 * the owner role, and a workspace never loses its last owner.
 */
@Service
class Members {
    private final WorkspaceAccess access;
    private final PrincipalStore principals;
    private final TokenStore tokens;
    private final Passwords passwords;
    private final AuditLog auditLog;
    private final Clock clock;

    Members(WorkspaceAccess access, PrincipalStore principals, TokenStore tokens, Passwords passwords,
            AuditLog auditLog, Clock clock) {
        this.access = access;
        this.principals = principals;
        this.tokens = tokens;
        this.passwords = passwords;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<MemberView> list(Caller caller, UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return principals.members(workspaceId);
    }

    @Transactional
    public MemberView create(Caller caller, UUID workspaceId, CreatePrincipal request) {
        List<Role> callerRoles = access.require(caller, workspaceId, Scope.MEMBERS_MANAGE);
        if (request.kind() == null) {
            throw ApiException.badRequest("'kind' is required: one of user, agent, service");
        }
        String name = Inputs.name("name", request.name(), 100);
        String displayName = Inputs.optionalName("displayName", request.displayName(), 100);
        Set<Role> roles = Inputs.roles(request.roles());
        requireOwnerToGrantOwner(callerRoles, Set.of(), roles);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        PrincipalView created;
        if (request.kind() == PrincipalKind.USER) {
            char[] password = request.password() == null ? null : request.password().toCharArray();
            try {
                String problem = Passwords.problemWith(password);
                if (problem != null) {
                    throw ApiException.badRequest(problem + " for a user");
                }
                if (principals.userNamed(name)) {
                    throw ApiException.conflict("a user named '" + name + "' already exists; add that user to "
                            + "the workspace with PUT .../members/{principalId}");
                }
                created = principals.insert(PrincipalKind.USER, name, displayName, null, passwords.hash(password),
                        false, now);
            } finally {
                if (password != null) {
                    Arrays.fill(password, '\0');
                }
            }
        } else {
            if (request.password() != null) {
                throw ApiException.badRequest("'password' is only for users: agents and services sign in with "
                        + "API tokens (POST .../tokens); leave 'password' out");
            }
            if (principals.principalNamedIn(workspaceId, name)) {
                throw ApiException.conflict("an agent or service named '" + name + "' already exists in this workspace");
            }
            created = principals.insert(request.kind(), name, displayName, workspaceId, null, false, now);
        }
        principals.insertMembership(workspaceId, created.id(), roles, now);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("principalId", created.id().toString());
        data.put("kind", created.kind().wire());
        data.put("name", created.name());
        data.put("roles", wire(roles));
        auditLog.append(workspaceId, AuditEntry.of("member.created", caller.principalId(), data));
        return new MemberView(created, List.copyOf(roles), now);
    }

    @Transactional
    public MemberView put(Caller caller, UUID workspaceId, UUID principalId, PutMembership request) {
        List<Role> callerRoles = access.require(caller, workspaceId, Scope.MEMBERS_MANAGE);
        // a principal the caller cannot see answers 404 before anything about the body is said
        PrincipalStore.Ref principal = principals.ref(principalId)
                .filter(p -> p.kind() == PrincipalKind.USER || workspaceId.equals(p.homeWorkspaceId()))
                .orElseThrow(() -> ApiException.notFound("principal " + principalId));
        Set<Role> roles = Inputs.roles(request.roles());
        List<UUID> owners = principals.lockOwners(workspaceId);
        var existing = principals.member(workspaceId, principal.id());
        if (existing.isEmpty()) {
            requireOwnerToGrantOwner(callerRoles, Set.of(), roles);
            principals.insertMembership(workspaceId, principal.id(), roles, clock.instant().truncatedTo(ChronoUnit.MICROS));
            auditLog.append(workspaceId, AuditEntry.of("member.added", caller.principalId(), Map.of(
                    "principalId", principal.id().toString(), "roles", wire(roles))));
            return principals.member(workspaceId, principal.id()).orElseThrow();
        }
        Set<Role> before = EnumSet.copyOf(existing.get().roles());
        if (before.equals(roles)) {
            return existing.get();
        }
        requireOwnerToGrantOwner(callerRoles, before, roles);
        if (before.contains(Role.OWNER) && !roles.contains(Role.OWNER) && owners.size() <= 1) {
            throw ApiException.conflict("this is the workspace's last owner: make someone else an owner first");
        }
        principals.updateRoles(workspaceId, principal.id(), roles);
        auditLog.append(workspaceId, AuditEntry.of("member.roles_changed", caller.principalId(), Map.of(
                "principalId", principal.id().toString(), "from", wire(before), "to", wire(roles))));
        return principals.member(workspaceId, principal.id()).orElseThrow();
    }

    @Transactional
    public void remove(Caller caller, UUID workspaceId, UUID principalId) {
        List<Role> callerRoles = access.require(caller, workspaceId, Scope.MEMBERS_MANAGE);
        List<UUID> owners = principals.lockOwners(workspaceId);
        MemberView member = principals.member(workspaceId, principalId)
                .orElseThrow(() -> ApiException.notFound("member " + principalId));
        Set<Role> before = EnumSet.copyOf(member.roles());
        requireOwnerToGrantOwner(callerRoles, before, Set.of());
        if (before.contains(Role.OWNER) && owners.size() <= 1) {
            throw ApiException.conflict("this is the workspace's last owner and cannot be removed: "
                    + "make someone else an owner first");
        }
        int revoked = tokens.revokeAll(workspaceId, principalId, clock.instant());
        principals.deleteMembership(workspaceId, principalId);
        auditLog.append(workspaceId, AuditEntry.of("member.removed", caller.principalId(), Map.of(
                "principalId", principalId.toString(), "name", member.principal().name(), "tokensRevoked", revoked)));
    }

    private static void requireOwnerToGrantOwner(List<Role> callerRoles, Set<Role> before, Set<Role> after) {
        if (before.contains(Role.OWNER) != after.contains(Role.OWNER) && !callerRoles.contains(Role.OWNER)) {
            throw ApiException.forbidden("only an owner of the workspace can grant or take away the owner role");
        }
    }

    private static List<String> wire(Collection<Role> roles) {
        return roles.stream().map(Role::wire).toList();
    }
}
