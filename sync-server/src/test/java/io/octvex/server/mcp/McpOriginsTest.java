package io.octvex.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class McpOriginsTest {
    private final McpOrigins defaults = new McpOrigins(List.of(), List.of());
    private final McpOrigins configured = new McpOrigins(List.of("octvex.internal.example"),
            List.of("https://desk.example.com"));

    @Test
    void loopbackHostsOnlyByDefault() {
        assertThat(defaults.refusal("127.0.0.1:7700", null)).isEmpty();
        assertThat(defaults.refusal("localhost:7700", null)).isEmpty();
        assertThat(defaults.refusal("[::1]:7700", null)).isEmpty();
        assertThat(defaults.refusal("localhost", null)).isEmpty();
        assertThat(defaults.refusal("evil.example:7700", null)).isPresent();
        assertThat(defaults.refusal("localhost.evil.example", null)).isPresent();
        assertThat(defaults.refusal("127.0.0.1@evil.example", null)).isPresent();
        assertThat(defaults.refusal(null, null)).isPresent();
        assertThat(defaults.refusal("", null)).isPresent();
    }

    @Test
    void configuredHostsAndOrigins() {
        assertThat(configured.refusal("octvex.internal.example", null)).isEmpty();
        assertThat(configured.refusal("OCTVEX.internal.example:443", null)).isEmpty();
        assertThat(configured.refusal("octvex.internal.example", "https://desk.example.com")).isEmpty();
        assertThat(configured.refusal("octvex.internal.example", "https://desk.example.com:8443")).isPresent();
        assertThat(configured.refusal("octvex.internal.example", "http://desk.example.com")).isPresent();
    }

    @Test
    void originsMustBeLoopbackOrConfigured() {
        assertThat(defaults.refusal("127.0.0.1:7700", "http://localhost:3000")).isEmpty();
        assertThat(defaults.refusal("127.0.0.1:7700", "http://127.0.0.1:7700")).isEmpty();
        assertThat(defaults.refusal("127.0.0.1:7700", "http://evil.example")).isPresent();
        assertThat(defaults.refusal("127.0.0.1:7700", "null")).isPresent();
        assertThat(defaults.refusal("127.0.0.1:7700", "file://")).isPresent();
        assertThat(defaults.refusal("127.0.0.1:7700", "http://localhost.evil.example")).isPresent();
        assertThat(defaults.refusal("127.0.0.1:7700", "http://user@localhost")).isPresent();
    }

    @Test
    void secretLookingKeysAreMasked() {
        var masked = ToolInvoker.maskMap(java.util.Map.of("title", "t", "input", java.util.Map.of(
                "headers", java.util.Map.of("Authorization", "Bearer x", "Accept", "json"),
                "password", "p", "list", List.of(java.util.Map.of("apiKey", "k", "clientSecret", "s")))));
        String text = masked.toString();
        assertThat(text).contains("Accept=json").contains("title=t").doesNotContain("Bearer x")
                .doesNotContain("=p,").doesNotContain("=p}").doesNotContain("=s}").doesNotContain("=s,");
        assertThat(ToolInvoker.secretKey("refreshToken")).isTrue();
        assertThat(ToolInvoker.secretKey("key")).isFalse();
    }
}
