package io.octvex.edge.handler;

import tools.jackson.databind.JsonNode;

/**
 * Runs one kind of step on the edge ({@code http}, {@code browser}, …). A handler returns the step's result
 * or throws {@link StepFailure} with a message for the timeline; anything else thrown is reported as an
 * internal failure of the handler. Handlers must honour {@link StepContext#cancelled()} in long work.
 */
public interface Handler {
    /** The handler name steps refer to, also advertised as an edge capability. */
    String name();

    JsonNode run(StepContext context) throws Exception;
}
