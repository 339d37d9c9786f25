package io.octvex.protocol;

import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Terminal results of several leased steps in one request ({@code POST /api/v1/edge/results}): an edge sends
 * every result that finished since its previous report. Each is checked against its own lease, as a single
 * {@code …/steps/{id}/result} is; the server records them in one transaction.
 *
 * @param lease optional: after recording the results, lease up to this many more steps at once (no wait)
 *              in the slots they freed, answered in {@link ResultBatchAck#leases()}; null or 0 for none. One
 *              request then both reports and refills, instead of a report and a lease request per cycle.
 */
public record ResultBatch(List<BatchedResult> results, Integer lease) {
    public ResultBatch(List<BatchedResult> results) {
        this(results, null);
    }

    /** One step's {@link StepResult}, with the step it is about. */
    public record BatchedResult(UUID stepId, long epoch, StepStatus status, JsonNode result, String error) {
        public static BatchedResult of(UUID stepId, StepResult r) {
            return new BatchedResult(stepId, r.epoch(), r.status(), r.result(), r.error());
        }

        public StepResult toResult() {
            return new StepResult(epoch, status, result, error);
        }
    }
}
