package io.octvex.protocol;

import tools.jackson.databind.JsonNode;

/** The terminal report of a leased step: {@code completed} with its result, or {@code failed} with its error. */
public record StepResult(long epoch, StepStatus status, JsonNode result, String error) {}
