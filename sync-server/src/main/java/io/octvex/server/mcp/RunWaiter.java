package io.octvex.server.mcp;

import io.octvex.protocol.ApprovalStatus;
import io.octvex.protocol.ApprovalView;
import io.octvex.protocol.RunStatus;
import io.octvex.protocol.RunView;
import io.octvex.protocol.TimelineEntry;
import io.octvex.server.approval.Approvals;
import io.octvex.server.events.RunTimelines;
import io.octvex.server.run.Runs;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.springframework.context.SmartLifecycle;

/**
 * Waits, bounded, for a run to get somewhere on behalf of a tool call: done, failed (denied, expired, …), held for
 * an approval (answered at once, or waited through when the caller asks), or still under way when the time is up.
 * It sleeps until the run's own events arrive (the event log's notifications, from any replica) and reports
 * them as progress as they do. Waiting never holds a transaction. At most {@code maxWaits} calls wait at once on
 * this replica; beyond that a call looks once and answers what it sees, so waiting callers cannot exhaust the
 * server. Shutdown interrupts the waits, which then answer what they see.
 */
final class RunWaiter implements SmartLifecycle {
    enum State { COMPLETED, FAILED, PENDING_APPROVAL, UNDER_WAY }

    /** Where the run stands when the wait ends; {@code approval}: the pending one, or the one that ended it. */
    record Outcome(State state, RunView run, ApprovalView approval, boolean busy) {}

    /** What the progress reports are made of: how the run moves, never policy inputs or credential use. */
    private static final Set<String> REPORTED = Set.of("run.transitioned", "step.transitioned", "step.progress",
            "step.unplaced", "step.placed", "step.artifact", "lease.expired", "approval.requested", "approval.voted",
            "approval.approved", "approval.denied", "approval.expired", "approval.cancelled");

    private final Runs runs;
    private final Approvals approvals;
    private final RunTimelines timelines;
    private final Semaphore permits;
    private final Set<Thread> waiting = ConcurrentHashMap.newKeySet();
    private volatile boolean running;

    RunWaiter(Runs runs, Approvals approvals, RunTimelines timelines, int maxWaits) {
        this.runs = runs;
        this.approvals = approvals;
        this.timelines = timelines;
        this.permits = new Semaphore(maxWaits);
    }

    /**
     * Waits up to {@code timeout} for run {@code runId} of {@code workspaceId} (404 when that workspace has no such
     * run). A pending approval ends the wait at once unless {@code throughApproval}.
     */
    Outcome await(UUID workspaceId, UUID runId, Duration timeout, boolean throughApproval, McpTool.Progress progress) {
        List<TimelineEntry> history = timelines.of(workspaceId, runId).entries();
        Moves moves = new Moves(history.isEmpty() ? 0 : history.getLast().seq(), progress); // from now on
        boolean permitted = !timeout.isZero() && permits.tryAcquire();
        long deadline = System.nanoTime() + (permitted ? timeout.toNanos() : 0);
        boolean started = false;
        Thread self = Thread.currentThread();
        waiting.add(self);
        try {
            while (true) {
                RunView run = runs.get(workspaceId, runId);
                if (run.status().terminal()) {
                    // the moves that ended it since the last look, reported before the answer
                    moves.report(timelines.after(workspaceId, runId, moves.cursor));
                    return run.status() == RunStatus.COMPLETED ? new Outcome(State.COMPLETED, run, null, false)
                            : new Outcome(State.FAILED, run, endedApproval(workspaceId, runId), false);
                }
                ApprovalView pending = run.status() == RunStatus.BLOCKED ? pending(workspaceId, runId) : null;
                if (pending != null && !throughApproval) {
                    return new Outcome(State.PENDING_APPROVAL, run, pending, false);
                }
                if (System.nanoTime() >= deadline || !running) {
                    return pending != null ? new Outcome(State.PENDING_APPROVAL, run, pending, false)
                            : new Outcome(State.UNDER_WAY, run, null, !permitted && !timeout.isZero());
                }
                if (!started) {
                    started = true;
                    progress.report("Waiting for run " + runId + ": " + run.status().wire() + " (at most "
                            + timeout.toSeconds() + " s)");
                }
                if (pending != null && moves.announced.add(pending.id())) {
                    progress.report("Waiting for approval " + pending.id() + " (" + pending.quorum() + " × "
                            + pending.approverRole().wire() + ", expires " + pending.expiresAt() + ")");
                }
                List<TimelineEntry> entries;
                try {
                    entries = timelines.awaitAfter(workspaceId, runId, moves.cursor,
                            Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.interrupted(); // shutting down: clear the flag so the last look and the audit still run
                    deadline = System.nanoTime();
                    continue;
                }
                moves.report(entries);
            }
        } finally {
            waiting.remove(self);
            if (!running) {
                Thread.interrupted(); // an interrupt that came after the last wait must not hit the audit append
            }
            if (permitted) {
                permits.release();
            }
        }
    }

    /** What a wait has reported: the last entry seen, the last summary sent, the approvals announced. */
    private static final class Moves {
        long cursor;
        private String last;
        final Set<UUID> announced = new HashSet<>();
        private final McpTool.Progress progress;

        Moves(long cursor, McpTool.Progress progress) {
            this.cursor = cursor;
            this.progress = progress;
        }

        void report(List<TimelineEntry> entries) {
            for (TimelineEntry entry : entries) {
                cursor = entry.seq();
                if (entry.type().equals("approval.requested") && entry.data().hasNonNull("approvalId")) {
                    announced.add(UUID.fromString(entry.data().get("approvalId").asString()));
                }
                if (REPORTED.contains(entry.type()) && !entry.summary().equals(last)) {
                    last = entry.summary();
                    progress.report(last);
                }
            }
        }
    }

    private ApprovalView pending(UUID workspaceId, UUID runId) {
        List<ApprovalView> list = approvals.list(workspaceId, ApprovalStatus.PENDING, runId, 1);
        return list.isEmpty() ? null : list.getFirst();
    }

    /** The approval whose "no" ended the run, if one did. */
    private ApprovalView endedApproval(UUID workspaceId, UUID runId) {
        for (ApprovalStatus status : List.of(ApprovalStatus.DENIED, ApprovalStatus.EXPIRED)) {
            List<ApprovalView> list = approvals.list(workspaceId, status, runId, 1);
            if (!list.isEmpty()) {
                return list.getFirst();
            }
        }
        return null;
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends the waits (each answers what it sees) before the web server waits for open requests. */
    @Override
    public void stop() {
        running = false;
        waiting.forEach(Thread::interrupt);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
