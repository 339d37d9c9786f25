package io.octvex.protocol;

import java.util.List;

/**
 * The answer to a {@link ResultBatch}: one outcome per result, in the order sent. Only when the batch asked
 * for a refill ({@link ResultBatch#lease()}): the steps leased with it and whether the edge is to drain; both
 * are absent otherwise, so an edge that never asks gets the answer it always got.
 */
public record ResultBatchAck(List<ResultOutcome> outcomes, List<Lease> leases, Boolean drain) {
    public ResultBatchAck(List<ResultOutcome> outcomes) {
        this(outcomes, null, null);
    }

    /** The steps leased with the answer (none when not asked for). */
    public List<Lease> leased() {
        return leases == null ? List.of() : leases;
    }

    public boolean draining() {
        return Boolean.TRUE.equals(drain);
    }
}
