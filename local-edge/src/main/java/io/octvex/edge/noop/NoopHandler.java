package io.octvex.edge.noop;

import io.octvex.edge.handler.Handler;
import io.octvex.edge.handler.StepContext;
import io.octvex.edge.handler.StepFailure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import io.octvex.protocol.Json;

/**
 * The {@code noop} handler, for tests and benchmarks: echoes its input. Optional input: {@code sleepMillis}
 * (waits that long, stopping early when the step is cancelled), {@code fail} (fails with that message).
 * Result: {@code {"echo": input, "attempt": n, "sleptMillis": m}}.
 */
public final class NoopHandler implements Handler {
    public static final String NAME = "noop";
    private static final long MAX_SLEEP_MILLIS = 3_600_000;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonNode run(StepContext context) throws StepFailure, InterruptedException {
        JsonNode input = context.input();
        long sleep = 0;
        JsonNode sleepNode = input.path("sleepMillis");
        if (!sleepNode.isMissingNode()) {
            if (!sleepNode.isIntegralNumber() || sleepNode.asLong() < 0 || sleepNode.asLong() > MAX_SLEEP_MILLIS) {
                throw new StepFailure("'sleepMillis' must be a whole number from 0 to " + MAX_SLEEP_MILLIS);
            }
            sleep = sleepNode.asLong();
        }
        long start = System.nanoTime();
        long end = start + sleep * 1_000_000;
        if (sleep > 0) {
            context.progress("sleeping " + sleep + " ms", 0, null);
        }
        while (System.nanoTime() < end) {
            if (context.cancelled()) {
                throw new StepFailure("cancelled");
            }
            Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        }
        JsonNode fail = input.path("fail");
        if (fail.isString()) {
            throw new StepFailure(fail.asString());
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("echo", input);
        out.put("attempt", context.lease() == null ? 0 : context.lease().attempt());
        out.put("sleptMillis", (System.nanoTime() - start) / 1_000_000);
        return out;
    }
}
