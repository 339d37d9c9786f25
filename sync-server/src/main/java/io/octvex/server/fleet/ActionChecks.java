package io.octvex.server.fleet;

import io.octvex.protocol.ActionCheck;
import io.octvex.protocol.ActionVerdict;
import io.octvex.server.approval.Approvals;
import io.octvex.server.approval.Gate;
import io.octvex.server.web.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An edge asks the {@link Gate} before an action its step's input did not name (a redirect, a navigation),
 * framed like every report (the lease's epoch, 404/400/409), and waits for an approval the answer asked for.
 * The wait re-reads the approval every {@link #POLL}; no connection is held in between.
 */
@Service
class ActionChecks {
    static final int MAX_WAIT_SECONDS = 30;
    static final Duration POLL = Duration.ofMillis(250);
    static final int MAX_HEADERS = 100;

    private final StepReports reports;
    private final LeaseStore leases;
    private final Gate gate;
    private final Approvals approvals;
    private final TransactionTemplate tx;

    ActionChecks(StepReports reports, LeaseStore leases, Gate gate, Approvals approvals, TransactionTemplate tx) {
        this.reports = reports;
        this.leases = leases;
        this.gate = gate;
        this.approvals = approvals;
        this.tx = tx;
    }

    ActionVerdict check(AuthenticatedEdge edge, UUID stepId, ActionCheck check) {
        return reports.fenced(edge, stepId, check == null ? null : check.epoch(), check == null, held -> {
            String action = required(check.action(), "action", 200);
            String resource = StepReports.text("resource", check.resource(), 4000, false);
            String method = StepReports.text("method", check.method(), 16, false);
            List<String> headers = check.headerNames() == null ? List.of() : check.headerNames();
            if (headers.size() > MAX_HEADERS) {
                throw ApiException.badRequest("'headerNames' lists " + headers.size() + " names; at most "
                        + MAX_HEADERS + " are allowed");
            }
            headers.forEach(h -> required(h, "headerNames[]", 200));
            return () -> gate.check(held.workspaceId(), held.runId(), held.id(), action, resource, method, headers);
        });
    }

    private static String required(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return StepReports.text(field, value, max, false);
    }

    /** Answers as soon as the approval is decided, or after {@code waitSeconds} with it still pending. */
    ActionVerdict awaitApproval(AuthenticatedEdge edge, UUID stepId, UUID approvalId, int waitSeconds)
            throws InterruptedException {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw ApiException.badRequest("'wait' must be between 0 and " + MAX_WAIT_SECONDS + " seconds");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
        while (true) {
            ActionVerdict verdict = tx.execute(s -> {
                LeaseStore.Held held = leases.find(edge.workspaceIds(), stepId)
                        .filter(h -> edge.id().equals(h.edgeId()))
                        .orElseThrow(() -> ApiException.notFound("step " + stepId));
                return approvals.verdict(held.workspaceId(), approvalId, held.id());
            });
            if (!"require_approval".equals(verdict.effect()) || System.nanoTime() >= deadline) {
                return verdict;
            }
            Thread.sleep(POLL);
        }
    }
}
