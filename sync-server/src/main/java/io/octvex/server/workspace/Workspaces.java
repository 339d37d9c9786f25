package io.octvex.server.workspace;

import io.octvex.protocol.Role;
import io.octvex.protocol.Scope;
import io.octvex.protocol.WorkspaceStatus;
import io.octvex.protocol.WorkspaceView;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.Identities;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Workspaces: create, list, read, rename, archive. The public face of this feature; {@link #create(String, UUID)}
 * is what the first start uses to make the default workspace.
 */
@Service
public class Workspaces {
    private final WorkspaceStore store;
    private final WorkspaceAccess access;
    private final Identities identities;
    private final AuditLog auditLog;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    Workspaces(WorkspaceStore store, WorkspaceAccess access, Identities identities, AuditLog auditLog, Clock clock,
               ApplicationEventPublisher events) {
        this.events = events;
        this.store = store;
        this.access = access;
        this.identities = identities;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /** The caller's workspaces, active and archived; an API token sees only its own workspace. */
    @Transactional(readOnly = true)
    public List<WorkspaceView> list(Caller caller) {
        Map<UUID, List<Role>> memberships = identities.membershipsOf(caller.principalId());
        if (!caller.isSession()) {
            memberships.keySet().retainAll(List.of(caller.tokenWorkspaceId()));
        }
        return store.findAll(memberships.keySet()).stream()
                .map(w -> w.view(memberships.get(w.id())))
                .sorted(Comparator.comparing((WorkspaceView w) -> w.name().toLowerCase(java.util.Locale.ROOT))
                        .thenComparing(WorkspaceView::id))
                .toList();
    }

    @Transactional
    public WorkspaceView create(Caller caller, String name) {
        if (!caller.isSession() || !caller.instanceAdmin()) {
            throw ApiException.forbidden("only an instance administrator, logged in (not with an API token), "
                    + "can create workspaces");
        }
        return create(name, caller.principalId());
    }

    /** Creates a workspace owned by {@code ownerId}, audited in the new workspace's chain and the instance's. */
    @Transactional(propagation = Propagation.REQUIRED)
    public WorkspaceView create(String name, UUID ownerId) {
        String checked = WorkspaceStore.checkName(name);
        if (store.activeNamed(checked, null)) {
            throw duplicate(checked);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        WorkspaceStore.Workspace created = store.insert(checked, now);
        identities.addOwner(created.id(), ownerId);
        Map<String, Object> data = Map.of("workspaceId", created.id().toString(), "name", checked,
                "ownerId", ownerId.toString());
        auditLog.append(created.id(), AuditEntry.of("workspace.created", ownerId, data));
        auditLog.append(AuditLog.INSTANCE, AuditEntry.of("workspace.created", ownerId, data));
        events.publishEvent(new WorkspaceCreated(created.id(), checked, ownerId));
        return created.view(List.of(Role.OWNER));
    }

    /** A workspace's name, for features that act on its behalf (no caller): the policy gate's input. */
    @Transactional(readOnly = true)
    public Optional<String> name(UUID workspaceId) {
        return store.find(workspaceId).map(WorkspaceStore.Workspace::name);
    }

    @Transactional(readOnly = true)
    public WorkspaceView get(Caller caller, UUID workspaceId) {
        List<Role> roles = access.require(caller, workspaceId, Scope.WORKSPACE_READ);
        return store.find(workspaceId).orElseThrow(() -> ApiException.notFound("workspace " + workspaceId)).view(roles);
    }

    @Transactional
    public WorkspaceView rename(Caller caller, UUID workspaceId, String name) {
        List<Role> roles = access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        String checked = WorkspaceStore.checkName(name);
        WorkspaceStore.Workspace current = store.lock(workspaceId)
                .orElseThrow(() -> ApiException.notFound("workspace " + workspaceId));
        if (current.name().equals(checked)) {
            return current.view(roles);
        }
        if (store.activeNamed(checked, workspaceId)) {
            throw duplicate(checked);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        store.update(workspaceId, checked, current.status(), now);
        auditLog.append(workspaceId, AuditEntry.of("workspace.renamed", caller.principalId(),
                Map.of("from", current.name(), "to", checked)));
        return store.find(workspaceId).orElseThrow().view(roles);
    }

    /** Archived workspaces can be read but not changed. Only an owner archives. */
    @Transactional
    public WorkspaceView archive(Caller caller, UUID workspaceId) {
        List<Role> roles = access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        if (!roles.contains(Role.OWNER)) {
            throw ApiException.forbidden("only an owner of the workspace can archive it");
        }
        WorkspaceStore.Workspace current = store.lock(workspaceId)
                .orElseThrow(() -> ApiException.notFound("workspace " + workspaceId));
        if (current.status() != WorkspaceStatus.ACTIVE) {
            throw ApiException.conflict("the workspace is already archived");
        }
        store.update(workspaceId, current.name(), WorkspaceStatus.ARCHIVED, clock.instant().truncatedTo(ChronoUnit.MICROS));
        auditLog.append(workspaceId, AuditEntry.of("workspace.archived", caller.principalId(),
                Map.of("name", current.name())));
        return store.find(workspaceId).orElseThrow().view(roles);
    }

    private static ApiException duplicate(String name) {
        return ApiException.conflict("an active workspace named '" + name + "' already exists; choose another name");
    }
}
