package io.octvex.edge.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.octvex.edge.handler.StepFailure;
import io.octvex.protocol.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class HttpHandlerTest {
    private HttpServer target;
    private HttpServer elsewhere;
    private String base;

    @BeforeEach
    void startTargets() throws IOException {
        target = server();
        elsewhere = server();
        base = "http://127.0.0.1:" + target.getAddress().getPort();
        String other = "http://127.0.0.1:" + elsewhere.getAddress().getPort();
        target.createContext("/echo", HttpHandlerTest::echo);
        elsewhere.createContext("/echo", HttpHandlerTest::echo);
        target.createContext("/created", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            ex.getResponseHeaders().add("Set-Cookie", "session=hidden");
            ex.getResponseHeaders().add("X-Request-Id", "req-7");
            ex.getResponseHeaders().add("X-Internal-Secret", "hidden");
            respond(ex, 201, "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
        });
        target.createContext("/binary", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
            byte[] bytes = new byte[3000];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) i;
            }
            respond(ex, 200, bytes);
        });
        target.createContext("/slow", ex -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(ex, 200, new byte[0]);
        });
        target.createContext("/here", ex -> {
            ex.getResponseHeaders().add("Location", "/echo");
            respond(ex, 302, new byte[0]);
        });
        target.createContext("/away", ex -> {
            ex.getResponseHeaders().add("Location", other + "/echo");
            respond(ex, 307, new byte[0]);
        });
        target.createContext("/teapot", ex -> respond(ex, 418, "short and stout".getBytes(StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stopTargets() {
        target.stop(0);
        elsewhere.stop(0);
    }

    @Test
    void returnsStatusSafeHeadersAndATextBody() throws Exception {
        JsonNode result = run(new HttpHandler(), Map.of("url", base + "/created"));

        assertThat(result.get("status").asInt()).isEqualTo(201);
        assertThat(result.get("bodyEncoding").asString()).isEqualTo("text");
        assertThat(Json.tree(result.get("body").asString()).get("ok").asBoolean()).isTrue();
        assertThat(result.get("truncated").asBoolean()).isFalse();
        JsonNode headers = result.get("headers");
        assertThat(headers.get("content-type").asString()).isEqualTo("application/json; charset=utf-8");
        assertThat(headers.get("x-request-id").asString()).isEqualTo("req-7");
        assertThat(headers.has("set-cookie")).isFalse();
        assertThat(headers.has("x-internal-secret")).isFalse();
    }

    @Test
    void sendsMethodHeadersAndAJsonBody() throws Exception {
        ObjectNode input = input(Map.of("method", "post", "url", base + "/echo", "headers", Map.of("X-Trace", "abc")));
        input.putObject("body").put("hello", "world");

        JsonNode echoed = Json.tree(new HttpHandler().run(new FakeStepContext(input)).get("body").asString());

        assertThat(echoed.get("method").asString()).isEqualTo("POST");
        assertThat(echoed.get("headers").get("x-trace").asString()).isEqualTo("abc");
        assertThat(echoed.get("headers").get("content-type").asString()).isEqualTo("application/json");
        assertThat(Json.tree(echoed.get("body").asString()).get("hello").asString()).isEqualTo("world");
    }

    @Test
    void aStringBodyIsSentAsIs() throws Exception {
        JsonNode result = run(new HttpHandler(), Map.of("method", "PUT", "url", base + "/echo", "body", "plain text",
                "headers", Map.of("Content-Type", "text/plain")));

        JsonNode echoed = Json.tree(result.get("body").asString());
        assertThat(echoed.get("body").asString()).isEqualTo("plain text");
        assertThat(echoed.get("headers").get("content-type").asString()).isEqualTo("text/plain");
    }

    @Test
    void anHttpErrorStatusIsAResultNotAFailure() throws Exception {
        JsonNode result = run(new HttpHandler(), Map.of("url", base + "/teapot"));
        assertThat(result.get("status").asInt()).isEqualTo(418);
    }

    @Test
    void cutsTheBodyAtTheLimitAndSaysSo() throws Exception {
        JsonNode result = run(new HttpHandler(), Map.of("url", base + "/binary", "maxResponseBytes", 1000));

        assertThat(result.get("bodyEncoding").asString()).isEqualTo("base64");
        byte[] body = Base64.getDecoder().decode(result.get("body").asString());
        assertThat(body).hasSize(1000);
        assertThat(body[999]).isEqualTo((byte) 999);
        assertThat(result.get("truncated").asBoolean()).isTrue();
        assertThat(result.get("bodyBytes").asInt()).isEqualTo(1000);

        JsonNode whole = run(new HttpHandler(), Map.of("url", base + "/binary", "maxResponseBytes", 3000));
        assertThat(whole.get("truncated").asBoolean()).isFalse();
        assertThat(Base64.getDecoder().decode(whole.get("body").asString())).hasSize(3000);
    }

    @Test
    void timesOutWithAClearMessage() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> run(new HttpHandler(), Map.of("url", base + "/slow", "timeoutSeconds", 1)))
                .isInstanceOf(StepFailure.class)
                .hasMessage("request to 127.0.0.1:" + target.getAddress().getPort() + " timed out after 1 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }

    @Test
    void connectionRefusedIsExplained() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        assertThatThrownBy(() -> run(new HttpHandler(), Map.of("url", "http://127.0.0.1:" + port + "/")))
                .isInstanceOf(StepFailure.class).hasMessage("connection refused by 127.0.0.1:" + port);
    }

    @Test
    void badInputIsRefusedClearly() {
        var handler = new HttpHandler();
        assertThatThrownBy(() -> run(handler, Map.of("url", "ftp://example.org/file")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("must be an http or https URL");
        assertThatThrownBy(() -> run(handler, Map.of("url", "http://exa mple.org/")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("'url' is not a valid URL");
        assertThatThrownBy(() -> run(handler, Map.of("method", "GET")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("'url' is required");
        assertThatThrownBy(() -> run(handler, Map.of("url", base, "timeoutSeconds", 301)))
                .isInstanceOf(StepFailure.class).hasMessageContaining("'timeoutSeconds' must be from 1 to 300");
        assertThatThrownBy(() -> run(handler, Map.of("url", base, "maxResponseBytes", 11 << 20)))
                .isInstanceOf(StepFailure.class).hasMessageContaining("'maxResponseBytes' must be from 0 to 10485760");
        assertThatThrownBy(() -> run(handler, Map.of("url", base, "metod", "GET")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("unknown field 'metod'");
        assertThatThrownBy(() -> run(handler, Map.of("url", base, "method", "BREW")))
                .isInstanceOf(StepFailure.class).hasMessageContaining("'method' must be one of");
        assertThatThrownBy(() -> run(handler, Map.of("url", base, "headers", Map.of("Host", "x"))))
                .isInstanceOf(StepFailure.class).hasMessage("header 'Host' cannot be sent (restricted or invalid)");
    }

    @Test
    void credentialHeadersAreAddedButNeverReturnedAndStayOnTheirOrigin() throws Exception {
        CredentialHeaders vault = (step, uri) -> Map.of("Authorization", "Bearer s3cret-value");
        var handler = new HttpHandler(vault);

        JsonNode direct = run(handler, Map.of("url", base + "/echo", "headers", Map.of("authorization", "Bearer mine")));
        assertThat(received.get()).as("the credential wins over the step's own header").isEqualTo("Bearer s3cret-value");
        assertThat(direct.toString()).as("the echoed credential is redacted").doesNotContain("s3cret");

        JsonNode sameOrigin = run(handler, Map.of("url", base + "/here"));
        assertThat(sameOrigin.get("url").asString()).isEqualTo(base + "/echo");
        assertThat(Json.tree(sameOrigin.get("body").asString()).get("headers").has("authorization")).isTrue();

        JsonNode otherOrigin = run(handler, Map.of("url", base + "/away"));
        assertThat(otherOrigin.get("status").asInt()).isEqualTo(200);
        assertThat(Json.tree(otherOrigin.get("body").asString()).get("headers").has("authorization"))
                .as("credentials are dropped when a redirect leaves the origin").isFalse();

        JsonNode notFollowed = run(handler, Map.of("url", base + "/here", "followRedirects", false));
        assertThat(notFollowed.get("status").asInt()).isEqualTo(302);
        assertThat(notFollowed.get("headers").get("location").asString()).isEqualTo("/echo");
    }

    @Test
    void leasedCredentialsAreRedeemedInjectedAndRedactedWhereverTheTargetEchoesThem() throws Exception {
        var handler = new HttpHandler(new LeasedCredentialHeaders());
        String canary = "sk-canary-" + java.util.UUID.randomUUID();
        FakeStepContext context = new FakeStepContext(input(Map.of("url", base + "/echo",
                "auth", Map.of("secret", "billing-api", "as", "bearer"))));
        var ref = new io.octvex.protocol.CredentialRef(java.util.UUID.randomUUID(), "billing-api", "bearer", null, null);
        context.credentials = List.of(ref);
        context.materials.put(ref.leaseId(), "{\"header\":\"Authorization\",\"value\":\"Bearer " + canary + "\"}");

        JsonNode result = handler.run(context);

        assertThat(result.toString()).as("the target echoed it; the result never carries it").doesNotContain(canary);
        assertThat(result.get("redacted").asBoolean()).isTrue();
        assertThat(received.get()).as("the target did receive it").isEqualTo("Bearer " + canary);
        assertThat(Json.tree(result.get("body").asString()).get("headers").get("authorization").asString())
                .isEqualTo("*".repeat(("Bearer " + canary).length()));

        context.materials.clear(); // revoked: the next request cannot redeem it
        assertThatThrownBy(() -> handler.run(context)).isInstanceOf(StepFailure.class)
                .hasMessage("credential 'billing-api' was revoked");
    }

    @Test
    void everyPlaceARedirectLeadsIsPutToTheGateFirst() throws Exception {
        var handler = new HttpHandler(CredentialHeaders.NONE);
        FakeStepContext followed = new FakeStepContext(input(Map.of("url", base + "/away")));
        assertThat(handler.run(followed).get("status").asInt()).isEqualTo(200);
        assertThat(followed.asked).hasSize(1).first().asString().startsWith("GET http://127.0.0.1:").endsWith("/echo")
                .doesNotStartWith("GET " + base);

        FakeStepContext refused = new FakeStepContext(input(Map.of("url", base + "/away")));
        refused.refuse.add(followed.asked.getFirst().substring(4));
        assertThatThrownBy(() -> handler.run(refused)).isInstanceOf(StepFailure.class)
                .hasMessageStartingWith("denied by policy ('test')");

        FakeStepContext direct = new FakeStepContext(input(Map.of("url", base + "/echo")));
        handler.run(direct);
        assertThat(direct.asked).as("the step's own URL was decided before the lease").isEmpty();
    }

    @Test
    void anInterruptedStepStopsPromptly() throws Exception {
        var handler = new HttpHandler();
        var context = new FakeStepContext(input(Map.of("url", base + "/slow")));
        var failure = new CompletableFuture<Throwable>();
        Thread runner = Thread.ofVirtual().start(() -> {
            try {
                handler.run(context);
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
        Thread.sleep(300);
        context.cancelled = true;
        runner.interrupt();
        assertThat(failure.get(2, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private static JsonNode run(HttpHandler handler, Map<String, Object> input) throws Exception {
        return handler.run(new FakeStepContext(input(input)));
    }

    private static ObjectNode input(Map<String, Object> fields) {
        return (ObjectNode) Json.toTree(fields);
    }

    private static HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }

    /** The Authorization header the echo endpoint last received, as the target saw it. */
    private static final java.util.concurrent.atomic.AtomicReference<String> received =
            new java.util.concurrent.atomic.AtomicReference<>();

    private static void echo(HttpExchange ex) throws IOException {
        received.set(ex.getRequestHeaders().getFirst("Authorization"));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("method", ex.getRequestMethod());
        ObjectNode headers = out.putObject("headers");
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
        out.put("body", new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        ex.getResponseHeaders().add("Content-Type", "application/json");
        respond(ex, 200, Json.write(out).getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }
}
