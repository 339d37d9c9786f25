package io.octvex.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.octvex.protocol.Scope;
import io.octvex.server.OctvexServerApplication;
import io.octvex.server.ServerTest;
import io.octvex.server.database.ConnectionSettings;
import io.octvex.server.identity.TestApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

/** Shutdown is not held up by an open MCP stream: a second replica is stopped while a client listens. */
@ServerTest
class McpShutdownTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ConnectionSettings database;
    @TempDir
    Path home;

    @Test
    void anOpenStreamEndsAndShutdownIsBounded() throws Exception {
        UUID ws = TestApi.on(port).newWorkspace("mcp-shutdown").id();
        String token = TestApi.on(port).adminToken(ws, Scope.RUNS_READ).secret();
        ConfigurableApplicationContext replica = new SpringApplicationBuilder(OctvexServerApplication.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--octvex.home=" + home,
                        ServerTest.SHARED_ROOT_KEY, "--octvex.database.url=" + database.url(),
                        "--octvex.database.user=" + database.user(), "--octvex.database.password=" + database.password(),
                        "--octvex.mcp.shutdown-timeout=PT3S",
                        // the stream's response starts with its first message; a ping every second sends one
                        "--octvex.mcp.keep-alive=PT1S");
        CompletableFuture<HttpResponse<Stream<String>>> stream;
        try {
            String url = "http://127.0.0.1:" + replica.getEnvironment().getRequiredProperty("local.server.port") + "/mcp";
            HttpResponse<String> init = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
                            "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpResponse<String> initialized = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session)
                    .header("MCP-Protocol-Version", "2025-06-18").header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(initialized.statusCode()).isEqualTo(202);
            stream = HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session)
                    .header("MCP-Protocol-Version", "2025-06-18").header("Accept", "text/event-stream").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            HttpResponse<Stream<String>> open = stream.get(10, TimeUnit.SECONDS);
            assertThat(open.statusCode()).isEqualTo(200);
            CompletableFuture<Long> ended = CompletableFuture.supplyAsync(() -> open.body().count());
            Thread.sleep(300);
            assertThat(ended).isNotDone();

            long started = System.nanoTime();
            replica.close();
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(took).as("shutdown with an open MCP stream").isLessThan(Duration.ofSeconds(8));
            ended.get(5, TimeUnit.SECONDS); // the stream was ended by the server, not left hanging
        } finally {
            if (replica.isActive()) {
                replica.close();
            }
        }
    }
}
