package io.octvex.protocol;

import java.util.List;
import java.util.Map;

/**
 * Registers (or replaces the settings of) a downstream MCP server. {@code transport} {@code http}: a Streamable
 * HTTP {@code url}, optionally with {@code auth}. {@code stdio}: a {@code command} with {@code args} that an edge
 * starts (never the server). {@code edgeLabels} pin its calls to edges with those labels; {@code allowedTools}
 * lists the tools agents may call ({@code "*"}: all), empty by default.
 */
public record SaveMcpServer(String name, String transport, String url, String command, List<String> args,
                            McpServerAuth auth, Map<String, String> edgeLabels, List<String> allowedTools) {}
