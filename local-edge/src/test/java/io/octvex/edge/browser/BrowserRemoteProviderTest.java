package io.octvex.edge.browser;

import static io.octvex.edge.browser.BrowserFixtures.base;
import static io.octvex.edge.browser.BrowserFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.octvex.edge.browser.BrowserFixtures.RecordingContext;
import io.octvex.edge.handler.StepFailure;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The attach providers ({@code cdp} and the remote services, which are CDP over WebSocket) against a
 * Chromium this test starts itself with {@code --remote-debugging-port=0} on 127.0.0.1.
 */
class BrowserRemoteProviderTest {
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final String BROWSERLESS_KEY = "bl-key-7f3a9c-do-not-log";
    private static final String CLOUDFLARE_KEY = "cf-token-e51b02-do-not-log";

    private static HttpServer site;
    private static Process chromium;
    private static URI webSocket;
    private static BrowserHandler handler;
    private static Path scratch;

    @BeforeAll
    static void start() throws Exception {
        BrowserFixtures.keepDriverUnderTarget();
        site = BrowserFixtures.site();
        Path profile = Files.createDirectories(BrowserFixtures.ROOT.resolve("remote-profile-" + UUID.randomUUID()));
        List<String> command = new ArrayList<>(List.of(BrowserConfig.DEFAULT_CHROMIUM.toString(), "--headless",
                "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                "--user-data-dir=" + profile));
        command.addAll(EnginePool.CHROMIUM_ARGS);
        command.add("about:blank");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        scratch = BrowserFixtures.scratch();
        builder.environment().put("XDG_CONFIG_HOME", profile.resolve("config").toString());
        builder.environment().put("XDG_CACHE_HOME", profile.resolve("cache").toString());
        builder.environment().put("TMPDIR", scratch.toString());
        chromium = builder.start();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        List<String> stderrTail = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(
                    new InputStreamReader(chromium.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    stderrTail.add(line);
                    if (stderrTail.size() > 20) {
                        stderrTail.remove(0);
                    }
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        listening.complete(URI.create(m.group(1)));
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
            listening.completeExceptionally(new IllegalStateException(
                    "chromium exited without a DevTools URL; its last words: " + String.join("\n", stderrTail)));
        }, "remote-chromium-stderr");
        drain.setDaemon(true);
        drain.start();
        webSocket = listening.get(30, TimeUnit.SECONDS);
        URI http = URI.create("http://127.0.0.1:" + webSocket.getPort());

        BrowserConfig local = BrowserFixtures.config(BrowserFixtures.freshEdgeHome(), scratch);
        handler = new BrowserHandler(new BrowserConfig(local.edgeHome(), "cdp", local.chromiumExecutable(), http,
                new BrowserConfig.RemoteEndpoint(webSocket, BROWSERLESS_KEY), null,
                new BrowserConfig.RemoteEndpoint(webSocket, CLOUDFLARE_KEY),
                local.actionTimeout(), local.defaultStepTimeout(), local.maxStepTimeout(), local.scratchDir(), 1));
    }

    @AfterAll
    static void stop() throws Exception {
        if (handler != null) {
            handler.close();
        }
        if (chromium != null) {
            chromium.destroy();
            if (!chromium.waitFor(10, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
            }
        }
        if (site != null) {
            site.stop(0);
        }
    }

    @Test
    void cdpProviderAttachesToARunningChromium() throws Exception {
        // no "provider": this edge's default is cdp
        JsonNode result = handler.run(new RecordingContext(UUID.randomUUID(), formFlow("")));
        assertFormFlow(result);
    }

    @Test
    void remoteProvidersAreCdpOverWebSocketWithTheirKeyKeptOutOfResultsAndReports() throws Exception {
        for (String provider : List.of("browserless", "cloudflare")) {
            var context = new RecordingContext(UUID.randomUUID(), formFlow("\"provider\": \"" + provider + "\","));
            JsonNode result = handler.run(context);

            assertFormFlow(result);
            String everything = result + String.join("\n", context.progress);
            assertThat(everything).doesNotContain(BROWSERLESS_KEY).doesNotContain(CLOUDFLARE_KEY);
        }
    }

    @Test
    void persistentSandboxWorksOverCdp() throws Exception {
        UUID workspace = UUID.randomUUID();
        String sandbox = "\"sandbox\": {\"mode\": \"persistent\", \"name\": \"remote\"}";
        handler.run(new RecordingContext(workspace, json("""
                {%s, "provider": "browserless",
                 "actions": [{"goto": "%s/login"}, {"click": "#login"}, {"wait": "#done:not(:empty)"}]}"""
                .formatted(sandbox, base(site)))));

        JsonNode next = handler.run(new RecordingContext(workspace, json("""
                {%s, "actions": [{"goto": "%s/whoami"}, {"extract": "#who", "as": "who"}]}"""
                .formatted(sandbox, base(site)))));
        assertThat(next.get("extracted").get("who").stringValue())
                .isEqualTo("cookie=[session=sekrit-cookie-value-4711] user=[ada-lovelace]");
    }

    @Test
    void anUnreachableRemoteServiceFailsClearlyWithoutRevealingTheKey() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        BrowserConfig local = BrowserFixtures.config(BrowserFixtures.freshEdgeHome(), scratch);
        String key = "leaky/key+with=chars&more";
        try (BrowserHandler unreachable = new BrowserHandler(new BrowserConfig(local.edgeHome(), "browserless",
                local.chromiumExecutable(), null,
                new BrowserConfig.RemoteEndpoint(URI.create("ws://127.0.0.1:" + closedPort), key), null, null,
                Duration.ofSeconds(3), local.defaultStepTimeout(), local.maxStepTimeout(), local.scratchDir(), 0))) {
            assertThatThrownBy(() -> unreachable.run(new RecordingContext(UUID.randomUUID(), json("""
                    {"actions": [{"goto": "%s/form"}]}""".formatted(base(site))))))
                    .isInstanceOf(StepFailure.class)
                    .hasMessageStartingWith("cannot connect to the browserless browser: ")
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain(key)
                            .doesNotContain(java.net.URLEncoder.encode(key, StandardCharsets.UTF_8)));
        }
    }

    private static JsonNode formFlow(String providerField) {
        return json("""
                {%s "actions": [
                  {"goto": "%s/form"}, {"fill": "#name", "value": "Grace"}, {"click": "#go"},
                  {"wait": "#out:not(:empty)"}, {"extract": "#out", "as": "greeting"}, {"screenshot": "remote"}
                ]}""".formatted(providerField, base(site)));
    }

    private static void assertFormFlow(JsonNode result) {
        assertThat(result.get("extracted").get("greeting").stringValue()).isEqualTo("Hello, GRACE (ecarG, 5)");
        assertThat(result.get("title").stringValue()).isEqualTo("Greeter");
        assertThat(result.get("screenshots").size()).isEqualTo(1);
    }
}
