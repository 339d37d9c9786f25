package io.octvex.desk.mcpclients;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Continue's {@code config.yaml}: {@code mcpServers:} is a list of servers, each with a {@code name}. */
final class ContinueServers implements ClientFormat {
    private static final String KEY = "mcpServers";
    /** A new config.yaml needs the assistant's own header to be valid for Continue. */
    private static final String NEW_FILE_HEADER = "name: Local Assistant\nversion: 1.0.0\nschema: v1\n";

    @Override
    public Object current(String text) {
        return YamlBlocks.listEntry(text, KEY, ENTRY);
    }

    @Override
    public String put(String text, Map<String, Object> entry) {
        return YamlBlocks.putListEntry(text, KEY, entry, NEW_FILE_HEADER);
    }

    @Override
    public String remove(String text) {
        return YamlBlocks.removeListEntry(text, KEY, ENTRY);
    }

    @Override
    public Map<String, Object> entry(BridgeTarget target, boolean http) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", ENTRY);
        e.put("command", target.command());
        e.put("args", List.copyOf(target.args()));
        return e;
    }

    @Override
    public boolean http() {
        return false;
    }
}
