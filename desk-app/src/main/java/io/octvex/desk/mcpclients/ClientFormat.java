package io.octvex.desk.mcpclients;

import java.util.Map;

/** How one client's file holds its MCP servers: reading, adding and removing the Octvex entry. */
interface ClientFormat {
    /** The one stable name of our entry in every client. */
    String ENTRY = "octvex";

    /** Our entry as the file has it now, or null. @throws ConfigException when the file cannot be read */
    Object current(String text);

    /** The text with {@code entry} in place; the same string when nothing changes. */
    String put(String text, Map<String, Object> entry);

    /** The text without our entry; the same string when it has none. */
    String remove(String text);

    /** Our entry for this client; {@code http} asks for the direct-HTTP form (only if {@link #http}). */
    Map<String, Object> entry(BridgeTarget target, boolean http);

    /** Whether the client takes a remote URL with headers and expands an environment variable in them. */
    boolean http();
}
