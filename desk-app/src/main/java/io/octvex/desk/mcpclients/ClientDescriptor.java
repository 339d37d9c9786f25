package io.octvex.desk.mcpclients;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One MCP client: its name, the file that lists its MCP servers (user scope), the folder whose presence says
 * the client is installed, and its format.
 */
record ClientDescriptor(String id, String name, Path file, Path installedMarker, ClientFormat format, Path home) {
    boolean installed() {
        return Files.exists(file) || Files.isDirectory(installedMarker);
    }

    /** The file as people write it: {@code ~/.cursor/mcp.json}. */
    String shownFile() {
        return file.startsWith(home) ? "~/" + home.relativize(file).toString().replace('\\', '/') : file.toString();
    }
}
