package io.octvex.protocol;

import java.time.Instant;

/** A one-time pairing code (ADR 0031), shown once: the Desk trades it for a session of {@code username}. */
public record PairingCode(String code, String username, Instant expiresAt) {
    @Override
    public String toString() {
        return "PairingCode[code=***, username=" + username + ", expiresAt=" + expiresAt + "]";
    }
}
