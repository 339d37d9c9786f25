package io.octvex.protocol;

import java.util.UUID;

/**
 * Asking for a key-management challenge, which one of the caller's security keys must answer before a key is
 * added ({@code purpose} "register", with the new key's {@code label}) or removed ({@code purpose} "remove",
 * with the {@code credentialId} of the key, as {@link WebAuthnCredentialView#id()} names it).
 */
public record KeyChallenge(String purpose, UUID credentialId, String label) {}
