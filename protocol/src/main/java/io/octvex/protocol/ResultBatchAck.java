package io.octvex.protocol;

import java.util.List;

/** The answer to a {@link ResultBatch}: one outcome per result, in the order sent. */
public record ResultBatchAck(List<ResultOutcome> outcomes) {}
