package io.octvex.server.events;

import io.octvex.protocol.EventView;
import io.octvex.protocol.Timeline;
import io.octvex.protocol.TimelineEntry;
import io.octvex.server.OctvexProperties;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** A run's timeline, rebuilt from its events alone: for the REST endpoint and the MCP tools alike. */
@Service
public class RunTimelines {
    private final AuditLog auditLog;
    private final EventWakeups wakeups;
    private final Duration pollInterval;

    RunTimelines(AuditLog auditLog, EventWakeups wakeups, OctvexProperties properties) {
        this.auditLog = auditLog;
        this.wakeups = wakeups;
        this.pollInterval = properties.api().streamPollInterval();
    }

    /** The timeline of a run of {@code workspaceId}; 404 when the workspace has no such run. */
    public Timeline of(UUID workspaceId, UUID runId) {
        List<EventView> events = auditLog.forRun(workspaceId, runId);
        if (events.isEmpty()) {
            throw ApiException.notFound("run " + runId);
        }
        return Timelines.of(runId, events);
    }

    /** The run's entries after {@code afterSeq}, as they stand now. */
    public List<TimelineEntry> after(UUID workspaceId, UUID runId, long afterSeq) {
        List<EventView> events = auditLog.forRun(workspaceId, runId, afterSeq);
        return events.isEmpty() ? List.of() : Timelines.of(runId, events).entries();
    }

    /**
     * The run's entries after {@code afterSeq}, waiting up to {@code timeout} for the first of them. Woken by the
     * workspace's event notifications (commits on any replica), not by polling; it re-reads at the stream poll
     * interval only in case a notification was lost. Empty when nothing happened in time.
     */
    public List<TimelineEntry> awaitAfter(UUID workspaceId, UUID runId, long afterSeq, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long generation = wakeups.generation(workspaceId);
            List<TimelineEntry> entries = after(workspaceId, runId, afterSeq);
            if (!entries.isEmpty()) {
                return entries;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return List.of();
            }
            wakeups.await(workspaceId, generation, Duration.ofNanos(Math.min(left, pollInterval.toNanos())));
        }
    }
}
