package io.octvex.protocol;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Several runs submitted at once ({@code POST …/runs/batch}): all are checked before any is stored, and all are
 * stored in one transaction or none. Each may carry its own idempotency key (what the single submit takes in
 * the {@code Idempotency-Key} header).
 */
public record SubmitRuns(List<Item> runs) {
    /** One run of the batch: a {@link SubmitRun} and its optional idempotency key. */
    public record Item(String idempotencyKey, String title, JsonNode spec, List<StepSpec> steps) {
        public static Item of(SubmitRun run, String idempotencyKey) {
            return new Item(idempotencyKey, run.title(), run.spec(), run.steps());
        }

        public SubmitRun run() {
            return new SubmitRun(title, spec, steps);
        }
    }
}
