package io.octvex.protocol;

import tools.jackson.databind.JsonNode;

/**
 * Starting a registration: {@code label} names the key (e.g. "YubiKey 5C"); when the caller has a key
 * already, {@code proof} is one key's answer to a "register" key-management challenge. Finishing it:
 * {@code credential} is the attestation as {@code PublicKeyCredential.toJSON()} gives it.
 */
public record WebAuthnRegistration(String label, JsonNode credential, StepUpAssertion proof) {}
