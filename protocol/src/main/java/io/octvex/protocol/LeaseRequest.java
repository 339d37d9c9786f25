package io.octvex.protocol;

/**
 * An edge asking for work: at most {@code maxSteps} (its free slots), waiting up to {@code waitSeconds}
 * (long-poll, at most 30) when nothing is ready.
 */
public record LeaseRequest(int maxSteps, int waitSeconds) {}
