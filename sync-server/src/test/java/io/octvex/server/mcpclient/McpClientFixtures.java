package io.octvex.server.mcpclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Json;
import io.octvex.protocol.McpServerView;
import io.octvex.server.identity.TestApi;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Registers downstream MCP servers through the API, for tests of this feature and the API-wide matrices. */
public final class McpClientFixtures {
    private McpClientFixtures() {}

    public static String base(UUID workspaceId) {
        return "/api/v1/workspaces/" + workspaceId + "/mcp-servers";
    }

    /** An http server at {@code url} whose tools are all allowed. */
    public static McpServerView register(TestApi api, String token, UUID workspaceId, String name, String url) {
        TestApi.Response r = api.send("POST", base(workspaceId), token, Map.of("name", name, "transport", "http",
                "url", url, "allowedTools", List.of("*")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return Json.read(r.body(), McpServerView.class);
    }
}
