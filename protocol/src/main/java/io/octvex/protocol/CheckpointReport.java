package io.octvex.protocol;

import tools.jackson.databind.JsonNode;

public record CheckpointReport(long epoch, String summary, JsonNode state) {}
