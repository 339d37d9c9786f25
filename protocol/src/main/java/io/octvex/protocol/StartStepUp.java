package io.octvex.protocol;

/**
 * Asks for a step-up challenge to approve an approval whose rule says {@code step_up: webauthn}; the optional
 * {@code reason} and {@code grantMinutes} are those of {@link DecideApproval} and are recorded with the vote.
 */
public record StartStepUp(String reason, Integer grantMinutes) {}
