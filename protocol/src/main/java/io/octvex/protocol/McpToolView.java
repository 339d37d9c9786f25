package io.octvex.protocol;

import tools.jackson.databind.JsonNode;

/** A tool a downstream MCP server listed when it was last discovered: its name, description and input schema. */
public record McpToolView(String name, String description, JsonNode inputSchema) {}
