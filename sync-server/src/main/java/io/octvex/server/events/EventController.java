package io.octvex.server.events;

import io.octvex.protocol.ChainReport;
import io.octvex.protocol.EventPage;
import io.octvex.protocol.EventSearch;
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

    /**
     * A page of the log, oldest first after {@code after}, or with {@code order=newest} newest first before
     * {@code before}; optionally filtered by run, type (exact or a prefix ending in {@code .} or {@code *}),
     * principal (id or name) and time ({@code from} inclusive, {@code to} exclusive, ISO instants).
     */
    @GetMapping("/events")
    EventPage events(Caller caller, @PathVariable UUID workspaceId,
                     @RequestParam(required = false) String after, @RequestParam(required = false) String before,
                     @RequestParam(required = false) String order,
                     @RequestParam(defaultValue = "100") String limit,
                     @RequestParam(required = false) String run, @RequestParam(required = false) String type,
                     @RequestParam(required = false) String principal,
                     @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        access.require(caller, workspaceId, Scope.EVENTS_READ);
        boolean newest = newestFirst(order);
        if (newest && present(after)) {
            throw ApiException.badRequest("'after' pages oldest first; with order=newest pass 'before' instead");
        }
        if (!newest && present(before)) {
            throw ApiException.badRequest("'before' pages newest first: add order=newest, or pass 'after' instead");
        }
        int size = number("limit", limit, 1, 1000, "must be a whole number between 1 and 1000");
        EventSearch search = EventFilters.parse(run, type, principal, from, to);
        if (newest) {
            long cursor = present(before) ? number("before", before, 1, Long.MAX_VALUE,
                    "must be the 'lastSeq' of a previous page (a sequence number above 0)") : Long.MAX_VALUE;
            return auditLog.search(workspaceId, search, cursor, true, size);
        }
        long cursor = present(after) ? number("after", after, 0, Long.MAX_VALUE,
                "must be 0 or a sequence number") : 0;
        return search.equals(EventSearch.ALL) ? auditLog.page(workspaceId, cursor, size)
                : auditLog.search(workspaceId, search, cursor, false, size);
    }

    private static boolean newestFirst(String order) {
        if (!present(order) || order.strip().equals("oldest")) {
            return false;
        }
        if (order.strip().equals("newest")) {
            return true;
        }
        throw ApiException.badRequest("'order' must be 'oldest' (the default) or 'newest', not '"
                + EventFilters.shorten(order) + "'");
    }

    private static long number(String name, String text, long min, long max, String rule) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw ApiException.badRequest("'" + name + "' " + rule + ", not '" + EventFilters.shorten(text) + "'");
    }

    private static int number(String name, String text, int min, int max, String rule) {
        return (int) number(name, text, (long) min, (long) max, rule);
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
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
