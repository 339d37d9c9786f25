package io.octvex.server.fleet;

import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.EnrollmentView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.protocol.Scope;
import io.octvex.server.audit.AuditEntry;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Enrolment: an admin issues a token for one or more workspaces (single- or multi-use, expiring); an edge
 * presents it once with its labels, capabilities, capacity and sealing key and receives its own edge token.
 */
@Service
class Enrollments {
    static final Duration DEFAULT_LIFETIME = Duration.ofHours(24);
    static final Duration MAX_LIFETIME = Duration.ofDays(30);
    static final int MAX_USES = 1000;

    private final FleetStore store;
    private final WorkspaceAccess access;
    private final AuditLog audit;
    private final Clock clock;

    Enrollments(FleetStore store, WorkspaceAccess access, AuditLog audit, Clock clock) {
        this.store = store;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    IssuedEnrollment create(Caller caller, UUID workspaceId, CreateEnrollment request) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        if (request == null) {
            throw ApiException.badRequest("an enrolment needs a body, e.g. {\"name\": \"build hosts\"}");
        }
        Set<UUID> workspaces = new LinkedHashSet<>();
        workspaces.add(workspaceId);
        for (UUID also : request.alsoWorkspaces() == null ? List.<UUID>of() : request.alsoWorkspaces()) {
            if (also == null) {
                throw ApiException.badRequest("'alsoWorkspaces' must not contain null");
            }
            access.require(caller, also, Scope.WORKSPACE_ADMIN);
            workspaces.add(also);
        }
        String name = request.name() == null ? "edge enrolment" : EdgeInputs.text("name", request.name(), 100, true);
        int maxUses = request.maxUses() == null ? 1 : request.maxUses();
        if (maxUses < 1 || maxUses > MAX_USES) {
            throw ApiException.badRequest("'maxUses' must be between 1 and " + MAX_USES + ", got " + maxUses);
        }
        Instant now = now();
        Instant expiresAt = request.expiresAt() == null ? now.plus(DEFAULT_LIFETIME)
                : request.expiresAt().truncatedTo(ChronoUnit.MICROS);
        if (!expiresAt.isAfter(now)) {
            throw ApiException.badRequest("'expiresAt' must be in the future");
        }
        if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            throw ApiException.badRequest("'expiresAt' may be at most 30 days ahead");
        }
        return issue(caller.principalId(), List.copyOf(workspaces), name, maxUses, now, expiresAt);
    }

    /** An enrolment on behalf of a principal the server acts for (the local edge of {@code ./octvex up}). */
    @Transactional
    IssuedEnrollment createFor(UUID principalId, List<UUID> workspaces, String name, int maxUses,
                               java.time.Duration lifetime) {
        Instant now = now();
        return issue(principalId, workspaces, name, maxUses, now, now.plus(lifetime));
    }

    private IssuedEnrollment issue(UUID principalId, List<UUID> workspaces, String name, int maxUses, Instant now,
                                   Instant expiresAt) {
        String secret = FleetSecrets.generate(FleetSecrets.ENROLLMENT);
        FleetStore.EnrollmentRow row = new FleetStore.EnrollmentRow(UUID.randomUUID(), name, List.copyOf(workspaces),
                maxUses, 0, now, expiresAt, null);
        store.insertEnrollment(row, FleetSecrets.hash(secret), principalId);
        for (UUID ws : workspaces) {
            audit.append(ws, AuditEntry.of("edge.enrollment_created", principalId, Rows.data(
                    "enrollmentId", row.id().toString(), "name", name, "workspaceIds", ids(workspaces),
                    "maxUses", maxUses, "expiresAt", expiresAt.toString())));
        }
        return new IssuedEnrollment(view(row), secret);
    }

    @Transactional(readOnly = true)
    List<EnrollmentView> list(Caller caller, UUID workspaceId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        return store.enrollments(workspaceId).stream().map(Enrollments::view).toList();
    }

    @Transactional
    EnrollmentView revoke(Caller caller, UUID workspaceId, UUID enrollmentId) {
        access.require(caller, workspaceId, Scope.WORKSPACE_ADMIN);
        FleetStore.EnrollmentRow row = store.enrollment(workspaceId, enrollmentId)
                .orElseThrow(() -> ApiException.notFound("enrolment " + enrollmentId));
        Instant now = now();
        if (store.revokeEnrollment(enrollmentId, now)) {
            for (UUID ws : row.workspaceIds()) {
                audit.append(ws, AuditEntry.of("edge.enrollment_revoked", caller.principalId(), Rows.data(
                        "enrollmentId", enrollmentId.toString(), "name", row.name())));
            }
            row = store.enrollment(workspaceId, enrollmentId).orElseThrow();
        }
        return view(row);
    }

    /**
     * An edge presents an enrolment token. Unknown → 401; expired, revoked or used up → 410. Nothing is
     * written unless the edge is enrolled: the edge, its workspaces, the use, and an {@code edge.enrolled}
     * event in each workspace, in one transaction.
     */
    @Transactional
    EdgeEnrolled enroll(EnrollEdge request) {
        if (request == null) {
            throw ApiException.badRequest("enrolment needs a body: token, name, labels, capabilities, capacity, sealingKey");
        }
        if (!FleetSecrets.wellFormed(request.token(), FleetSecrets.ENROLLMENT)) {
            throw ApiException.unauthorized("'token' is not an enrolment token (ovx_enr_…); ask an admin for one");
        }
        EdgeInputs.Introduction intro = EdgeInputs.check(request);
        FleetStore.EnrollmentRow enrollment = store.lockEnrollment(FleetSecrets.hash(request.token()))
                .orElseThrow(() -> ApiException.unauthorized("the enrolment token is unknown"));
        Instant now = now();
        if (enrollment.revokedAt() != null) {
            throw gone("the enrolment token was revoked at " + enrollment.revokedAt() + "; ask an admin for a new one");
        }
        if (!enrollment.expiresAt().isAfter(now)) {
            throw gone("the enrolment token expired at " + enrollment.expiresAt() + "; ask an admin for a new one");
        }
        if (enrollment.uses() >= enrollment.maxUses()) {
            throw gone("the enrolment token has been used " + enrollment.uses() + " of " + enrollment.maxUses()
                    + " times; ask an admin for a new one");
        }
        List<UUID> workspaces = store.activeWorkspaces(enrollment.workspaceIds());
        if (workspaces.isEmpty()) {
            throw gone("the workspaces of this enrolment token are archived");
        }
        String secret = FleetSecrets.generate(FleetSecrets.EDGE);
        FleetStore.EdgeRow edge = new FleetStore.EdgeRow(UUID.randomUUID(), intro.name(), EdgeState.ACTIVE,
                intro.labels(), intro.capabilities(), intro.capacity(), intro.version(), now, now, null, null, 0,
                workspaces, 0);
        store.insertEdge(edge, FleetSecrets.hash(secret), intro.sealingKey(), enrollment.id());
        store.useEnrollment(enrollment.id());
        for (UUID ws : workspaces) {
            audit.append(ws, AuditEntry.of("edge.enrolled", null, Rows.data(
                    "edgeId", edge.id().toString(), "name", edge.name(), "enrollmentId", enrollment.id().toString(),
                    "labels", edge.labels(), "capabilities", edge.capabilities(), "capacity", edge.capacity(),
                    "version", edge.softwareVersion())));
        }
        return new EdgeEnrolled(edge.id(), secret, workspaces);
    }

    static EnrollmentView view(FleetStore.EnrollmentRow row) {
        return new EnrollmentView(row.id(), row.name(), row.workspaceIds(), row.maxUses(), row.uses(),
                row.createdAt(), row.expiresAt(), row.revokedAt());
    }

    private static List<String> ids(java.util.Collection<UUID> ids) {
        return new ArrayList<>(ids.stream().map(UUID::toString).toList());
    }

    private static ApiException gone(String detail) {
        return new ApiException(HttpStatus.GONE, "Enrolment token no longer valid", detail);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
