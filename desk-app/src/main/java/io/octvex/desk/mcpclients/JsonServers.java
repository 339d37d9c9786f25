package io.octvex.desk.mcpclients;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The JSON (with comments) family: a map of servers under a key path ({@code mcpServers}, {@code servers},
 * {@code context_servers}), our entry shaped by the client's own schema.
 */
final class JsonServers implements ClientFormat {
    private final List<String> path;
    private final Function<BridgeTarget, Map<String, Object>> stdio;
    private final Function<BridgeTarget, Map<String, Object>> http;

    /** @param http null when the client gets the bridge only */
    JsonServers(List<String> path, Function<BridgeTarget, Map<String, Object>> stdio,
            Function<BridgeTarget, Map<String, Object>> http) {
        this.path = List.copyOf(path);
        this.stdio = stdio;
        this.http = http;
    }

    @Override
    public Object current(String text) {
        if (text.isBlank()) {
            return null;
        }
        Object node = Jsonc.parse(text).value();
        if (!(node instanceof Map<?, ?>)) {
            throw new ConfigException("the top level is not a JSON object");
        }
        for (String key : path) {
            if (!(node instanceof Map<?, ?> map) || !(map.get(key) instanceof Map<?, ?> next)) {
                return null;
            }
            node = next;
        }
        return ((Map<?, ?>) node).get(ENTRY);
    }

    @Override
    public String put(String text, Map<String, Object> entry) {
        return Jsonc.put(text, path, ENTRY, entry);
    }

    @Override
    public String remove(String text) {
        return Jsonc.remove(text, path, ENTRY);
    }

    @Override
    public Map<String, Object> entry(BridgeTarget target, boolean wantHttp) {
        return wantHttp && http != null ? http.apply(target) : stdio.apply(target);
    }

    @Override
    public boolean http() {
        return http != null;
    }
}
