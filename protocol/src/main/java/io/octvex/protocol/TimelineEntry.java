package io.octvex.protocol;

import java.time.Instant;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** One line of a run timeline: what happened, to which step, by whom, and a sentence a person can read. */
public record TimelineEntry(long seq, Instant at, String type, UUID stepId, String stepKey, UUID principalId,
                            String summary, JsonNode data) {}
