package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * A WebAuthn ceremony the server started: a registration of a security key, or a step-up for one approval.
 * {@code publicKey} is the options for {@code navigator.credentials.create/get} in their JSON form (binary
 * values base64url). {@code ceremonyUrl} opens the server's ceremony page in a browser with a one-time
 * ticket in its fragment (5 minutes, single use); an API client may instead answer with the credential
 * itself and {@code id}.
 */
public record WebAuthnCeremony(UUID id, String ceremonyUrl, Instant expiresAt, JsonNode publicKey) {}
