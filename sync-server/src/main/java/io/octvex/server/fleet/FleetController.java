package io.octvex.server.fleet;

import io.octvex.protocol.CreateEnrollment;
import io.octvex.protocol.EdgeState;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EnrollmentView;
import io.octvex.protocol.IssuedEnrollment;
import io.octvex.server.identity.Caller;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The fleet of a workspace for operators: enrolment tokens, edges and their states, artifacts of runs. */
@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}")
class FleetController {
    private final Enrollments enrollments;
    private final FleetOperations operations;
    private final Artifacts artifacts;

    FleetController(Enrollments enrollments, FleetOperations operations, Artifacts artifacts) {
        this.enrollments = enrollments;
        this.operations = operations;
        this.artifacts = artifacts;
    }

    @PostMapping("/edges/enrollments")
    ResponseEntity<IssuedEnrollment> createEnrollment(Caller caller, @PathVariable UUID workspaceId,
                                                      @RequestBody CreateEnrollment request) {
        IssuedEnrollment issued = enrollments.create(caller, workspaceId, request);
        return ResponseEntity.created(URI.create("/api/v1/workspaces/" + workspaceId + "/edges/enrollments/"
                + issued.enrollment().id())).body(issued);
    }

    @GetMapping("/edges/enrollments")
    List<EnrollmentView> enrollments(Caller caller, @PathVariable UUID workspaceId) {
        return enrollments.list(caller, workspaceId);
    }

    @PostMapping("/edges/enrollments/{enrollmentId}/revoke")
    EnrollmentView revokeEnrollment(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID enrollmentId) {
        return enrollments.revoke(caller, workspaceId, enrollmentId);
    }

    @GetMapping("/edges")
    List<EdgeView> edges(Caller caller, @PathVariable UUID workspaceId) {
        return operations.list(caller, workspaceId);
    }

    @GetMapping("/edges/{edgeId}")
    EdgeView edge(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID edgeId) {
        return operations.get(caller, workspaceId, edgeId);
    }

    @PostMapping("/edges/{edgeId}/quarantine")
    EdgeView quarantine(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID edgeId) {
        return operations.change(caller, workspaceId, edgeId, EdgeState.QUARANTINED);
    }

    @PostMapping("/edges/{edgeId}/drain")
    EdgeView drain(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID edgeId) {
        return operations.change(caller, workspaceId, edgeId, EdgeState.DRAINING);
    }

    @PostMapping("/edges/{edgeId}/release")
    EdgeView release(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID edgeId) {
        return operations.change(caller, workspaceId, edgeId, EdgeState.ACTIVE);
    }

    @PostMapping("/edges/{edgeId}/revoke")
    EdgeView revoke(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID edgeId) {
        return operations.change(caller, workspaceId, edgeId, EdgeState.REVOKED);
    }

    /**
     * The artifact's bytes. Always an attachment with the browser's content sniffing and scripting off: an
     * artifact is whatever an edge uploaded, never a page of this server.
     */
    @GetMapping("/runs/{runId}/artifacts/{artifactId}")
    ResponseEntity<byte[]> artifact(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID runId,
                                    @PathVariable UUID artifactId) {
        ArtifactStore.Stored stored = artifacts.download(caller, workspaceId, runId, artifactId);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(stored.view().contentType()))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(stored.view().name(), java.nio.charset.StandardCharsets.UTF_8).build().toString())
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "sandbox; default-src 'none'")
                .header("Octvex-Artifact-Sha256", stored.view().sha256())
                .body(stored.content());
    }
}
