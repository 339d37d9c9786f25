package io.octvex.server.run;

import io.octvex.server.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The keyset position of a run in the newest-first listing: its creation time and id. Clients see it as an
 * opaque URL-safe string ({@code base64url("r1:<epoch second>:<nano>:<id>")}) and pass it back as {@code before}.
 */
record RunCursor(Instant createdAt, UUID id) {
    private static final String PREFIX = "r1";

    static RunCursor of(RunRow run) {
        return new RunCursor(run.createdAt(), run.id());
    }

    String encode() {
        String plain = PREFIX + ":" + createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads a cursor this server produced; anything else is a 400. */
    static RunCursor decode(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = plain.split(":", -1);
            if (parts.length != 4 || !parts[0].equals(PREFIX)) {
                throw new IllegalArgumentException("unknown cursor format");
            }
            Instant at = Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            UUID id = UUID.fromString(parts[3]);
            if (!id.toString().equals(parts[3])) {
                throw new IllegalArgumentException("not a canonical id");
            }
            return new RunCursor(at, id);
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw ApiException.badRequest("'before' must be the 'nextBefore' value of a previous page, got '"
                    + (cursor.length() > 60 ? cursor.substring(0, 57) + "..." : cursor) + "'");
        }
    }
}
