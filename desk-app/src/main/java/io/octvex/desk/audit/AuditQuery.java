package io.octvex.desk.audit;

import io.octvex.protocol.EventSearch;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;

/**
 * A search over the workspace's log as typed, read here so a field that cannot be read is said in the Desk's
 * words (local times in the user's zone); the server runs it. Every part is optional. {@code type} matches
 * exactly, or as a prefix when it ends with {@code .} or {@code *} ({@code approval.} finds every approval
 * event); {@code principal} is a name or id; {@code from} is inclusive, {@code to} exclusive.
 */
record AuditQuery(UUID runId, String type, String principal, Instant from, Instant to) {

    /**
     * Reads the search fields as typed. Times are ISO instants ({@code 2026-11-24T10:00:00Z}), local date-times
     * ({@code 2026-11-24 10:00}) or dates ({@code 2026-11-24}: the whole day for "to") in {@code zone}.
     *
     * @throws IllegalArgumentException with a sentence naming the field
     */
    static AuditQuery parse(String run, String type, String principal, String from, String to, ZoneId zone) {
        UUID runId = null;
        if (!blank(run)) {
            try {
                runId = UUID.fromString(run.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Run must be a run id (a UUID), not '" + run.strip() + "'.");
            }
        }
        Instant start = blank(from) ? null : time("From", from, zone, false);
        Instant end = blank(to) ? null : time("To", to, zone, true);
        if (start != null && end != null && !start.isBefore(end)) {
            throw new IllegalArgumentException("From must be before To.");
        }
        return new AuditQuery(runId, blank(type) ? null : type.strip(), blank(principal) ? null : principal.strip(),
                start, end);
    }

    /** The search as the server's events API takes it. */
    EventSearch toSearch() {
        return new EventSearch(runId, type, principal, from, to);
    }

    private static Instant time(String field, String text, ZoneId zone, boolean endOfDay) {
        String t = text.strip();
        try {
            return Instant.parse(t.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException ignored) {
            // not an instant: a local date-time or a date
        }
        try {
            return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // a date?
        }
        try {
            LocalDate day = LocalDate.parse(t);
            return (endOfDay ? day.plusDays(1) : day).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a time such as 2026-11-24, 2026-11-24 10:00 or "
                    + "2026-11-24T10:00:00Z, not '" + t + "'.");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
