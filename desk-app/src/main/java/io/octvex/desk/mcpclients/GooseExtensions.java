package io.octvex.desk.mcpclients;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Goose's {@code config.yaml}: {@code extensions:} maps a name to an extension (stdio: cmd, args, envs). */
final class GooseExtensions implements ClientFormat {
    private static final String KEY = "extensions";

    @Override
    public Object current(String text) {
        return YamlBlocks.mapEntry(text, KEY, ENTRY);
    }

    @Override
    public String put(String text, Map<String, Object> entry) {
        return YamlBlocks.putMapEntry(text, KEY, ENTRY, entry);
    }

    @Override
    public String remove(String text) {
        return YamlBlocks.removeMapEntry(text, KEY, ENTRY);
    }

    @Override
    public Map<String, Object> entry(BridgeTarget target, boolean http) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", ENTRY);
        e.put("type", "stdio");
        e.put("cmd", target.command());
        e.put("args", List.copyOf(target.args()));
        e.put("enabled", true);
        e.put("envs", Map.of());
        e.put("timeout", 300);
        e.put("description", "Octvex: governed tools of workspace " + target.workspaceId());
        return e;
    }

    @Override
    public boolean http() {
        return false;
    }
}
