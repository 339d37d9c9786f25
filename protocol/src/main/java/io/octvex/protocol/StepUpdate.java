package io.octvex.protocol;

import tools.jackson.databind.JsonNode;

/**
 * Moves a step to a new status (running, blocked, completed, failed) with its result or error.
 * {@code expectedVersion}, when given, makes the update conditional on the step being unchanged.
 */
public record StepUpdate(StepStatus status, JsonNode result, String error, Long expectedVersion) {}
