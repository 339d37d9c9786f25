package io.octvex.protocol;

import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * An API client's answer to a challenge (a step-up for an approval, or a key-management challenge): the
 * challenge's id and the assertion as {@code PublicKeyCredential.toJSON()} gives it.
 */
public record StepUpAssertion(UUID challengeId, JsonNode credential) {}
