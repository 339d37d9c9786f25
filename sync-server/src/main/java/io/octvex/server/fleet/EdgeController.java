package io.octvex.server.fleet;

import io.octvex.protocol.ActionCheck;
import io.octvex.protocol.ActionVerdict;
import io.octvex.protocol.ArtifactUpload;
import io.octvex.protocol.RedeemCredential;
import io.octvex.protocol.SealedCredential;
import io.octvex.server.credential.CredentialLeases;
import io.octvex.server.web.ApiException;
import io.octvex.protocol.ArtifactView;
import io.octvex.protocol.CheckpointReport;
import io.octvex.protocol.EdgeEnrolled;
import io.octvex.protocol.EdgeView;
import io.octvex.protocol.EnrollEdge;
import io.octvex.protocol.Heartbeat;
import io.octvex.protocol.HeartbeatAck;
import io.octvex.protocol.LeaseBatch;
import io.octvex.protocol.LeaseRequest;
import io.octvex.protocol.ProgressReport;
import io.octvex.protocol.ResultBatch;
import io.octvex.protocol.ResultBatchAck;
import io.octvex.protocol.StepResult;
import java.net.URI;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The edge's side of the API. Everything but enrolment is authenticated by the edge's own token
 * ({@link EdgeAuthenticationFilter}); reports carry the lease's epoch and are refused with 409 when it is
 * no longer current.
 */
@RestController
@RequestMapping("/api/v1/edge")
class EdgeController {
    private final Enrollments enrollments;
    private final FleetOperations operations;
    private final Leases leases;
    private final StepReports reports;
    private final ActionChecks checks;
    private final CredentialLeases credentials;
    private final FleetStore fleet;

    EdgeController(Enrollments enrollments, FleetOperations operations, Leases leases, StepReports reports,
                   ActionChecks checks, CredentialLeases credentials, FleetStore fleet) {
        this.checks = checks;
        this.credentials = credentials;
        this.fleet = fleet;
        this.enrollments = enrollments;
        this.operations = operations;
        this.leases = leases;
        this.reports = reports;
    }

    /** Public: the enrolment token in the body is the credential. */
    @PostMapping("/enroll")
    ResponseEntity<EdgeEnrolled> enroll(@RequestBody EnrollEdge request) {
        EdgeEnrolled enrolled = enrollments.enroll(request);
        return ResponseEntity.created(URI.create("/api/v1/edge/me")).body(enrolled);
    }

    @GetMapping("/me")
    EdgeView me(AuthenticatedEdge edge) {
        return operations.me(edge);
    }

    /** Long-poll: answers as soon as steps are leased, or after {@code waitSeconds} with none. */
    @PostMapping("/leases")
    LeaseBatch lease(AuthenticatedEdge edge, @RequestBody LeaseRequest request) throws InterruptedException {
        return leases.lease(edge, request);
    }

    @PostMapping("/heartbeat")
    HeartbeatAck heartbeat(AuthenticatedEdge edge, @RequestBody Heartbeat heartbeat) {
        return leases.heartbeat(edge, heartbeat);
    }

    @PostMapping("/steps/{stepId}/progress")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void progress(AuthenticatedEdge edge, @PathVariable UUID stepId, @RequestBody ProgressReport report) {
        reports.progress(edge, stepId, report);
    }

    @PostMapping("/steps/{stepId}/checkpoint")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void checkpoint(AuthenticatedEdge edge, @PathVariable UUID stepId, @RequestBody CheckpointReport report) {
        reports.checkpoint(edge, stepId, report);
    }

    @PostMapping("/steps/{stepId}/artifacts")
    ResponseEntity<ArtifactView> artifact(AuthenticatedEdge edge, @PathVariable UUID stepId,
                                          @RequestBody ArtifactUpload upload) {
        return ResponseEntity.status(HttpStatus.CREATED).body(reports.artifact(edge, stepId, upload));
    }

    @PostMapping("/steps/{stepId}/result")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void result(AuthenticatedEdge edge, @PathVariable UUID stepId, @RequestBody StepResult result) {
        reports.result(edge, stepId, result);
    }

    /**
     * Terminal results of several steps, each fenced by its own lease, recorded in one transaction; then, when
     * the batch asks ({@code lease}), more steps leased in the slots they freed, in the same transaction and answer.
     */
    @PostMapping("/results")
    ResultBatchAck results(AuthenticatedEdge edge, @RequestBody ResultBatch batch) {
        return leases.report(edge, batch);
    }

    /** Before an action the step's input did not name: allow, deny, or require_approval (the step blocks). */
    @PostMapping("/steps/{stepId}/checks")
    ActionVerdict check(AuthenticatedEdge edge, @PathVariable UUID stepId, @RequestBody ActionCheck check) {
        return checks.check(edge, stepId, check);
    }

    /** Long-poll: the approval's outcome as a verdict, as soon as it is decided or after {@code wait} seconds. */
    @GetMapping("/steps/{stepId}/approvals/{approvalId}")
    ActionVerdict approval(AuthenticatedEdge edge, @PathVariable UUID stepId, @PathVariable UUID approvalId,
                           @RequestParam(defaultValue = "20") int wait) throws InterruptedException {
        return checks.awaitApproval(edge, stepId, approvalId, wait);
    }

    /** Redeems a credential lease of a step this edge holds: the material, sealed to this edge's key. */
    @PostMapping("/steps/{stepId}/credentials/{leaseId}")
    SealedCredential redeem(AuthenticatedEdge edge, @PathVariable UUID stepId, @PathVariable UUID leaseId,
                            @RequestBody RedeemCredential request) {
        if (request == null) {
            throw ApiException.badRequest("a redemption needs a body with the lease's 'epoch'");
        }
        byte[] key = fleet.sealingKey(edge.id()).orElseThrow(() -> ApiException.unauthorized("the edge is unknown"));
        return credentials.redeem(edge.workspaceIds(), edge.id(), key, stepId, leaseId, request.epoch());
    }
}
