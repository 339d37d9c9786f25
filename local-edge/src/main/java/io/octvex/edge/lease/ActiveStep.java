package io.octvex.edge.lease;

import io.octvex.edge.handler.ReportRejected;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import io.octvex.protocol.ActionCheck;
import io.octvex.protocol.ActionVerdict;
import io.octvex.protocol.ArtifactUpload;
import io.octvex.protocol.CheckpointReport;
import io.octvex.protocol.CredentialRef;
import io.octvex.protocol.CredentialSeal;
import io.octvex.protocol.Lease;
import io.octvex.protocol.LeaseRef;
import io.octvex.protocol.OctvexApiException;
import io.octvex.protocol.OctvexConnectionException;
import io.octvex.protocol.ProgressReport;
import io.octvex.protocol.SealedCredential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * One leased step while this edge works on it, and the {@link StepContext} its handler sees. Reports carry the
 * lease's epoch; a 409 (stale epoch) or a heartbeat naming the lease lost cancels the step and its result is
 * dropped.
 */
final class ActiveStep implements StepContext {
    private static final System.Logger LOG = System.getLogger(Edge.class.getName());

    /** How long one approval long-poll lasts; the wait itself lasts as long as the approval stands. */
    private static final java.time.Duration APPROVAL_POLL = java.time.Duration.ofSeconds(20);

    private final Lease lease;
    private final Edge edge;
    private final Path workDir;
    private volatile Thread thread;
    private volatile String lostReason;
    private volatile boolean abandoned;
    private volatile boolean workDirMade;
    private volatile boolean finished;
    private volatile boolean started;

    ActiveStep(Lease lease, Edge edge, Path workDir) {
        this.lease = lease;
        this.edge = edge;
        this.workDir = workDir;
    }

    void bind(Thread runner) {
        this.thread = runner;
    }

    LeaseRef ref() {
        return new LeaseRef(lease.stepId(), lease.epoch());
    }

    String describe() {
        return "step " + lease.stepKey() + " (" + lease.stepId() + ", attempt " + lease.attempt() + ", epoch "
                + lease.epoch() + ")";
    }

    /** The lease is no longer ours: stop the handler and drop whatever it produces. */
    void markLost(String reason) {
        if (lostReason == null) {
            lostReason = reason;
            LOG.log(Level.WARNING, "lost the lease of {0}: {1}; its result will be dropped", describe(), reason);
            interrupt();
        }
    }

    /** The edge gives the step up without reporting (drain bound passed, edge stopped): the lease expires. */
    void abandon() {
        abandoned = true;
        interrupt();
    }

    boolean lost() {
        return lostReason != null;
    }

    boolean abandoned() {
        return abandoned;
    }

    private void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    // --- StepContext -------------------------------------------------------------------------------------

    @Override
    public Lease lease() {
        return lease;
    }

    @Override
    public JsonNode input() {
        JsonNode input = lease.input();
        return input == null || input.isNull() || input.isMissingNode() ? JsonNodeFactory.instance.objectNode() : input;
    }

