package io.octvex.protocol;

import tools.jackson.databind.JsonNode;

public record ProgressReport(long epoch, String message, Integer percent, JsonNode data) {}
