package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;

/** A security key registered to the caller; {@code credentialId} is the authenticator's id, base64url. */
public record WebAuthnCredentialView(UUID id, String credentialId, String label, long signCount, Instant createdAt,
                                     Instant lastUsedAt) {}
