package io.octvex.protocol;

import java.time.Instant;

/** The answer to a login: a session token, shown once, and who it belongs to. */
public record Session(String token, Instant expiresAt, PrincipalView principal) {
    @Override
    public String toString() {
        return "Session[token=***, expiresAt=" + expiresAt + ", principal=" + principal + "]";
    }
}
