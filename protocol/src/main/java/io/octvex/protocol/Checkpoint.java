package io.octvex.protocol;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/** A rolling checkpoint: a summary a person can read and a small state blob the next attempt resumes from. */
public record Checkpoint(String summary, JsonNode state, Instant at) {}
