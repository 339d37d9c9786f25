package io.octvex.protocol;

/**
 * How Octvex authenticates to a remote MCP server: a vault secret (or an OAuth connection, whose tokens are a
 * vault secret of the same name) sent as {@code Authorization: Bearer} ({@code as: "bearer"}) or under a header
 * of its own ({@code as: "header"}, {@code header: "X-Api-Key"}). Only the name is here, never the value.
 */
public record McpServerAuth(String secret, String as, String header) {}
