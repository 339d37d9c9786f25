package io.octvex.desk.webauthn;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.octvex.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * One ceremony's relying-party page: an HTTP server on 127.0.0.1 (an ephemeral port) that serves the page at
 * {@code http://localhost:<port>/<token>/} and takes exactly one answer at {@code …/<token>/finish}. The random
 * path token keeps other local processes from fetching the page or answering first; the single answer makes
 * the challenge one-use. The server lives only while the ceremony does.
 */
final class LoopbackPage implements AutoCloseable {
    static final String RP_ID = "localhost";
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Turns the page's answer into a result, or refuses it with a sentence. */
    interface Answer<T> {
        T verify(JsonNode answer) throws CeremonyException;
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final String token = randomText(24);

    LoopbackPage() throws CeremonyException {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        } catch (IOException e) {
            throw new CeremonyException("The Desk could not open a local port for the WebAuthn page.", e);
        }
        server.setExecutor(handlers);
    }

    /** The WebAuthn origin: {@code localhost} (an IP address cannot be an RP ID), the port we were given. */
    String origin() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    String finishPath() {
        return "/" + token + "/finish";
    }

    static String randomText(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /**
     * Serves the page, opens it with {@code browser} and waits for its one answer; the server is stopped on
     * return, whatever happened.
     */
    <T> T run(String title, String explanation, Map<String, Object> options, Answer<T> answer,
              Consumer<URI> browser, Duration timeout, String what) throws CeremonyException {
        String nonce = randomText(16);
        byte[] html = page(title, explanation, options, nonce);
        CompletableFuture<T> outcome = new CompletableFuture<>();
        AtomicBoolean answered = new AtomicBoolean();
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, html, nonce, answer, answered, outcome);
            } catch (IOException | RuntimeException e) {
                // a probe that hangs up is no reason to end the ceremony; a broken answer is
                if (answered.get()) {
                    outcome.completeExceptionally(new CeremonyException("The WebAuthn page's answer could not be read.", e));
                }
            }
        });
        server.start();
        URI uri = URI.create(origin() + "/" + token + "/");
        try {
            browser.accept(uri);
        } catch (RuntimeException e) {
            throw new CeremonyException("The Desk could not open the system browser; open " + uri + " yourself.", e);
        }
        try {
            return outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CeremonyException("Nobody completed the WebAuthn " + what + " in the browser within "
                    + timeout.toSeconds() + " s; the Desk stopped waiting.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CeremonyException refused) {
                throw new CeremonyException(refused.getMessage(), refused.getCause());
            }
            throw new CeremonyException("The WebAuthn " + what + " failed unexpectedly.", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CeremonyException("The WebAuthn " + what + " was interrupted.", e);
        }
    }

    private <T> void handle(HttpExchange exchange, byte[] html, String nonce, Answer<T> answer,
                            AtomicBoolean answered, CompletableFuture<T> outcome) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (!origin().equals("http://" + host)) {
            // DNS rebinding or a typed 127.0.0.1: WebAuthn would refuse that origin anyway.
            send(exchange, 421, "text/plain", "This page is only served as " + origin() + ".");
            return;
        }
        if (path.equals("/" + token + "/") && exchange.getRequestMethod().equals("GET")) {
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; script-src 'nonce-"
                    + nonce + "'; style-src 'nonce-" + nonce + "'; connect-src 'self'; frame-ancestors 'none'");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            send(exchange, 200, "text/html; charset=utf-8", html);
            return;
        }
        if (!path.equals(finishPath())) {
            send(exchange, 404, "text/plain", "Not found.");
            return;
        }
        if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, "text/plain", "Send the answer with POST.");
            return;
        }
        if (!origin().equals(exchange.getRequestHeaders().getFirst("Origin"))) {
            send(exchange, 403, "text/plain", "Answers are only taken from the Desk's own page at " + origin() + ".");
            return;
        }
        if (answered.getAndSet(true)) {
            send(exchange, 409, "text/plain", "This ceremony already has its answer; start a new one from the Desk.");
            return;
        }
        try {
            JsonNode node = readAnswer(exchange);
            if (node.has("error")) {
                throw new CeremonyException("The browser did not complete the ceremony (" + printable(node.get("error").asString()) + ").");
            }
            T result = answer.verify(node);
            send(exchange, 200, "text/plain", "Done: the Desk verified your authenticator.");
            exchange.close(); // the page gets its answer before the waiting ceremony stops the server
            outcome.complete(result);
        } catch (CeremonyException refused) {
            send(exchange, 400, "text/plain", refused.getMessage());
            exchange.close();
            outcome.completeExceptionally(refused);
        }
    }

    private static JsonNode readAnswer(HttpExchange exchange) throws IOException, CeremonyException {
        try (InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new CeremonyException("The browser's answer is too large to be a WebAuthn credential.");
            }
            JsonNode node = Json.tree(new String(bytes, StandardCharsets.UTF_8));
            if (!node.isObject()) {
                throw new CeremonyException("The browser's answer is not a JSON object.");
            }
            return node;
        } catch (JacksonException e) {
            throw new CeremonyException("The browser's answer is not valid JSON.");
        }
    }

    /** The browser's own error text, shortened and without control characters, for a message. */
    private static String printable(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() <= 200 ? clean : clean.substring(0, 200) + "…";
    }

    private static byte[] page(String title, String explanation, Map<String, Object> options, String nonce) {
        String template;
        try (InputStream in = LoopbackPage.class.getResourceAsStream("ceremony.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Options are JSON inside a <script type="application/json">: "<" is escaped so it cannot end the tag.
        String json = Json.write(options).replace("<", "\\u003c");
        return template.replace("{{NONCE}}", nonce).replace("{{TITLE}}", title)
                .replace("{{EXPLANATION}}", explanation).replace("{{OPTIONS}}", json)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        send(exchange, status, type + "; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
