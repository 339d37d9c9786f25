package io.octvex.desk.mcpclients;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients we know, with their real user-scope paths per OS and their own entry schemas (sources in
 * docs/adr/0021-mcp-client-configuration.md).
 */
final class Clients {
    private static final String BEARER = "Bearer ${env:" + BridgeTarget.TOKEN_VARIABLE + "}";

    private Clients() {}

    static List<ClientDescriptor> all(Places p) {
        var home = p.home();
        var vscodeUser = p.appSupport().resolve("Code/User");
        var zed = p.os() == Places.Os.WINDOWS ? p.appData().resolve("Zed") : p.xdgConfig().resolve("zed");
        if (p.os() == Places.Os.MAC && !java.nio.file.Files.isDirectory(zed)) {
            zed = home.resolve(".config/zed"); // Zed uses ~/.config/zed on macOS too
        }
        var goose = p.os() == Places.Os.WINDOWS ? p.appData().resolve("Block/goose/config")
                : p.xdgConfig().resolve("goose");
        var cline = vscodeUser.resolve("globalStorage/saoudrizwan.claude-dev");
        return List.of(
                d(home, "claude-code", "Claude Code", home.resolve(".claude.json"), home.resolve(".claude"),
                        new JsonServers(List.of("mcpServers"),
                                t -> map("type", "stdio", "command", t.command(), "args", t.args(), "env", Map.of()),
                                t -> map("type", "http", "url", t.mcpUrl(), "headers", Map.of("Authorization",
                                        "Bearer ${" + BridgeTarget.TOKEN_VARIABLE + "}")))),
                d(home, "claude-desktop", "Claude Desktop",
                        p.appSupport().resolve("Claude/claude_desktop_config.json"), p.appSupport().resolve("Claude"),
                        new JsonServers(List.of("mcpServers"), Clients::commandArgs, null)),
                d(home, "cursor", "Cursor", home.resolve(".cursor/mcp.json"), home.resolve(".cursor"),
                        new JsonServers(List.of("mcpServers"), Clients::commandArgs,
                                t -> map("url", t.mcpUrl(), "headers", Map.of("Authorization", BEARER)))),
                d(home, "vscode", "VS Code", vscodeUser.resolve("mcp.json"), vscodeUser,
                        new JsonServers(List.of("servers"),
                                t -> map("type", "stdio", "command", t.command(), "args", t.args()), null)),
                d(home, "windsurf", "Windsurf", home.resolve(".codeium/windsurf/mcp_config.json"),
                        home.resolve(".codeium/windsurf"),
                        new JsonServers(List.of("mcpServers"), Clients::commandArgs,
                                t -> map("serverUrl", t.mcpUrl(), "headers", Map.of("Authorization", BEARER)))),
                d(home, "zed", "Zed", zed.resolve("settings.json"), zed,
                        new JsonServers(List.of("context_servers"),
                                t -> map("source", "custom", "command", t.command(), "args", t.args(), "env", Map.of()),
                                null)),
                d(home, "cline", "Cline", cline.resolve("settings/cline_mcp_settings.json"), cline,
                        new JsonServers(List.of("mcpServers"),
                                t -> map("command", t.command(), "args", t.args(), "disabled", false), null)),
                d(home, "continue", "Continue", home.resolve(".continue/config.yaml"),
                        home.resolve(".continue"), new ContinueServers()),
                d(home, "goose", "Goose", goose.resolve("config.yaml"), goose, new GooseExtensions()),
                d(home, "gemini-cli", "Gemini CLI", home.resolve(".gemini/settings.json"),
                        home.resolve(".gemini"),
                        new JsonServers(List.of("mcpServers"), Clients::commandArgs,
                                t -> map("httpUrl", t.mcpUrl(), "headers", Map.of("Authorization",
                                        "Bearer $" + BridgeTarget.TOKEN_VARIABLE)))));
    }

    private static ClientDescriptor d(java.nio.file.Path home, String id, String name, java.nio.file.Path file,
            java.nio.file.Path installedMarker, ClientFormat format) {
        return new ClientDescriptor(id, name, file, installedMarker, format, home);
    }

    private static Map<String, Object> commandArgs(BridgeTarget t) {
        return map("command", t.command(), "args", t.args());
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
