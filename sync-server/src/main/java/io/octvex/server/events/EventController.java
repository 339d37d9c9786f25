package io.octvex.server.events;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.Scope;
import io.octvex.protocol.Timeline;
import io.octvex.server.audit.AuditLog;
import io.octvex.server.identity.Caller;
import io.octvex.server.identity.WorkspaceAccess;
import io.octvex.server.web.ApiException;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The audit/event log of a workspace: pages, the live stream, chain verification and run timelines. */
@RestController
@RequestMapping("/api/v1/workspaces/{workspaceId}")
class EventController {
    private final AuditLog auditLog;
    private final WorkspaceAccess access;
    private final EventStreams streams;
    private final RunTimelines timelines;

    EventController(AuditLog auditLog, WorkspaceAccess access, EventStreams streams, RunTimelines timelines) {
        this.auditLog = auditLog;
        this.access = access;
        this.streams = streams;
        this.timelines = timelines;
    }

    @GetMapping("/events")
    EventPage events(Caller caller, @PathVariable UUID workspaceId,
                     @RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "100") int limit) {
        access.require(caller, workspaceId, Scope.EVENTS_READ);
        if (after < 0) {
            throw ApiException.badRequest("'after' must be 0 or a sequence number");
        }
        if (limit < 1 || limit > 1000) {
            throw ApiException.badRequest("'limit' must be between 1 and 1000");
        }
        return auditLog.page(workspaceId, after, limit);
    }

    /** Resumes after {@code Last-Event-ID} when the client reconnects, else after {@code after}. */
    @GetMapping(path = "/events/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(Caller caller, @PathVariable UUID workspaceId,
                      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
                      @RequestParam(defaultValue = "0") long after) {
        long cursor = after;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                cursor = Long.parseLong(lastEventId.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("'Last-Event-ID' must be the sequence number of an event");
            }
        }
        if (cursor < 0) {
            throw ApiException.badRequest("the stream cursor must be 0 or a sequence number");
        }
        return streams.open(caller, workspaceId, cursor);
    }

    @PostMapping("/events/verify")
    ChainReport verify(Caller caller, @PathVariable UUID workspaceId) {
        access.require(caller, workspaceId, Scope.EVENTS_READ);
        return auditLog.verify(workspaceId);
    }

    @GetMapping("/runs/{runId}/timeline")
    Timeline timeline(Caller caller, @PathVariable UUID workspaceId, @PathVariable UUID runId) {
        access.require(caller, workspaceId, Scope.RUNS_READ);
        return timelines.of(workspaceId, runId);
    }
}
