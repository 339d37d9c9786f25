package io.octvex.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A downstream MCP server of a workspace. {@code tools} is what its last completed discovery listed (empty
 * before the first); {@code discoveryRunId} is the run of the latest discovery, {@code toolsDiscoveredAt} when
 * the listed tools were stored.
 */
public record McpServerView(UUID id, UUID workspaceId, String name, String transport, String url, String command,
                            List<String> args, McpServerAuth auth, Map<String, String> edgeLabels,
                            List<String> allowedTools, List<McpToolView> tools, UUID discoveryRunId,
                            Instant toolsDiscoveredAt, Instant createdAt, Instant updatedAt) {}
