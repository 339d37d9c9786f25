package io.octvex.server.events;

import io.octvex.protocol.EventView;
import io.octvex.protocol.Timeline;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.web.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** A run's timeline, rebuilt from its events alone: for the REST endpoint and the MCP tool alike. */
@Service
public class RunTimelines {
    private final AuditLog auditLog;

    RunTimelines(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    /** The timeline of a run of {@code workspaceId}; 404 when the workspace has no such run. */
    public Timeline of(UUID workspaceId, UUID runId) {
        List<EventView> events = auditLog.forRun(workspaceId, runId);
        if (events.isEmpty()) {
            throw ApiException.notFound("run " + runId);
        }
        return Timelines.of(runId, events);
    }
}
