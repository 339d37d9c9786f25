package io.octvex.protocol;

/**
 * An edge asking for work: at most {@code maxSteps} (its free slots, and the steps it may prefetch), waiting up
 * to {@code waitSeconds} (long-poll, at most 30) when nothing is ready.
 */
public record LeaseRequest(int maxSteps, int waitSeconds) {
    /**
     * The leases the server lets an edge hold per slot: the step running in it and up to 7 prefetched ones
     * waiting for it (ADR 0039). The edge decides how many it asks for within that.
     */
    public static final int LEASES_PER_SLOT = 8;
}
