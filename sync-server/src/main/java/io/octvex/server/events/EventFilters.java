package io.octvex.server.events;

import io.octvex.protocol.EventSearch;
import io.octvex.server.web.ApiException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads the filters of {@code GET …/events}; an unreadable one is a 400 that names it. */
final class EventFilters {
    // an event type, or a prefix of one ending in '.' or '*'
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.|\\.?\\*)?");

    private EventFilters() {}

    static EventSearch parse(String run, String type, String principal, String from, String to) {
        UUID runId = null;
        if (present(run)) {
            try {
                runId = UUID.fromString(run.strip());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("'run' must be a run id (a UUID), not '" + shorten(run) + "'");
            }
        }
        String kind = null;
        if (present(type)) {
            kind = type.strip();
            if (kind.length() > 100 || !TYPE.matcher(kind).matches()) {
                throw ApiException.badRequest("'type' must be an event type such as run.transitioned, or a prefix "
                        + "ending in '.' or '*' such as approval. or run.*, not '" + shorten(type) + "'");
            }
        }
        String who = null;
        if (present(principal)) {
            who = principal.strip();
            if (who.length() > 100) {
                throw ApiException.badRequest("'principal' must be a principal's id or name (at most 100 characters)");
            }
        }
        Instant start = present(from) ? instant("from", from) : null;
        Instant end = present(to) ? instant("to", to) : null;
        if (start != null && end != null && !start.isBefore(end)) {
            throw ApiException.badRequest("'from' must be before 'to'");
        }
        return new EventSearch(runId, kind, who, start, end);
    }

    private static Instant instant(String name, String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeException e) {
            throw ApiException.badRequest("'" + name + "' must be an ISO instant such as 2026-11-24T10:00:00Z, not '"
                    + shorten(text) + "'");
        }
    }

    static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
