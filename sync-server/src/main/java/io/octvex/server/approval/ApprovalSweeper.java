package io.octvex.server.approval;

import io.octvex.protocol.StepStatus;
import io.octvex.protocol.StepView;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ends approvals nobody can answer any more: past their expiry (treated as a denial: the step fails), or
 * whose step stopped waiting (the run was cancelled: the approval is cancelled). Safe on every replica at
 * once: each approval is handled in its own transaction that locks it (skipping those another replica
 * holds) and ends it only if it is still pending.
 */
@Component
class ApprovalSweeper {
    private static final Logger log = LoggerFactory.getLogger(ApprovalSweeper.class);
    private static final int BATCH = 50;

    private final ApprovalStore store;
    private final Approvals approvals;
    private final TransactionTemplate tx;
    private final Clock clock;

    ApprovalSweeper(ApprovalStore store, Approvals approvals, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.approvals = approvals;
        this.tx = tx;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${octvex.approvals.sweep-interval:PT1S}", initialDelayString = "PT1S")
    void scheduled() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("Approval sweep failed; the next one retries", e);
        }
    }

    /** Answers how many approvals it ended. */
    int sweep() {
        int ended = 0;
        while (true) {
            Integer handled = tx.execute(s -> batch());
            ended += handled;
            if (handled < BATCH) {
                return ended;
            }
        }
    }

    private int batch() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        var due = store.due(now, BATCH);
        for (ApprovalStore.Due d : due) {
            ApprovalStore.Row row = store.find(d.workspaceId(), d.id()).orElseThrow();
            StepView step = approvals.step(row);
            if (step == null || step.status() != StepStatus.BLOCKED) {
                approvals.cancel(row, step, now);
            } else {
                approvals.expire(row, now);
            }
        }
        return due.size();
    }
}