    /** Made on first use: most handlers never need one, and a folder per step costs every step. */
    @Override
    public Path workDir() {
        if (!workDirMade) {
            try {
                Files.createDirectories(workDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the step's work folder " + workDir, e);
            }
            workDirMade = true;
        }
        return workDir;
    }

    /** The work folder if the handler made one, to remove when the step ends. */
    Optional<Path> madeWorkDir() {
        return workDirMade ? Optional.of(workDir) : Optional.empty();
    }

    /** The step has a slot and its handler runs (until then it waits for one: ADR 0038). */
    void start() {
        started = true;
    }

    boolean started() {
        return started;
    }

    /** The handler has returned: from now on a new lease of the same step (a retry) may take its place. */
    void finish() {
        finished = true;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void progress(String message, Integer percent, JsonNode data) {
        if (cancelled()) {
            return;
        }
        try {
            edge.client().progress(lease.stepId(), new ProgressReport(lease.epoch(), message, percent, data));
        } catch (OctvexApiException e) {
            refused("progress", e);
        } catch (OctvexConnectionException e) {
            LOG.log(Level.DEBUG, "progress of {0} not delivered: {1}", describe(), e.getMessage());
        }
    }

    @Override
    public void checkpoint(String summary, JsonNode state) {
        if (cancelled()) {
            return;
        }
        try {
            edge.client().checkpoint(lease.stepId(), new CheckpointReport(lease.epoch(), summary, state));
        } catch (OctvexApiException e) {
            refused("checkpoint", e);
        } catch (OctvexConnectionException e) {
            LOG.log(Level.WARNING, "checkpoint of {0} not delivered: {1}", describe(), e.getMessage());
        }
    }

    @Override
    public String artifact(String name, String contentType, byte[] content) {
        if (cancelled()) {
            throw new ReportRejected("the step was cancelled; artifact " + name + " not uploaded", null);
        }
        try {
            return edge.client().artifact(lease.stepId(), new ArtifactUpload(lease.epoch(), name, contentType,
                    Base64.getEncoder().encodeToString(content))).id().toString();
        } catch (OctvexApiException e) {
            refused("artifact", e);
            throw new ReportRejected("the server refused artifact " + name + " (" + content.length + " bytes): "
                    + e.getMessage(), e);
        } catch (OctvexConnectionException e) {
            throw new ReportRejected("artifact " + name + " not uploaded: " + e.getMessage(), e);
        }
    }

    @Override
    public void authorize(String action, String resource, String method, List<String> headerNames)
            throws StepFailure {
        ActionVerdict verdict;
        try {
            verdict = edge.client().check(lease.stepId(), new ActionCheck(lease.epoch(), action, resource, method,
                    headerNames));
            while ("require_approval".equals(verdict.effect()) && !cancelled()) {
                LOG.log(Level.INFO, "{0} waits for approval {1} to {2} {3} (until {4})", describe(),
                        verdict.approvalId(), method, resource, verdict.expiresAt());
                verdict = edge.client().awaitApproval(lease.stepId(), verdict.approvalId(), APPROVAL_POLL);
            }
        } catch (OctvexApiException e) {
            refused("check", e);
            throw new StepFailure("the gate could not be asked about " + action + " " + resource + ": "
                    + e.getMessage(), e);
        } catch (OctvexConnectionException e) {
            throw new StepFailure("the gate could not be asked about " + action + " " + resource + ": "
                    + e.getMessage(), e);
        }
        if (cancelled()) {
            throw new StepFailure("the step ended while it waited for approval");
        }
        if (!"allow".equals(verdict.effect())) {
            if (verdict.approvalId() != null) { // the server failed the step with the approval: nothing to report
                markLost(verdict.reason());
            }
            throw new StepFailure(verdict.reason());
        }
    }

    @Override
    public byte[] credential(CredentialRef ref) throws StepFailure {
        SealedCredential sealed;
        try {
            sealed = edge.client().redeem(lease.stepId(), ref.leaseId(), lease.epoch());
        } catch (OctvexApiException e) {
            refused("credential", e);
            throw new StepFailure("credential '" + ref.secret() + "' could not be redeemed: " + e.getMessage(), e);
        } catch (OctvexConnectionException e) {
            throw new StepFailure("credential '" + ref.secret() + "' could not be redeemed: " + e.getMessage(), e);
        }
        try {
            return CredentialSeal.open(sealed, edge.identity().sealingKey(),
                    CredentialSeal.binding(ref.leaseId(), lease.stepId(), lease.epoch()));
        } catch (org.bouncycastle.crypto.InvalidCipherTextException e) {
            throw new StepFailure("credential '" + ref.secret() + "' was not sealed for this edge and lease", e);
        }
    }

    @Override
    public boolean cancelled() {
        return lostReason != null || abandoned;
    }

    private void refused(String what, OctvexApiException e) {
        if (e.status() == 409) {
            markLost("the server refused a " + what + " report (" + e.getMessage() + ")");
        } else if (e.status() == 401) {
            edge.unauthorised();
        } else {
            LOG.log(Level.WARNING, "the server refused a {0} report of {1}: {2}", what, describe(), e.getMessage());
        }
    }
}
